package planner

import (
	"sort"
	"strconv"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxDeferVariables bounds the @defer(if: $v) variables planned both ways
// (2^n variants); a fragment whose variable is beyond the bound is not
// deferred (fetched and delivered with the enclosing part).
const maxDeferVariables = 4

// deferMode says which @defer directives are active in one build: a
// literal or absent `if` decides itself, a variable `if` reads vars. A nil
// mode defers nothing (mutations, subscriptions).
type deferMode struct {
	vars map[string]bool
}

// active returns the @defer directive of ds when it defers, else nil.
func (m *deferMode) active(ds ast.DirectiveList) *ast.Directive {
	if m == nil {
		return nil
	}
	d := ds.ForName("defer")
	if d == nil {
		return nil
	}
	a := d.Arguments.ForName("if")
	switch {
	case a == nil || a.Value == nil:
		return d
	case a.Value.Kind == ast.Variable:
		if m.vars[a.Value.Raw] {
			return d
		}
		return nil
	case a.Value.Raw == "false":
		return nil
	}
	return d
}

// deferItem is one deferred fragment found at an object.
type deferItem struct {
	label    string
	typeCond string
	sel      ast.SelectionSet
	dirs     ast.DirectiveList // variable @skip/@include, inherited ones included
	offset   int               // byte offset of the @defer directive, -1 if unknown
}

func newDeferItem(dir *ast.Directive, tc string, ss ast.SelectionSet, dirs ast.DirectiveList) *deferItem {
	d := &deferItem{typeCond: tc, sel: ss, dirs: dirs, offset: -1}
	if a := dir.Arguments.ForName("label"); a != nil && a.Value != nil && a.Value.Kind == ast.StringValue {
		d.label = a.Value.Raw
	}
	if dir.Position != nil {
		d.offset = dir.Position.Start
	}
	return d
}

// deferBlock is a deferred block under construction: its groups carry it.
type deferBlock struct {
	id         int
	item       *deferItem
	parent     *deferBlock
	path       []string
	parentType string
	anchor     *group // the group that fetched the objects at path (nil at the root)
}

func (b *buildState) newBlock(d *deferItem, parent *deferBlock, path []string, parentType string, anchor *group) *deferBlock {
	blk := &deferBlock{id: len(b.blocks) + 1, item: d, parent: parent, path: append([]string(nil), path...),
		parentType: parentType, anchor: anchor}
	b.blocks = append(b.blocks, blk)
	return blk
}

func blockID(blk *deferBlock) int {
	if blk == nil {
		return 0
	}
	return blk.id
}

// planDefer plans the deferred fragment d found at the object at w: a new
// block whose fields are fetched by entity jumps from w's group (see
// planField), so that w's fetch only selects the keys.
func (p *planning) planDefer(w walk, d *deferItem) error {
	blk := w.b.newBlock(d, w.blk, w.path, w.typ, w.g)
	dw := w
	dw.blk = blk
	dw.conds = append(append([]cond(nil), w.conds...), condsOf(d.dirs)...)
	types := []string{w.typ}
	var atIface map[string]*item
	if p.isAbstract(w.typ) && !p.isInterfaceObject(w.typ, w.g.service) {
		var err error
		if atIface, err = p.deferAtInterface(dw, d); err != nil {
			return err
		}
		types = nil
		for _, ct := range p.possibleIn(w.typ, w.g.service) {
			if d.typeCond == "" || d.typeCond == w.typ || p.satisfies(ct, d.typeCond) {
				types = append(types, ct)
			}
		}
	}
	for _, ct := range types {
		cw := dw
		if ct != w.typ {
			cw = dw.at(w.g, w.pos.fragment(ct), ct)
		}
		c := &collector{p: p, typ: ct, dm: w.b.mode}
		c.collect(d.sel, d.dirs)
		items := c.items
		if len(atIface) > 0 {
			items = nil
			for _, o := range c.items {
				it := atIface[o.respKey]
				if it == nil || len(o.sel) > 0 || o.field == nil || signature(it.field) != signature(o.field) ||
					dirsKey(it.dirs) != dirsKey(o.dirs) {
					items = append(items, o)
				}
			}
		}
		if err := p.planItems(cw, items, c.frags, c.defers); err != nil {
			return err
		}
	}
	return nil
}

// deferAtInterface plans, for a deferred fragment on the abstract position
// w's own type, the leaf interface fields that the same selection
// undeferred takes from an @interfaceObject subgraph (not w's subgraph's),
// the same way, and returns them by response key: the per-type expansion
// leaves them out, so deferring a selection changes when it is delivered,
// never which subgraph answers it (one source per response key).
func (p *planning) deferAtInterface(w walk, d *deferItem) (map[string]*item, error) {
	if d.typeCond != "" && d.typeCond != w.typ {
		return nil, nil
	}
	c := &collector{p: p, typ: w.typ, dm: w.b.mode}
	c.collect(d.sel, d.dirs)
	var out map[string]*item
	for _, it := range c.items {
		name := it.field.Name
		if it.internal || name == "__typename" || len(it.sel) > 0 || p.local(w.g.service, w.typ, name, w.prov) {
			continue
		}
		if _, seen := out[it.respKey]; seen {
			continue
		}
		ok, err := p.jumpInterfaceObject(w, it)
		if err != nil {
			return nil, err
		}
		if ok {
			if out == nil {
				out = map[string]*item{}
			}
			out[it.respKey] = it
		}
	}
	return out, nil
}

// planRootDefer plans a deferred fragment at the root: its root fields are
// fetched by root fetches of their own.
func (p *planning) planRootDefer(b *buildState, typ string, d *deferItem, parent *deferBlock) error {
	blk := b.newBlock(d, parent, nil, typ, nil)
	c := &collector{p: p, typ: typ, dm: b.mode}
	c.collect(d.sel, d.dirs)
	items := rootItems(c.items)
	var roots []*group
	client := p.clientMap(typ, items, c.defers)
	for _, it := range items {
		if err := p.planQueryRoot(b, &roots, typ, it, client, nil, true, blk); err != nil {
			return err
		}
	}
	for _, nd := range c.defers {
		if err := p.planRootDefer(b, typ, nd, blk); err != nil {
			return err
		}
	}
	return nil
}

// rootItems drops the root fields the executor answers itself.
func rootItems(in []*item) []*item {
	var items []*item
	for _, it := range in {
		switch it.field.Name {
		case "__typename", "__schema", "__type":
			continue
		}
		items = append(items, it)
	}
	return items
}

// clientMap is the client's fields at one object by response key, the
// fields of deferred fragments included (they land in the same object).
func (p *planning) clientMap(typ string, items []*item, defers []*deferItem) map[string]*item {
	if len(defers) == 0 {
		return clientItems(items)
	}
	all := append([]*item(nil), items...)
	for _, d := range defers {
		c := &collector{p: p, typ: typ}
		c.collect(d.sel, d.dirs)
		all = append(all, c.items...)
	}
	return clientItems(all)
}

// deferVariables lists the variables of @defer(if: $v) in op and the
// fragments it uses, ascending.
func deferVariables(op *ast.OperationDefinition) []string {
	seen := map[string]bool{}
	visited := map[string]bool{}
	var walkSel func(ss ast.SelectionSet)
	check := func(ds ast.DirectiveList) {
		if d := ds.ForName("defer"); d != nil {
			if a := d.Arguments.ForName("if"); a != nil && a.Value != nil && a.Value.Kind == ast.Variable {
				seen[a.Value.Raw] = true
			}
		}
	}
	walkSel = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				walkSel(s.SelectionSet)
			case *ast.InlineFragment:
				check(s.Directives)
				walkSel(s.SelectionSet)
			case *ast.FragmentSpread:
				check(s.Directives)
				if s.Definition != nil && !visited[s.Name] {
					visited[s.Name] = true
					walkSel(s.Definition.SelectionSet)
				}
			}
		}
	}
	walkSel(op.SelectionSet)
	out := sortedKeys(seen)
	if len(out) > maxDeferVariables {
		out = out[:maxDeferVariables]
	}
	return out
}

// buildDeferVariants plans op once per assignment of the @defer(if:)
// variables vars[i:], joined by Condition nodes on those variables.
func (p *planning) buildDeferVariants(op *ast.OperationDefinition, vars []string, set map[string]bool) (*Plan, error) {
	if len(vars) == 0 {
		cp := make(map[string]bool, len(set))
		for k, v := range set {
			cp[k] = v
		}
		return p.build(op, &deferMode{vars: cp})
	}
	v := vars[0]
	set[v] = true
	yes, err := p.buildDeferVariants(op, vars[1:], set)
	if err != nil {
		return nil, err
	}
	set[v] = false
	no, err := p.buildDeferVariants(op, vars[1:], set)
	if err != nil {
		return nil, err
	}
	delete(set, v)
	return &Plan{Kind: op.Operation, Root: &Condition{Variable: v, If: yes.Root, Else: no.Root}}, nil
}

// emitDeferred wraps primary in a Defer node when b has deferred blocks.
// Fetches a block starts from get ids first (ascending group order), so
// that Depends can name them.
func (e *emitter) emitDeferred(b *buildState) Node {
	if len(b.blocks) == 0 {
		return e.emit(b, nil)
	}
	deps := map[*deferBlock][]*group{}
	need := map[*group]bool{}
	for _, blk := range b.blocks {
		var ds []*group
		add := func(g *group) {
			if g == nil || g.blk == blk || len(g.sel.children) == 0 {
				return
			}
			for _, x := range ds {
				if x == g {
					return
				}
			}
			ds = append(ds, g)
		}
		add(blk.anchor)
		for _, g := range b.groups {
			if g.blk != blk {
				continue
			}
			for _, d := range g.deps {
				add(d)
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].id < ds[j].id })
		deps[blk] = ds
		for _, g := range ds {
			need[g] = true
		}
	}
	e.ids = map[*group]string{}
	for _, g := range b.groups {
		if need[g] {
			e.ids[g] = strconv.Itoa(len(e.ids))
		}
	}
	primary := e.emit(b, nil)
	return &Defer{Primary: primary, Deferred: e.blocks(b, nil, deps)}
}

func (e *emitter) blocks(b *buildState, parent *deferBlock, deps map[*deferBlock][]*group) []*DeferredBlock {
	var out []*DeferredBlock
	for _, blk := range b.blocks {
		if blk.parent != parent {
			continue
		}
		d := blk.item
		db := &DeferredBlock{
			Label:      d.label,
			Path:       blk.path,
			ParentType: blk.parentType,
			Fragment:   d.offset,
			Selection: ast.SelectionSet{&ast.InlineFragment{
				TypeCondition: d.typeCond,
				Directives:    d.dirs,
				SelectionSet:  d.sel,
			}},
		}
		for _, g := range deps[blk] {
			db.Depends = append(db.Depends, e.ids[g])
		}
		db.Node = e.emit(b, blk)
		if kids := e.blocks(b, blk, deps); len(kids) > 0 {
			db.Node = &Defer{Primary: db.Node, Deferred: kids}
		}
		out = append(out, db)
	}
	return out
}

// keyField reports whether name is a top-level field of key k.
func keyField(k *schema.Key, name string) bool {
	for _, s := range k.Selection {
		if f, ok := s.(*ast.Field); ok && f.Name == name {
			return true
		}
	}
	return false
}

// selects reports whether n already selects the field of it (same response
// key, directives, name and arguments).
func (n *selNode) selects(it *item) bool {
	c := n.index[it.respKey+dirsKey(it.dirs)]
	return c != nil && c.name == it.field.Name && nodeSignature(c) == signature(it.field)
}
