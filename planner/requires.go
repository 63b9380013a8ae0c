package planner

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// addRequires plans the @requires field set req of a field about to be
// placed at cw (the entity group of its subgraph) from the parent-side
// position w: the required fields are planned at w like client fields (so
// parts may come from other subgraphs through their own jumps), added to the
// representation of the entity group, and that group depends on every group
// that fetches part of them. When the group's representation already
// carries a required field under the same representation key but read from
// another response key (the same field with other arguments), or when the
// group itself fetches part of the requirements (a required field local to
// the requiring subgraph, say), a sibling group is used, found through
// rejump: one representation cannot carry two values under one name, and a
// fetch cannot send what it fetches. It returns the walk to place the field
// at.
//
// dirs are the variable @skip/@include of the requiring field: the required
// fields carry them too, so that fetches made only for them run under the
// same conditions.
//
// reqTypes are the type conditions of the representation fragments the
// jump created (the object's own type, or the implementations of an
// interface sent to an @interfaceObject subgraph): each gets the
// requirements.
func (p *planning) addRequires(w, cw walk, req ast.SelectionSet, dirs ast.DirectiveList, reqTypes []string,
	rejump func(avoid func(*group) bool) (walk, error)) (walk, error) {
	if len(req) == 0 {
		return cw, nil
	}
	// A field set that needs itself (x requires y, y requires x, through
	// hand-written supergraphs) cannot be satisfied: stop instead of recursing.
	guard := cw.g.service + "|" + w.typ + "|" + strings.Join(w.path, ".") + "|" + fmt.Sprintf("%p", req[0])
	if w.b.requiring[guard] {
		return walk{}, fmt.Errorf("%w: @requires of %s in subgraph %q at path %v depends on itself",
			ErrUnsatisfiable, w.typ, cw.g.service, w.path)
	}
	if w.b.requiring == nil {
		w.b.requiring = map[string]bool{}
	}
	w.b.requiring[guard] = true
	defer delete(w.b.requiring, guard)
	var touched []*group
	rw := w
	rw.touched = &touched
	items := p.internalKids(w.typ, req, w.client)
	for _, it := range items {
		it.dirs = dirs
	}
	if err := p.planInternal(rw, items, nil); err != nil {
		return walk{}, err
	}
	// The requiring field cannot go in a group that fetches part of its own
	// requirements (or that one of those depends on), nor in one whose
	// representation conflicts with them.
	conflicts := func(g *group) bool {
		for _, t := range touched {
			if t == g || dependsOn(t, g, map[*group]bool{}) {
				return true
			}
		}
		for _, t := range reqTypes {
			if reqConflict(g.reqs.child("..."+t), items) {
				return true
			}
		}
		return false
	}
	if rejump != nil && conflicts(cw.g) {
		var err error
		if cw, err = rejump(conflicts); err != nil {
			return walk{}, err
		}
	}
	g := cw.g
	for _, t := range reqTypes {
		rf := g.reqs.fragment(t)
		for _, it := range items {
			addReqNode(rf, it, true)
		}
	}
	for _, t := range touched {
		if t != g {
			g.dependOn(t)
		}
	}
	return cw, nil
}

// planInternal plans internal items (required or key field sets) at w.
// Inline fragments apply at w's own type when it satisfies them, otherwise
// per concrete type the subgraph can return; __typename is selected
// wherever a fragment is to be decided. csel is the client's selection of
// the enclosing field, when the client selects it too.
func (p *planning) planInternal(w walk, kids []*item, csel ast.SelectionSet) error {
	hasFrag := false
	for _, k := range kids {
		hasFrag = hasFrag || k.field == nil
	}
	if hasFrag && w.pos.typeCond == "" { // in a fragment, the enclosing field selects it
		if err := p.placeField(w, p.internalItem(typenameField, w.client)); err != nil {
			return err
		}
	}
	abstract := p.isAbstract(w.typ) && !p.isInterfaceObject(w.typ, w.g.service)
	for _, k := range kids {
		var poss []string
		if k.field != nil && abstract && k.field.Name != "__typename" && !p.local(w.g.service, w.typ, k.field.Name, w.prov) {
			poss = p.possibleIn(w.typ, w.g.service)
		}
		if len(poss) > 0 {
			// An interface field the subgraph does not resolve on the
			// interface: asked per concrete type, as client fields are.
			for _, ct := range poss {
				if err := p.planField(w.at(w.g, w.pos.fragment(ct), ct), k); err != nil {
					return err
				}
			}
			continue
		}
		if k.field != nil {
			if err := p.planField(w, k); err != nil {
				return err
			}
			continue
		}
		if k.typeCond == w.typ || p.interfaceOf(w.typ, k.typeCond) || !abstract {
			if p.satisfies(w.typ, k.typeCond) {
				if err := p.planInternal(w, k.kids, csel); err != nil {
					return err
				}
			}
			continue
		}
		for _, ct := range p.possibleIn(w.typ, w.g.service) {
			if !p.satisfies(ct, k.typeCond) {
				continue
			}
			fw := w.at(w.g, w.pos.fragment(ct), ct)
			if csel != nil {
				c := &collector{p: p, typ: ct}
				c.collect(csel, nil)
				fw.client = p.clientKeys(c.items, c.frags)
			}
			if err := p.planInternal(fw, k.kids, csel); err != nil {
				return err
			}
		}
	}
	return nil
}

// dependsOn reports whether g depends on d, directly or transitively.
func dependsOn(g, d *group, seen map[*group]bool) bool {
	if seen[g] {
		return false
	}
	seen[g] = true
	for _, x := range g.deps {
		if x == d || dependsOn(x, d, seen) {
			return true
		}
	}
	return false
}

// addReqNode adds an internal item to a representation tree: a field under
// its representation name (read from its response key), a fragment as an
// inline fragment node. Required fields (not keys) carry their definition,
// so the executor can send a nullable one that is absent as null.
func addReqNode(parent *selNode, it *item, required bool) {
	var n *selNode
	if it.field == nil {
		n = parent.fragment(it.typeCond)
	} else {
		var def *ast.FieldDefinition
		if required {
			def = it.field.Definition
		}
		n = parent.add(&selNode{respKey: it.respKey, name: it.field.Name, def: def})
	}
	for _, k := range it.kids {
		addReqNode(n, k, required)
	}
}

// reqConflict reports whether adding items to the representation tree rf
// would put two different response keys under one representation name.
func reqConflict(rf *selNode, items []*item) bool {
	if rf == nil {
		return false
	}
	for _, it := range items {
		if it.field == nil {
			if reqConflict(rf.child("..."+it.typeCond), it.kids) {
				return true
			}
			continue
		}
		for _, c := range rf.children {
			if c.name != it.field.Name {
				continue
			}
			if c.respKey != it.respKey || reqConflict(c, it.kids) {
				return true
			}
		}
	}
	return false
}
