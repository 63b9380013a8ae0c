package planner

import (
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// usable reports whether src may resolve its field: not overridden away
// (by an active @override), not itself behind an inactive progressive
// override, not kept only for keys/@requires.
func (p *planning) usable(fm *schema.Field, src *schema.FieldSource) bool {
	if src.UsedOverridden {
		return false
	}
	if src.OverrideFrom != "" && src.OverrideLabel != "" && !p.labelActive(src.OverrideLabel) {
		return false
	}
	for _, o := range fm.Sources {
		if o != src && o.OverrideFrom == src.Subgraph && (o.OverrideLabel == "" || p.labelActive(o.OverrideLabel)) {
			return false
		}
	}
	return true
}

func (p *planning) field(typeName, name string) *schema.Field {
	t := p.sg.Types[typeName]
	if t == nil || t.Fields == nil {
		return nil
	}
	return t.Fields[name]
}

// isInterfaceObject reports whether typeName is an @interfaceObject in sub.
func (p *planning) isInterfaceObject(typeName, sub string) bool {
	t := p.sg.Types[typeName]
	if t == nil {
		return false
	}
	for _, s := range t.InterfaceObject {
		if s == sub {
			return true
		}
	}
	return false
}

// local reports whether subgraph sub resolves typeName.name in place, given
// the @provides selection prov that applies at this position. A field with
// @requires is never local: it needs an entity fetch carrying its
// requirements.
func (p *planning) local(sub, typeName, name string, prov ast.SelectionSet) bool {
	if name == "__typename" {
		return !p.isInterfaceObject(typeName, sub)
	}
	fm := p.field(typeName, name)
	if fm == nil {
		return false
	}
	src := fm.Source(sub)
	if src == nil {
		return false
	}
	if !p.localImplementations(sub, typeName, name, prov) {
		return false
	}
	if src.External {
		_, ok := providedField(prov, typeName, name)
		return ok
	}
	if len(src.Requires) > 0 || hasContext(src) {
		return false
	}
	return p.usable(fm, src)
}

// localImplementations reports whether, at an interface that sub knows as
// an interface, every implementation sub can return resolves name in place:
// an interface field whose implementation is @external (or needs @requires,
// or was overridden away) in sub must be asked per concrete type.
func (p *planning) localImplementations(sub, typeName, name string, prov ast.SelectionSet) bool {
	t := p.sg.Types[typeName]
	if t == nil || t.Kind != ast.Interface || p.isInterfaceObject(typeName, sub) {
		return true
	}
	for _, ct := range p.possibleIn(typeName, sub) {
		if p.field(ct, name) == nil {
			continue
		}
		if !p.local(sub, ct, name, prov) {
			return false
		}
	}
	return true
}

// providedField finds name in a @provides selection for typeName (directly
// or in a fragment on typeName).
func providedField(prov ast.SelectionSet, typeName, name string) (*ast.Field, bool) {
	for _, s := range prov {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				return s, true
			}
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == typeName {
				if f, ok := providedField(s.SelectionSet, typeName, name); ok {
					return f, true
				}
			}
		}
	}
	return nil, false
}

// canProvide reports whether sub can select the field set fs on typeName in
// place (every field local, recursively).
func (p *planning) canProvide(sub, typeName string, fs ast.SelectionSet, prov ast.SelectionSet) bool {
	for _, s := range fs {
		switch s := s.(type) {
		case *ast.Field:
			if !p.local(sub, typeName, s.Name, prov) {
				return false
			}
			if len(s.SelectionSet) > 0 {
				var sub2 ast.SelectionSet
				if pf, ok := providedField(prov, typeName, s.Name); ok {
					sub2 = pf.SelectionSet
				}
				if !p.canProvide(sub, namedType(s.Definition), s.SelectionSet, sub2) {
					return false
				}
			}
		case *ast.InlineFragment:
			if !p.canProvide(sub, s.TypeCondition, s.SelectionSet, prov) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func namedType(d *ast.FieldDefinition) string {
	if d == nil || d.Type == nil {
		return ""
	}
	return d.Type.Name()
}

// hop is one entity jump: into service using key.
type hop struct {
	service string
	key     *schema.Key
	// gather: the key's fields are not all local to the source subgraph;
	// they are planned at the object first, like @requires (gather.go).
	gather bool
}

// keyInto returns the first resolvable key of typeName in target (declaration
// order) that from can provide, or nil.
func (p *planning) keyInto(from, target, typeName string, prov ast.SelectionSet) *schema.Key {
	t := p.sg.Types[typeName]
	if t == nil {
		return nil
	}
	for _, k := range t.Keys {
		if k.Subgraph != target || !k.Resolvable {
			continue
		}
		if p.canProvide(from, typeName, k.Selection, prov) {
			return k
		}
	}
	return nil
}

// route finds the shortest chain of entity jumps (at least one) from
// subgraph from to subgraph target for an object of typeName. Breadth-first
// over subgraphs in ascending name order, so the result is the shortest
// chain and, among those, the first in name order. The search is over at
// most len(Subgraphs) nodes: it has no arbitrary limit.
func (p *planning) route(from, target, typeName string, prov ast.SelectionSet) []hop {
	if hops := p.directRoute(from, target, typeName, prov); hops != nil {
		return hops
	}
	if k := p.gatherKey(from, target, typeName, prov, gatherDepth); k != nil {
		return []hop{{service: target, key: k, gather: true}}
	}
	return nil
}

// directRoute is route through keys whose fields each source subgraph
// selects in place.
func (p *planning) directRoute(from, target, typeName string, prov ast.SelectionSet) []hop {
	if k := p.keyInto(from, target, typeName, prov); k != nil {
		return []hop{{service: target, key: k}}
	}
	type state struct {
		at   string
		hops []hop
	}
	seen := map[string]bool{from: true}
	queue := []state{{at: from}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		var pv ast.SelectionSet
		if len(cur.hops) == 0 {
			pv = prov
		}
		for _, sg := range p.sg.Subgraphs {
			k := p.keyInto(cur.at, sg.Name, typeName, pv)
			if k == nil {
				continue
			}
			hops := append(append([]hop(nil), cur.hops...), hop{service: sg.Name, key: k})
			if sg.Name == target {
				return hops
			}
			if !seen[sg.Name] {
				seen[sg.Name] = true
				queue = append(queue, state{at: sg.Name, hops: hops})
			}
		}
	}
	return nil
}

// candidates lists the subgraphs that can resolve typeName.name, ascending.
func (p *planning) candidates(typeName, name string) []*schema.FieldSource {
	fm := p.field(typeName, name)
	if fm == nil {
		return nil
	}
	var out []*schema.FieldSource
	for _, s := range fm.Sources {
		if !s.External && p.usable(fm, s) {
			out = append(out, s)
		}
	}
	return out
}

// possibleIn lists the concrete types an abstract type may have at runtime
// when returned by subgraph sub, ascending: the supergraph's possible types,
// @inaccessible ones included (a subgraph returns them; a representation
// for @requires must carry their fields).
func (p *planning) possibleIn(abstract, sub string) []string {
	var out []string
	for _, def := range p.possible(abstract) {
		t := p.sg.Types[def.Name]
		if t == nil || !t.In(sub) || def.Kind != ast.Object {
			continue // interfaces implementing abstract are not runtime types
		}
		ok := false
		if at := p.sg.Types[abstract]; at != nil && at.Kind == ast.Union {
			for _, m := range at.UnionMembers[sub] {
				ok = ok || m == def.Name
			}
			if len(at.UnionMembers) == 0 {
				ok = true
			}
		} else {
			for _, i := range t.Implements[sub] {
				ok = ok || i == abstract
			}
			if t.Implements == nil {
				ok = true
			}
		}
		if ok {
			out = append(out, def.Name)
		}
	}
	sortStrings(out)
	return out
}

func (p *planning) isAbstract(typeName string) bool {
	d := p.sg.API.Types[typeName]
	return d != nil && (d.Kind == ast.Interface || d.Kind == ast.Union)
}

// possible lists the possible types of an abstract type in the supergraph
// schema (never the API schema's, which leaves @inaccessible types out).
func (p *planning) possible(abstract string) []*ast.Definition {
	if p.sg.Schema != nil {
		return p.sg.Schema.PossibleTypes[abstract]
	}
	return p.sg.API.PossibleTypes[abstract]
}

// satisfies reports whether an object (or interface) of type t satisfies
// the type condition cond, in the supergraph: schema.TypeConditions's
// Satisfies, the one answer the executor and introspection give too.
func (p *planning) satisfies(t, cond string) bool { return p.conds.Satisfies(t, cond) }
