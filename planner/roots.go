package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Root fields served by several subgraphs.
//
// A root field that several subgraphs resolve (@shareable, or a Fed 1
// value-type root) is planned by trial: the field with its whole client
// selection is planned on its own in each candidate subgraph, and the
// candidate whose plan succeeds with the fewest fetches wins (a subgraph
// already holding a root fetch of this operation, or that another root
// field can only come from, costs one fetch less); then the one whose
// entity fetches select least; ties go to a subgraph already used, in the
// order used, then ascending name. When no candidate can serve the whole selection (the objects below
// the root field have no key, so nothing can be fetched from elsewhere by
// entity jumps), the selection is split: each top-level selection goes to
// the cheapest candidate that serves it alone (a candidate already chosen
// for an earlier part costing one fetch less), and a selection no candidate
// serves alone is split the same way one level down. The root field is then
// fetched from each chosen subgraph with its part; the executor deep-merges
// the root fetches, so the parts meet in one object (lists item by item).
// Mutation fields are never split (that would run a mutation twice), nor
// subscription fields (one event stream comes from one subgraph).

// rootCandidates lists the subgraphs that can resolve a root field (no
// @requires), ascending.
func (p *planning) rootCandidates(typ, name string) []string {
	var out []string
	for _, c := range p.candidates(typ, name) {
		if len(c.Requires) == 0 && !hasContext(c) {
			out = append(out, c.Subgraph)
		}
	}
	return out
}

// trialRoot plans the root item it alone in subgraph sub (a scratch state)
// and returns the number of fetches that takes (groups left empty send
// nothing and cost nothing) and, to break ties, the number of selections
// the entity fetches carry (a @provides that spares part of an entity
// fetch makes it lighter).
func (p *planning) trialRoot(typ, sub string, it *item, client map[string]*item) (int, int, error) {
	b := &buildState{byKey: map[string]*group{}}
	g := b.newGroup(sub, false, nil, nil, nil)
	if err := p.placeField(walk{b: b, g: g, pos: g.sel, typ: typ, client: client}, it); err != nil {
		return 0, 0, err
	}
	n, weight := 0, 0
	for _, g := range b.groups {
		if len(g.sel.children) > 0 {
			n++
			if g.entity {
				weight += countNodes(g.sel.children)
			}
		}
	}
	return n, weight, nil
}

func countNodes(ns []*selNode) int {
	c := len(ns)
	for _, n := range ns {
		c += countNodes(n.children)
	}
	return c
}

// cheapestRoot returns the candidate that serves it with the fewest fetches
// (see above; used lists the preferred subgraphs in order), or "" and the
// first candidate's error when none can. A single candidate is returned
// untried.
func (p *planning) cheapestRoot(typ string, cands []string, it *item, client map[string]*item, used []string) (string, error) {
	if len(cands) == 1 {
		return cands[0], nil // no choice: planning it for real reports any error
	}
	rank := func(s string) int {
		for i, u := range used {
			if u == s {
				return i
			}
		}
		return len(used)
	}
	best, bestCost, bestWeight, bestRank := "", 0, 0, 0
	var firstErr error
	for _, sub := range cands {
		cost, weight, err := p.trialRoot(typ, sub, it, client)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		r := rank(sub)
		if r < len(used) {
			cost--
		}
		if best == "" || cost < bestCost || (cost == bestCost && (weight < bestWeight || (weight == bestWeight && r < bestRank))) {
			best, bestCost, bestWeight, bestRank = sub, cost, weight, r
		}
	}
	if best == "" {
		return "", firstErr
	}
	return best, nil
}

// rootPart is the part of a root field's selection one subgraph serves.
type rootPart struct {
	sub string
	sel ast.SelectionSet
}

// splitRoot divides the selection of the root item it among cands (see
// above). used are the subgraphs already holding root fetches.
func (p *planning) splitRoot(typ string, cands []string, it *item, client map[string]*item, used []string) ([]rootPart, error) {
	var parts []rootPart
	with := func(sel ast.SelectionSet) *item {
		cp := *it
		cp.sel = sel
		return &cp
	}
	var split func(wrap func(ast.SelectionSet) ast.SelectionSet, sel ast.SelectionSet) error
	split = func(wrap func(ast.SelectionSet) ast.SelectionSet, sel ast.SelectionSet) error {
		for _, s := range sel {
			one := wrap(ast.SelectionSet{s})
			prefer := make([]string, 0, len(parts)+len(used))
			for _, pt := range parts {
				prefer = append(prefer, pt.sub)
			}
			prefer = append(prefer, used...)
			sub, err := p.cheapestRoot(typ, cands, with(one), client, prefer)
			if sub != "" {
				i := 0
				for i < len(parts) && parts[i].sub != sub {
					i++
				}
				if i == len(parts) {
					parts = append(parts, rootPart{sub: sub})
				}
				parts[i].sel = append(parts[i].sel, one...)
				continue
			}
			switch x := s.(type) {
			case *ast.Field:
				if len(x.SelectionSet) == 0 {
					return err
				}
				if err := split(func(ss ast.SelectionSet) ast.SelectionSet {
					c := *x
					c.SelectionSet = ss
					return wrap(ast.SelectionSet{&c})
				}, x.SelectionSet); err != nil {
					return err
				}
			case *ast.InlineFragment:
				if err := split(func(ss ast.SelectionSet) ast.SelectionSet {
					c := *x
					c.SelectionSet = ss
					return wrap(ast.SelectionSet{&c})
				}, x.SelectionSet); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				if x.Definition == nil {
					return err
				}
				d := x.Definition
				if err := split(func(ss ast.SelectionSet) ast.SelectionSet {
					return wrap(ast.SelectionSet{&ast.InlineFragment{TypeCondition: d.TypeCondition,
						Directives: x.Directives, SelectionSet: ss, ObjectDefinition: x.ObjectDefinition,
						Position: x.Position}})
				}, d.SelectionSet); err != nil {
					return err
				}
			default:
				return err
			}
		}
		return nil
	}
	if err := split(func(ss ast.SelectionSet) ast.SelectionSet { return ss }, it.sel); err != nil {
		return nil, err
	}
	return parts, nil
}

// planQueryRoot plans one query root item into the root groups (one per
// subgraph, created on first use, in order). forced are the subgraphs that
// other root fields of the operation can only come from; they count as
// used. split allows dividing the
// selection among subgraphs (not for a subscription: one event stream
// comes from one subgraph). blk is the deferred block the item belongs to
// (nil: the primary part).
func (p *planning) planQueryRoot(b *buildState, roots *[]*group, typ string, it *item, client map[string]*item, forced []string, split bool, blk *deferBlock) error {
	cands := p.rootCandidates(typ, it.field.Name)
	if len(cands) == 0 {
		return unsatisfiableRoot(typ, it.field.Name)
	}
	var used []string
	for _, g := range *roots {
		used = append(used, g.service)
	}
	for _, f := range forced {
		if !containsName(used, f) {
			used = append(used, f)
		}
	}
	place := func(sub string, it *item) error {
		var g *group
		for _, r := range *roots {
			if r.service == sub {
				g = r
			}
		}
		if g == nil {
			g = b.newGroup(sub, false, nil, nil, nil)
			g.blk = blk
			*roots = append(*roots, g)
		}
		return p.placeField(walk{b: b, g: g, pos: g.sel, typ: typ, client: client, blk: blk}, it)
	}
	sub, err := p.cheapestRoot(typ, cands, it, client, used)
	if sub != "" {
		return place(sub, it)
	}
	if !split || len(cands) == 1 || len(it.sel) == 0 {
		return err
	}
	parts, serr := p.splitRoot(typ, cands, it, client, used)
	if serr != nil {
		return err
	}
	for _, pt := range parts {
		cp := *it
		cp.sel = pt.sel
		if err := place(pt.sub, &cp); err != nil {
			return err
		}
	}
	return nil
}

func containsName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
