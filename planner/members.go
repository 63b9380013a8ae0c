package planner

import "slices"

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
