package gateway

import (
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// checkIntLiterals reports Int literals outside 32 bits, which the
// validator lets through: { topProducts(first: 99999999999) } must fail
// validation (the spec's Int is a signed 32-bit integer), not reach a
// subgraph. It runs on a validated document, whose values know their
// expected type; every operation and fragment is walked once.
func checkIntLiterals(doc *ast.QueryDocument) gqlerror.List {
	var errs gqlerror.List
	var value func(v *ast.Value)
	value = func(v *ast.Value) {
		if v == nil {
			return
		}
		if v.Kind == ast.IntValue && v.Definition != nil && v.Definition.Name == "Int" {
			if n, err := strconv.ParseInt(v.Raw, 10, 64); err != nil || n < math.MinInt32 || n > math.MaxInt32 {
				e := gqlerror.Errorf("Int cannot represent non 32-bit signed integer value: %s", v.Raw)
				if v.Position != nil {
					e.Locations = []gqlerror.Location{{Line: v.Position.Line, Column: v.Position.Column}}
				}
				errs = append(errs, withCode(e, "GRAPHQL_VALIDATION_FAILED"))
			}
		}
		for _, c := range v.Children {
			value(c.Value)
		}
	}
	directives := func(ds ast.DirectiveList) {
		for _, d := range ds {
			for _, a := range d.Arguments {
				value(a.Value)
			}
		}
	}
	var set func(ss ast.SelectionSet)
	set = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					value(a.Value)
				}
				directives(s.Directives)
				set(s.SelectionSet)
			case *ast.InlineFragment:
				directives(s.Directives)
				set(s.SelectionSet)
			case *ast.FragmentSpread:
				directives(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		for _, vd := range op.VariableDefinitions {
			value(vd.DefaultValue)
		}
		directives(op.Directives)
		set(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		directives(f.Directives)
		set(f.SelectionSet)
	}
	return errs
}
