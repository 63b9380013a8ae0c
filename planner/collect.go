package planner

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// item is one field to plan at an object: a client field (fragments
// inlined, same response keys merged) or an internal one (key, @requires).
type item struct {
	field   *ast.Field
	respKey string
	dirs    ast.DirectiveList // @skip/@include on variables
	sel     ast.SelectionSet  // merged sub-selections
	// internal: added by the planner; kids are its nested internal fields.
	// An internal inline fragment has field == nil and typeCond set.
	internal bool
	kids     []*item
	typeCond string
	// peers: sub-selections of the client's other selections with this
	// response key at the same object (see walk.peers).
	peers ast.SelectionSet
	// always: the sub-selections of those other selections that have no
	// @skip/@include of their own (fetched whenever this one is).
	always ast.SelectionSet
}

// fragItem is a fragment on a type other than the abstract parent's.
type fragItem struct {
	typeCond string
	sel      ast.SelectionSet
	dirs     ast.DirectiveList
}

// evalDirs evaluates literal @skip/@include (keep == false drops the
// selection) and keeps those on variables; other directives are dropped.
func evalDirs(ds ast.DirectiveList) (kept ast.DirectiveList, keep bool) {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		a := d.Arguments.ForName("if")
		if a == nil || a.Value == nil {
			continue
		}
		if a.Value.Kind == ast.Variable {
			kept = append(kept, d)
			continue
		}
		truth := a.Value.Raw == "true"
		if (d.Name == "skip") == truth {
			return nil, false
		}
	}
	return kept, true
}

func condsOf(ds ast.DirectiveList) []cond {
	var out []cond
	for _, d := range ds {
		if a := d.Arguments.ForName("if"); a != nil && a.Value != nil && a.Value.Kind == ast.Variable {
			out = append(out, cond{variable: a.Value.Raw, include: d.Name == "include"})
		}
	}
	return out
}

func joinDirs(a, b ast.DirectiveList) ast.DirectiveList {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make(ast.DirectiveList, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// collector gathers the fields of one object, inlining fragments that
// apply to typ and keeping the others (for abstract typ) as fragItems.
// With dm set, fragments deferred under dm are kept apart as deferItems.
type collector struct {
	p      *planning
	typ    string
	dm     *deferMode
	items  []*item
	frags  []fragItem
	defers []*deferItem
}

func (c *collector) collect(ss ast.SelectionSet, inherited ast.DirectiveList) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if c.p.skipped(s, c.typ) {
				continue
			}
			d, keep := evalDirs(s.Directives)
			if !keep {
				continue
			}
			d = joinDirs(inherited, d)
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			dk := dirsKey(d)
			merged := false
			for _, it := range c.items {
				if it.respKey == key && dirsKey(it.dirs) == dk {
					it.sel = append(append(ast.SelectionSet(nil), it.sel...), s.SelectionSet...)
					merged = true
					break
				}
			}
			if !merged {
				c.items = append(c.items, &item{field: s, respKey: key, dirs: d, sel: s.SelectionSet})
			}
		case *ast.InlineFragment:
			d, keep := evalDirs(s.Directives)
			if !keep {
				continue
			}
			if c.deferred(s.Directives, s.TypeCondition, s.SelectionSet, joinDirs(inherited, d)) {
				continue
			}
			c.spread(s.TypeCondition, s.SelectionSet, joinDirs(inherited, d))
		case *ast.FragmentSpread:
			d, keep := evalDirs(s.Directives)
			if !keep || s.Definition == nil {
				continue
			}
			if c.deferred(s.Directives, s.Definition.TypeCondition, s.Definition.SelectionSet, joinDirs(inherited, d)) {
				continue
			}
			c.spread(s.Definition.TypeCondition, s.Definition.SelectionSet, joinDirs(inherited, d))
		}
	}
}

// deferred keeps a fragment that c.dm defers as a deferItem (dropping one
// that can never apply to c.typ) and reports whether it did.
func (c *collector) deferred(ds ast.DirectiveList, tc string, ss ast.SelectionSet, d ast.DirectiveList) bool {
	dir := c.dm.active(ds)
	if dir == nil {
		return false
	}
	if c.applies(tc) || c.p.isAbstract(c.typ) {
		c.defers = append(c.defers, newDeferItem(dir, tc, ss, d))
	}
	return true
}

func (c *collector) applies(tc string) bool {
	return c.p.satisfies(c.typ, tc)
}

func (c *collector) spread(tc string, ss ast.SelectionSet, d ast.DirectiveList) {
	switch {
	case c.applies(tc):
		c.collect(ss, d)
	case c.p.isAbstract(c.typ):
		c.frags = append(c.frags, fragItem{typeCond: tc, sel: ss, dirs: d})
	}
}

// interfaceOf reports whether typ declares (in the supergraph) that it
// implements tc.
func (p *planning) interfaceOf(typ, tc string) bool { return p.conds.Implements(typ, tc) }

// signature identifies a field up to its response key: name and arguments.
func signature(f *ast.Field) string {
	if len(f.Arguments) == 0 {
		return f.Name
	}
	var b strings.Builder
	b.WriteString(f.Name)
	for _, a := range f.Arguments {
		b.WriteString("|" + a.Name + ":" + a.Value.String())
	}
	return b.String()
}

// clientItems maps the response keys the client uses at one object to the
// client's field there.
func clientItems(items []*item) map[string]*item {
	m := make(map[string]*item, len(items))
	for _, it := range items {
		if _, ok := m[it.respKey]; !ok {
			m[it.respKey] = it
		}
	}
	return m
}

// clientKeys is clientItems over items and, at an abstract type, over the
// fields of every fragment on another type (recursively): every response
// key the client uses on the objects at this position. A key used with
// different fields or arguments maps to conflictItem, so that an internal
// field never takes it.
func (p *planning) clientKeys(items []*item, frags []fragItem) map[string]*item {
	m := clientItems(items)
	var add func([]fragItem)
	add = func(frags []fragItem) {
		for _, f := range frags {
			c := &collector{p: p, typ: f.typeCond}
			c.collect(f.sel, nil)
			for _, it := range c.items {
				if ex, ok := m[it.respKey]; !ok {
					m[it.respKey] = it
				} else if signature(ex.field) != signature(it.field) {
					m[it.respKey] = conflictItem
				}
			}
			add(c.frags)
		}
	}
	add(frags)
	return m
}

// conflictItem stands for a response key the client uses for several fields.
var conflictItem = &item{field: &ast.Field{Name: "\x00conflict"}}

// internalItem makes the item for a field the planner adds (key, @requires,
// __typename) at an object where the client selects client: it keeps the
// field's name as response key unless the client uses that key for
// something else, in which case it is aliased __junction_<name>. Nested
// field sets are aliased the same way against the client's sub-selection.
func (p *planning) internalItem(f *ast.Field, client map[string]*item) *item {
	key := f.Name
	ci := client[key]
	if ci != nil && signature(ci.field) != signature(f) {
		key = "__junction_" + f.Name
		ci = client[key]
		if ci != nil && signature(ci.field) != signature(f) {
			key = "__junction_" + f.Name + "_" + itoa(len(client))
			ci = nil
		}
	}
	it := &item{field: f, respKey: key, internal: true}
	if len(f.SelectionSet) == 0 {
		return it
	}
	var nested map[string]*item
	if ci != nil {
		c := &collector{p: p, typ: namedType(f.Definition)}
		c.collect(ci.sel, nil)
		nested = p.clientKeys(c.items, c.frags)
	}
	it.kids = p.internalKids(namedType(f.Definition), f.SelectionSet, nested)
	return it
}

// internalKids makes the items of an internal field set on typ: fields, and
// inline fragments as items with typeCond set (field nil) whose kids are
// the fragment's selections.
func (p *planning) internalKids(typ string, ss ast.SelectionSet, client map[string]*item) []*item {
	var out []*item
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			out = append(out, p.internalItem(s, client))
		case *ast.InlineFragment:
			tc := s.TypeCondition
			if tc == "" {
				tc = typ
			}
			out = append(out, &item{typeCond: tc, internal: true, kids: p.internalKids(tc, s.SelectionSet, client)})
		}
	}
	return out
}

var typenameField = &ast.Field{Name: "__typename"}
