package planner

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// selNode is one selection of a subgraph operation under construction (not
// a plan Node: a selection of the fetch being built): a field
// (name != "") or an inline fragment (typeCond != "").
type selNode struct {
	respKey  string
	def      *ast.FieldDefinition // representation fields: the field's definition, when known
	name     string
	args     ast.ArgumentList
	dirs     ast.DirectiveList // @skip/@include on variables only
	typeCond string
	// shape is the field's response shape in the fetch's subgraph (list and
	// non-null wrappers around the leaf type name, or "{}" for a composite
	// type); fields of one response key must agree on it (conflicts.go).
	shape    string
	children []*selNode
	index    map[string]*selNode
	// parent is the node n was added under (nil for a root).
	parent *selNode
}

func (n *selNode) ident() string {
	if n.name == "" {
		return "..." + n.typeCond + dirsKey(n.dirs)
	}
	return n.respKey + dirsKey(n.dirs)
}

func dirsKey(d ast.DirectiveList) string {
	if len(d) == 0 {
		return ""
	}
	var b strings.Builder
	for _, x := range d {
		b.WriteString("@" + x.Name)
		for _, a := range x.Arguments {
			b.WriteString(a.Name + ":" + a.Value.String())
		}
	}
	return b.String()
}

// add returns the child equal to c, adding c when absent.
func (n *selNode) add(c *selNode) *selNode {
	id := c.ident()
	if ex, ok := n.index[id]; ok {
		return ex
	}
	if n.index == nil {
		n.index = make(map[string]*selNode)
	}
	n.index[id] = c
	n.children = append(n.children, c)
	c.parent = n
	return c
}

func (n *selNode) fragment(typeCond string) *selNode {
	return n.add(&selNode{typeCond: typeCond})
}

// cond is one variable @skip/@include a group depends on.
type cond struct {
	variable string
	include  bool
}

func condsKey(cs []cond) string {
	var b strings.Builder
	for _, c := range cs {
		if c.include {
			b.WriteString("+")
		} else {
			b.WriteString("-")
		}
		b.WriteString(c.variable)
	}
	return b.String()
}

// group is one future Fetch: a root fetch or an entity fetch at path.
type group struct {
	id      int
	service string
	entity  bool
	path    []string
	parent  *group
	deps    []*group
	conds   []cond
	sel     *selNode // root: operation selection; entity: fragments under _entities
	reqs    *selNode // entity: representation fragments (respKey = data key, name = representation key)
	rewrite []Rewrite
	blk     *deferBlock       // the deferred block the group belongs to; nil: the primary part
	ctx     []ContextArgument // entity: context variables of its fields (context.go)
	ctxKeys []string          // the field argument each of ctx is for
}

func (g *group) dependOn(d *group) {
	if d == nil || d == g {
		return
	}
	for _, x := range g.deps {
		if x == d {
			return
		}
	}
	g.deps = append(g.deps, d)
}

func (g *group) addRewrite(r Rewrite) {
	for _, x := range g.rewrite {
		if strings.Join(x.Path, ".") == strings.Join(r.Path, ".") && x.SetValueTo == r.SetValueTo {
			return
		}
	}
	g.rewrite = append(g.rewrite, r)
}

// buildState holds the groups of one plan under construction.
type buildState struct {
	groups []*group
	byKey  map[string]*group
	// gathering marks the gathered-key jumps being planned (gather.go).
	gathering map[string]bool
	// requiring marks the @requires being planned (requires.go cycle guard).
	requiring map[string]bool
	mode      *deferMode
	blocks    []*deferBlock // in creation order
}

func (b *buildState) newGroup(service string, entity bool, path []string, parent *group, conds []cond) *group {
	g := &group{id: len(b.groups), service: service, entity: entity, path: path, parent: parent, conds: conds,
		sel: &selNode{}, reqs: &selNode{}}
	if parent != nil {
		g.deps = []*group{parent}
	}
	b.groups = append(b.groups, g)
	return g
}

// entityGroup returns the entity group for service at path below parent
// under conds, creating it once: fetches of the same subgraph at the same
// path and dependency are merged.
func (b *buildState) entityGroup(service string, path []string, parent *group, conds []cond, blk *deferBlock) *group {
	k := groupKey(service, path, parent, conds, blk)
	if g, ok := b.byKey[k]; ok {
		return g
	}
	g := b.newGroup(service, true, path, parent, conds)
	g.blk = blk
	b.byKey[k] = g
	return g
}

// entityGroupAvoiding is entityGroup, but an existing group that avoid
// rejects is passed over for a sibling (same subgraph, path, parent and
// conditions; a separate fetch). avoid may be nil.
func (b *buildState) entityGroupAvoiding(service string, path []string, parent *group, conds []cond, avoid func(*group) bool, blk *deferBlock) *group {
	base := groupKey(service, path, parent, conds, blk)
	for n := 0; ; n++ {
		k := base
		if n > 0 {
			k += "#" + itoa(n)
		}
		g, ok := b.byKey[k]
		if !ok {
			g = b.newGroup(service, true, path, parent, conds)
			g.blk = blk
			b.byKey[k] = g
			return g
		}
		if avoid == nil || !avoid(g) {
			return g
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// varsUsed collects the variables a selection tree references, ascending.
func varsUsed(ns []*selNode, into map[string]bool) {
	for _, n := range ns {
		for _, a := range n.args {
			valueVars(a.Value, into)
		}
		for _, d := range n.dirs {
			for _, a := range d.Arguments {
				valueVars(a.Value, into)
			}
		}
		varsUsed(n.children, into)
	}
}

func valueVars(v *ast.Value, into map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		into[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVars(c.Value, into)
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeSel writes a compact selection set.
func writeSel(b *strings.Builder, ns []*selNode) {
	b.WriteByte('{')
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(' ')
		}
		// @skip and @include are not repeatable: a field that inherits a
		// second condition of the same kind (from a fragment around it)
		// keeps one and is wrapped in inline fragments for the others.
		own, wraps := splitDirs(n.dirs)
		for _, d := range wraps {
			b.WriteString("...")
			writeDir(b, d)
			b.WriteByte('{')
		}
		if n.name == "" {
			b.WriteString("...on ")
			b.WriteString(n.typeCond)
		} else {
			if n.respKey != n.name {
				b.WriteString(n.respKey)
				b.WriteByte(':')
			}
			b.WriteString(n.name)
			if len(n.args) > 0 {
				b.WriteByte('(')
				for j, a := range n.args {
					if j > 0 {
						b.WriteByte(',')
					}
					b.WriteString(a.Name)
					b.WriteByte(':')
					b.WriteString(a.Value.String())
				}
				b.WriteByte(')')
			}
		}
		for _, d := range own {
			writeDir(b, d)
		}
		switch {
		case len(n.children) > 0:
			writeSel(b, n.children)
		case n.name != "" && strings.Contains(n.shape, "{}"):
			// A composite field whose every subfield the client skipped
			// with a literal: a selection set cannot be empty.
			b.WriteString("{__typename}")
		}
		for range wraps {
			b.WriteByte('}')
		}
	}
	b.WriteByte('}')
}

func writeDir(b *strings.Builder, d *ast.Directive) {
	b.WriteString("@" + d.Name + "(")
	for j, a := range d.Arguments {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.Name + ":" + a.Value.String())
	}
	b.WriteByte(')')
}

// splitDirs drops repeated identical directives and returns the first
// directive of each name, and the further ones (to wrap the selection in).
func splitDirs(ds ast.DirectiveList) (own, wraps ast.DirectiveList) {
	if len(ds) < 2 {
		return ds, nil
	}
	seen := map[string]bool{}
	names := map[string]bool{}
	for _, d := range ds {
		k := dirsKey(ast.DirectiveList{d})
		if seen[k] {
			continue
		}
		seen[k] = true
		if names[d.Name] {
			wraps = append(wraps, d)
			continue
		}
		names[d.Name] = true
		own = append(own, d)
	}
	return own, wraps
}

// reqSelection converts the representation tree to Fetch.Requires.
func reqSelection(ns []*selNode) ast.SelectionSet {
	var out ast.SelectionSet
	for _, n := range ns {
		if n.name == "" {
			out = append(out, &ast.InlineFragment{TypeCondition: n.typeCond, SelectionSet: reqSelection(n.children)})
			continue
		}
		out = append(out, &ast.Field{Name: n.name, Alias: n.respKey, Definition: n.def, SelectionSet: reqSelection(n.children)})
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }

func groupKey(service string, path []string, parent *group, conds []cond, blk *deferBlock) string {
	return service + "|" + strings.Join(path, ".") + "|" + itoa(parent.id) + "|" + condsKey(conds) + "|" + itoa(blockID(blk))
}

// child returns the child with identity id, or nil.
func (n *selNode) child(id string) *selNode {
	if n == nil {
		return nil
	}
	return n.index[id]
}

// freeKey returns the response key under which the internal item it can be
// selected at n: its own, unless n already selects another field (another
// name or arguments) under that key; then the first free
// "__junction_<name>[_<i>]".
func (n *selNode) freeKey(it *item) string {
	key := it.respKey
	sig := signature(it.field)
	// A subgraph merges the selections of every field with n's response
	// key under n's parent (other @skip/@include variants of it): their
	// children's keys are taken too.
	scopes := []*selNode{n}
	if n.name != "" && n.parent != nil {
		for _, sib := range n.parent.children {
			if sib != n && sib.name != "" && sib.respKey == n.respKey {
				scopes = append(scopes, sib)
			}
		}
	}
	taken := func(key string) bool {
		for _, s := range scopes {
			for _, c := range s.children {
				if c.name != "" && c.respKey == key && nodeSignature(c) != sig {
					return true
				}
			}
		}
		return false
	}
	for i := 0; ; i++ {
		if !taken(key) {
			return key
		}
		key = "__junction_" + it.field.Name
		if i > 0 {
			key += "_" + itoa(i)
		}
	}
}

// nodeSignature is signature for a field node.
func nodeSignature(n *selNode) string {
	return signature(&ast.Field{Name: n.name, Arguments: n.args})
}
