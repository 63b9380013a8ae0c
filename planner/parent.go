package planner

// Through the parent entity. An object that is no entity anywhere it could
// jump to (no key reachable from its subgraph) may still get a field from a
// subgraph X that resolves the whole path to it from an enclosing entity:
// Box.pets { ... on Fish { fins } } where Fish has no key but Box has one in
// X. The planner climbs the chain of enclosing objects (walk.up), nearest
// first, and at the first one that can jump into a candidate X (for an
// abstract one: each of its concrete types that can) whose fields down to
// the object are all local in X, it jumps there, selects the same path again
// (same response keys, inline fragments where the object's type narrows,
// __typename at abstract positions) and places the field at its end. The
// executor merges the entity's answer into the enclosing object, lists item
// by item, so the field lands on the right object.

// frame is one step of the chain: the enclosing object's walk and the field
// of it that led to the object below.
type frame struct {
	w  walk
	it *item
}

// viaParent plans it at w through an enclosing entity; it reports false when
// no enclosing object can do it. Subgraphs resolving the field themselves
// are tried first; then subgraphs that resolve the path down to the object
// and can jump from there to one that resolves the field (the object has a
// key there). The enclosing object is sent from any group that selects it
// (walk.from: the groups it was reached through), nearest first.
func (p *planning) viaParent(w walk, it *item) (bool, error) {
	for _, direct := range []bool{true, false} {
		var steps []*frame // from the enclosing object down to w
		for f := w.up; f != nil; f = f.w.up {
			steps = append([]*frame{f}, steps...)
			for _, x := range p.parentTargets(w, it, steps, direct) {
				for a := &f.w; a != nil; a = a.from {
					if ok, err := p.jumpParent(*a, x, steps, w, it, direct); ok || err != nil {
						return ok, err
					}
				}
			}
		}
	}
	return false, nil
}

// parentTargets lists, ascending, the subgraphs to go through: with direct,
// those resolving w.typ.name and the whole path; otherwise those resolving
// the path from which a key leads to a subgraph resolving the field.
func (p *planning) parentTargets(w walk, it *item, steps []*frame, direct bool) []string {
	var out []string
	name := it.field.Name
	if direct {
		for _, src := range p.candidates(w.typ, name) {
			if len(src.Requires) == 0 && !hasContext(src) && p.pathLocal(src.Subgraph, steps, w.typ, name) {
				out = append(out, src.Subgraph)
			}
		}
		return out
	}
	for _, sg := range p.sg.Subgraphs {
		x := sg.Name
		if x == w.g.service || !p.pathLocal(x, steps, w.typ, "") {
			continue
		}
		for _, src := range p.candidates(w.typ, name) {
			if src.Subgraph != x && p.directRoute(x, src.Subgraph, w.typ, nil) != nil {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// jumpParent jumps from the enclosing object a into x, selects the path of
// steps again and plans it at its end (placed when x resolves it, planned
// from there otherwise). It reports false when a cannot reach x.
func (p *planning) jumpParent(a walk, x string, steps []*frame, w walk, it *item, direct bool) (bool, error) {
	types := []string{a.typ}
	if p.isAbstract(a.typ) {
		types = p.possibleIn(a.typ, a.g.service)
	}
	done := false
	for _, t := range types {
		if !p.typeIn(t, x) || !p.local(x, t, steps[0].it.field.Name, nil) {
			continue
		}
		aw := a
		if t != a.typ {
			aw = a.at(a.g, a.pos.fragment(t), t)
		}
		hops := p.directRoute(aw.g.service, x, t, aw.prov)
		if hops == nil {
			continue
		}
		if t != a.typ {
			if err := p.placeField(a, p.internalItem(typenameField, a.client)); err != nil {
				return true, err
			}
		}
		conds := append(append([]cond(nil), w.conds...), condsOf(it.dirs)...)
		cw, err := p.jump(aw, hops, conds, nil)
		if err != nil {
			return true, err
		}
		cw = p.descend(cw, steps, w)
		if direct {
			err = p.placeField(cw, it)
		} else {
			err = p.planField(cw, it)
		}
		if err != nil {
			return true, err
		}
		done = true
	}
	return done, nil
}

// pathLocal reports whether subgraph x resolves every field of steps and
// then typ.name (unless name is empty), and knows every type the path
// narrows to.
func (p *planning) pathLocal(x string, steps []*frame, typ, name string) bool {
	for i, s := range steps {
		if i > 0 && !p.local(x, s.w.typ, s.it.field.Name, nil) {
			return false
		}
		if !p.typeIn(s.w.typ, x) && !p.isAbstract(s.w.typ) {
			return false
		}
	}
	return p.typeIn(typ, x) && (name == "" || p.local(x, typ, name, nil))
}

func (p *planning) typeIn(typ, sub string) bool {
	t := p.sg.Types[typ]
	return t != nil && t.In(sub)
}

// descend selects the path of steps again from cw (the enclosing object in
// the new group) and returns the walk at the object w.
func (p *planning) descend(cw walk, steps []*frame, w walk) walk {
	for i, s := range steps {
		next := w.typ
		if i+1 < len(steps) {
			next = steps[i+1].w.typ
		}
		f := s.it.field
		n := cw.pos.add(&selNode{respKey: s.it.respKey, name: f.Name, args: f.Arguments, dirs: s.it.dirs,
			shape: p.shape(cw.g.service, cw.typ, f)})
		named := namedType(f.Definition)
		if p.isAbstract(named) {
			n.add(&selNode{respKey: "__typename", name: "__typename", shape: "String!"})
		}
		if next != named {
			n = n.fragment(next)
		}
		cw.pos, cw.typ = n, next
	}
	cw.path, cw.client, cw.prov, cw.up = w.path, w.client, nil, w.up
	return cw
}
