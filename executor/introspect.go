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

// ErrIntrospection and ErrIntrospectionTooDeep are package introspection's
// Err and ErrTooDeep.
var (
	ErrIntrospection        = introspection.Err
	ErrIntrospectionTooDeep = introspection.ErrTooDeep
)
