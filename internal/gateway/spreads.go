package gateway

import (
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	validatorrules "github.com/vektah/gqlparser/v2/validator/rules"
)

// clientRules are gqlparser's validation rules for client documents, in
// their usual (name) order, with PossibleFragmentSpreads overridden by
// possibleFragmentSpreads.
var clientRules = func() []validator.Rule {
	rules := validatorrules.NewDefaultRules()
	rules.ReplaceRule(validatorrules.PossibleFragmentSpreadsRule.Name, possibleFragmentSpreads)
	var out []validator.Rule
	for name, fn := range rules.GetInner() {
		out = append(out, validator.Rule{Name: name, RuleFunc: fn})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}()

// possibleFragmentSpreads is the spec's "Fragment spread is possible" rule
// with graphql-js's notion of overlap: a composite type always overlaps
// itself, even when it has no possible types (an interface that only
// @interfaceObject subgraphs and implementation-less subgraphs declare has
// none in the API schema, yet "... on Thing" inside a Thing field is
// valid). Otherwise the types overlap when their possible types intersect.
func possibleFragmentSpreads(observers *validator.Events, addError validator.AddErrFunc) {
	overlap := func(s *ast.Schema, parent *ast.Definition, cond string) bool {
		frag := s.Types[cond]
		if parent == nil || frag == nil || !parent.IsCompositeType() || !frag.IsCompositeType() || parent.Name == frag.Name {
			return true // unknown or non-composite types: other rules report them
		}
		in := map[string]bool{}
		for _, d := range possibleOf(s, parent) {
			in[d.Name] = true
		}
		for _, d := range possibleOf(s, frag) {
			if in[d.Name] {
				return true
			}
		}
		return false
	}
	observers.OnInlineFragment(func(w *validator.Walker, f *ast.InlineFragment) {
		if f.TypeCondition == "" || overlap(w.Schema, f.ObjectDefinition, f.TypeCondition) {
			return
		}
		addError(validator.Message(`Fragment cannot be spread here as objects of type "%s" can never be of type "%s".`,
			f.ObjectDefinition.Name, f.TypeCondition), core.At(f.Position))
	})
	observers.OnFragmentSpread(func(w *validator.Walker, f *ast.FragmentSpread) {
		if f.Definition == nil || overlap(w.Schema, f.ObjectDefinition, f.Definition.TypeCondition) {
			return
		}
		addError(validator.Message(`Fragment "%s" cannot be spread here as objects of type "%s" can never be of type "%s".`,
			f.Name, f.ObjectDefinition.Name, f.Definition.TypeCondition), core.At(f.Position))
	})
}

// possibleOf lists the object types an object, interface or union may be.
func possibleOf(s *ast.Schema, d *ast.Definition) []*ast.Definition {
	if d.Kind == ast.Object {
		return []*ast.Definition{d}
	}
	return s.PossibleTypes[d.Name]
}
