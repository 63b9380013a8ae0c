package executor

import (
	"encoding/json"

	"github.com/junction-gateway/junction/executor/introspection"
	"github.com/vektah/gqlparser/v2/ast"
)

// Introspect answers one root introspection field (__schema, __type or a
// root __typename) of a validated client operation from the API schema:
// package introspection's Field.
func Introspect(api *ast.Schema, field *ast.Field, variables map[string]any) (json.RawMessage, error) {
	return introspection.Field(api, field, variables)
}

// IntrospectMerged is Introspect for the fields sharing one response key
// (package introspection's Fields).
func IntrospectMerged(api *ast.Schema, fields []*ast.Field, variables map[string]any) (json.RawMessage, error) {
	return introspection.Fields(api, nil, fields, variables)
}

// ErrIntrospection and ErrIntrospectionTooDeep are package introspection's
// Err and ErrTooDeep.
var (
	ErrIntrospection        = introspection.Err
	ErrIntrospectionTooDeep = introspection.ErrTooDeep
)
