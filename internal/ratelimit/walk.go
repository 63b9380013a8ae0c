package ratelimit

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/schema"
)

// included evaluates @skip and @include on a selection with the coerced
// variables (schema.Included; a validated document has no unreadable if):
// a selection that is not included is not counted.
func included(ds ast.DirectiveList, vars map[string]any) bool {
	ok, _ := schema.Included(ds, vars)
	return ok
}

// walkFields calls fn for every field selected by ss that is included,
// once per field, fragments expanded.
func walkFields(ss ast.SelectionSet, vars map[string]any, fn func(f *ast.Field, root bool)) {
	seen := map[*ast.Field]bool{}
	frags := map[string]bool{}
	var walk func(ast.SelectionSet, bool)
	walk = func(ss ast.SelectionSet, root bool) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				if seen[s] || !included(s.Directives, vars) {
					continue
				}
				seen[s] = true
				fn(s, root)
				walk(s.SelectionSet, false)
			case *ast.InlineFragment:
				if included(s.Directives, vars) {
					walk(s.SelectionSet, root)
				}
			case *ast.FragmentSpread:
				if s.Definition == nil || !included(s.Directives, vars) {
					continue
				}
				k := s.Name
				if root {
					k = "\x00" + k
				}
				if frags[k] {
					continue
				}
				frags[k] = true
				walk(s.Definition.SelectionSet, root)
			}
		}
	}
	walk(ss, true)
}
