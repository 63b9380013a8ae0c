package gateway

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// IntrospectionDisabledCode is the extensions.code of an operation refused
// because it selects __schema or __type while introspection is off.
const IntrospectionDisabledCode = "INTROSPECTION_DISABLED"

// DisableIntrospection returns the plugin that refuses, before planning,
// every operation selecting __schema or __type (the query root's
// introspection fields, reached directly or through fragments); __typename
// still answers. Install it only when introspection is configured off:
// when it is on, nothing is added to the request path.
func DisableIntrospection() Plugin { return noIntrospection{} }

type noIntrospection struct{}

func (noIntrospection) Name() string { return "introspection" }

func (noIntrospection) InterceptOperation(ctx context.Context, op *Operation, next OperationHandler) *Response {
	if f := introspectionField(op.Definition.SelectionSet, op.Document, map[string]bool{}); f != nil {
		e := gqlerror.Errorf("Introspection is disabled (config key introspection: false): %s cannot be queried.", f.Name)
		if f.Position != nil {
			e.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
		}
		e.Extensions = map[string]any{"code": IntrospectionDisabledCode}
		return &Response{Errors: gqlerror.List{e}}
	}
	return next(ctx, op)
}

// introspectionField returns the first __schema or __type field of the
// root selection set ss, looking through fragments (each walked once), or
// nil.
func introspectionField(ss ast.SelectionSet, doc *ast.QueryDocument, seen map[string]bool) *ast.Field {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return s
			}
		case *ast.InlineFragment:
			if f := introspectionField(s.SelectionSet, doc, seen); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			def := s.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(s.Name)
			}
			if def != nil {
				if f := introspectionField(def.SelectionSet, doc, seen); f != nil {
					return f
				}
			}
		}
	}
	return nil
}
