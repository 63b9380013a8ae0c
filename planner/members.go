package planner

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// sharedMembers narrows poss, the runtime types w's subgraph can return at
// the abstract position w, to the members that every subgraph able to
// resolve the field leading to w can return there (Apollo's rule for
// @shareable fields of abstract type): whichever subgraph the planner
// picks, the same members are selected, so the answer never depends on the
// choice. Subgraphs that know the type only as an @interfaceObject (they
// cannot tell members apart) or not at all do not narrow it.
func (p *planning) sharedMembers(w walk, poss []string) []string {
	if w.up == nil || w.up.it == nil || w.up.it.field == nil || len(poss) == 0 {
		return poss
	}
	fm := p.field(w.up.w.typ, w.up.it.field.Name)
	if fm == nil || len(fm.Sources) < 2 {
		return poss
	}
	var others [][]string
	for _, src := range fm.Sources {
		if src.Subgraph == w.g.service || src.External || !p.usable(fm, src) || p.isInterfaceObject(w.typ, src.Subgraph) {
			continue
		}
		t := p.sg.Types[w.typ]
		if t == nil || !t.In(src.Subgraph) {
			continue
		}
		others = append(others, p.possibleIn(w.typ, src.Subgraph))
	}
	if len(others) == 0 {
		return poss
	}
	out := make([]string, 0, len(poss))
	for _, ct := range poss {
		common := true
		for _, o := range others {
			common = common && slices.Contains(o, ct)
		}
		if common {
			out = append(out, ct)
		}
	}
	return out
}

// oneSource gives a response key selected both on the abstract type at w
// and in fragments on its implementations a single source per object: the
// fragments' field is folded into the abstract-level item (its
// sub-selection appended) and the returned predicate tells the per-type
// expansion to leave it out. Otherwise the two selections may be planned as
// fetches from different subgraphs writing the same key (an
// @interfaceObject's field and the implementation's own), and the answer
// would flip with their completion order. Folded: the same field and
// arguments, the same named type (a covariant implementation field keeps
// its own selection) and, when the abstract-level item is conditional, the
// same condition. When the abstract-level item has a condition of its own
// (one @skip/@include on a variable) that the fragments' field lacks, the
// field is kept under the opposite condition as well (its sub-selection
// also appended to the abstract-level item): whether or not the condition
// holds, one of the two is fetched, never both. The returned function
// gives the item to plan in place of a fragment's field (nil: left out);
// it is nil when nothing is folded.
func (p *planning) oneSource(w walk, items []*item, frags []fragItem, poss []string) func(*item) *item {
	if len(frags) == 0 {
		return nil
	}
	byKey := map[string]*item{}
	for _, it := range items {
		if it.field == nil || it.internal || it.field.Name == "__typename" {
			continue
		}
		if _, ok := byKey[it.respKey]; !ok {
			byKey[it.respKey] = it
		}
	}
	// Fields an unconditional peer selection (the same response key as the
	// field leading here, without @skip/@include) selects at this object
	// unconditionally are fetched whenever these are: a leaf of the same
	// name in a fragment here is left to them too.
	peer := map[string]*item{}
	if len(w.always) > 0 {
		c := &collector{p: p, typ: w.typ, dm: w.b.mode}
		c.collect(w.always, nil)
		for _, it := range c.items {
			if _, ok := peer[it.respKey]; !ok && len(it.dirs) == 0 && it.field.Name != "__typename" {
				peer[it.respKey] = it
			}
		}
	}
	if len(byKey) == 0 && len(peer) == 0 {
		return nil
	}
	// match returns the abstract-level item o is folded into, and the
	// condition o is kept under when that item's is one o lacks.
	match := func(o *item) (*item, *ast.Directive) {
		it := byKey[o.respKey]
		if it == nil && len(o.sel) == 0 {
			it = peer[o.respKey]
		}
		if it == nil || o.field == nil || signature(it.field) != signature(o.field) ||
			namedType(it.field.Definition) != namedType(o.field.Definition) {
			return nil, nil
		}
		if len(it.dirs) == 0 || dirsKey(it.dirs) == dirsKey(o.dirs) {
			return it, nil
		}
		if neg := negated(it.dirs); neg != nil && o.dirs.ForName(neg.Name) == nil {
			return it, neg
		}
		return nil, nil
	}
	found := false
	for _, ct := range poss {
		cc := &collector{p: p, typ: ct, dm: w.b.mode}
		for _, f := range frags {
			if p.satisfies(ct, f.typeCond) {
				cc.collect(f.sel, f.dirs)
			}
		}
		for _, o := range cc.items {
			if it, _ := match(o); it != nil {
				found = true
				if len(o.sel) > 0 && byKey[o.respKey] == it {
					it.sel = append(append(ast.SelectionSet(nil), it.sel...), o.sel...)
				}
			}
		}
	}
	if !found {
		return nil
	}
	return func(o *item) *item {
		it, neg := match(o)
		switch {
		case it == nil:
			return o
		case neg == nil:
			return nil
		}
		cp := *o
		cp.dirs = append(append(ast.DirectiveList(nil), o.dirs...), neg)
		return &cp
	}
}

// negated returns the directive that holds exactly when ds (one @skip or
// @include on a variable) does not, or nil.
func negated(ds ast.DirectiveList) *ast.Directive {
	if len(ds) != 1 {
		return nil
	}
	d := ds[0]
	a := d.Arguments.ForName("if")
	if a == nil || a.Value == nil || a.Value.Kind != ast.Variable {
		return nil
	}
	name := "skip"
	if d.Name == "skip" {
		name = "include"
	} else if d.Name != "include" {
		return nil
	}
	return &ast.Directive{Name: name, Position: d.Position, Definition: d.Definition,
		Arguments: ast.ArgumentList{&ast.Argument{Name: "if", Value: a.Value, Position: a.Position}}}
}
