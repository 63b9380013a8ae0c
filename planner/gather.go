package planner

import (
	"fmt"
	"strings"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// Gathered keys. A subgraph may resolve an entity only by a key whose fields
// the current subgraph does not all have: Bundle's key "items { sku variant }"
// where the current subgraph knows each item's sku but its variant lives in
// another subgraph. When no chain of local keys reaches the target, the key
// is gathered: its fields are planned at the object like @requires fields
// (each missing part through its own jump), the target's entity group
// depends on every group that fetched a part, and the representation
// carries the whole key. Feasibility is checked first (obtainable), with
// gathered keys nested at most gatherDepth deep, so planning never starts a
// jump it cannot finish; a jump met again while its own key is being
// gathered is refused, so planning always terminates.

// gatherDepth bounds how many gathered keys may nest in one feasibility check.
const gatherDepth = 3

// gatherKey returns the first resolvable key of typeName in target whose
// fields can all be obtained at an object of subgraph from, or nil.
func (p *planning) gatherKey(from, target, typeName string, prov ast.SelectionSet, depth int) *schema.Key {
	t := p.sg.Types[typeName]
	if t == nil {
		return nil
	}
	for _, k := range t.Keys {
		if k.Subgraph != target || !k.Resolvable {
			continue
		}
		if p.obtainable(from, typeName, k.Selection, prov, depth) {
			return k
		}
	}
	return nil
}

// obtainable reports whether the field set fs can be selected at an object
// of typeName in subgraph sub: each field local there, or resolvable by a
// subgraph reached with a direct route (or, depth permitting, a gathered
// key), its sub-selection obtainable there in turn.
func (p *planning) obtainable(sub, typeName string, fs ast.SelectionSet, prov ast.SelectionSet, depth int) bool {
	for _, s := range fs {
		switch s := s.(type) {
		case *ast.Field:
			var pv ast.SelectionSet
			if pf, ok := providedField(prov, typeName, s.Name); ok {
				pv = pf.SelectionSet
			}
			if p.local(sub, typeName, s.Name, prov) {
				if len(s.SelectionSet) > 0 && !p.obtainable(sub, namedType(s.Definition), s.SelectionSet, pv, depth) {
					return false
				}
				continue
			}
			ok := false
			for _, c := range p.candidates(typeName, s.Name) {
				if len(c.Requires) > 0 || hasContext(c) || c.Subgraph == sub {
					continue
				}
				if p.directRoute(sub, c.Subgraph, typeName, prov) == nil &&
					(depth == 0 || p.gatherKey(sub, c.Subgraph, typeName, prov, depth-1) == nil) {
					continue
				}
				if len(s.SelectionSet) > 0 && !p.obtainable(c.Subgraph, namedType(s.Definition), s.SelectionSet, nil, depth) {
					continue
				}
				ok = true
				break
			}
			if !ok {
				return false
			}
		case *ast.InlineFragment:
			if !p.obtainable(sub, s.TypeCondition, s.SelectionSet, prov, depth) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// gatherKeyFields plans the fields of h's key at kw (the object in the
// source group) and returns them as representation items with the groups
// that fetch parts of them.
func (p *planning) gatherKeyFields(kw walk, h hop) ([]*item, []*group, error) {
	b := kw.b
	id := h.service + "|" + kw.typ + "|" + h.key.Fields + "|" + strings.Join(kw.path, ".") + "|" + itoa(kw.g.id)
	if b.gathering[id] {
		return nil, nil, fmt.Errorf("%w: key %q of %s in %q needs itself at path %v", ErrUnsatisfiable, h.key.Fields, kw.typ, h.service, kw.path)
	}
	if b.gathering == nil {
		b.gathering = map[string]bool{}
	}
	b.gathering[id] = true
	defer delete(b.gathering, id)
	var touched []*group
	gw := kw
	gw.touched = &touched
	items := p.internalKids(kw.typ, h.key.Selection, kw.client)
	if err := p.planInternal(gw, items, nil); err != nil {
		return nil, nil, err
	}
	return items, touched, nil
}
