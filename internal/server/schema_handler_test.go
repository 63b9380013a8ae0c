package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
)

// testSDL is the small schema the browser test serves.
const testSDL = `
"The root of the playground test schema."
type Query {
  "Greets someone."
  hello(name: String = "world"): String!
  "A product by id."
  product(id: ID!): Product
}

type Product {
  id: ID!
  name: String
}

type Mutation {
  touch: Boolean
}
`

// schemaHandler is a tiny but real GraphQL service for the browser test: it
// parses and validates against testSDL with gqlparser, coerces variables,
// answers introspection with executor.Introspect and resolves hello.
type schemaHandler struct {
	schema *ast.Schema

	mu           sync.Mutex
	introspected int
	queries      []string
}

func newSchemaHandler() (*schemaHandler, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: testSDL})
	if err != nil {
		return nil, err
	}
	return &schemaHandler{schema: s}, nil
}

func (h *schemaHandler) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	h.mu.Lock()
	h.queries = append(h.queries, req.Query)
	h.mu.Unlock()

	doc, errs := gqlparser.LoadQuery(h.schema, req.Query)
	if len(errs) > 0 {
		return &gateway.Response{Errors: errs}
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		return &gateway.Response{Errors: gqlerror.List{gqlerror.Errorf("operation %q not found", req.OperationName)}}
	}
	if req.AllowedKinds != nil && !slices.Contains(req.AllowedKinds, op.Operation) {
		return &gateway.Response{Errors: gqlerror.List{gqlerror.Errorf("%s is not allowed here", op.Operation)},
			Status: http.StatusMethodNotAllowed}
	}
	vars, err := validator.VariableValues(h.schema, op, req.Variables)
	if err != nil {
		return &gateway.Response{Errors: gqlerror.List{gqlerror.Wrap(err)}}
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range rootFields(op.SelectionSet, doc) {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(f.Alias)
		buf.Write(key)
		buf.WriteByte(':')
		var val []byte
		switch f.Name {
		case "__schema", "__type", "__typename":
			raw, err := executor.Introspect(h.schema, f, vars)
			if err != nil {
				return &gateway.Response{Errors: gqlerror.List{gqlerror.WrapPath(ast.Path{ast.PathName(f.Alias)}, err)}}
			}
			h.mu.Lock()
			h.introspected++
			h.mu.Unlock()
			val = raw
		case "hello":
			name, _ := f.ArgumentMap(vars)["name"].(string)
			val, _ = json.Marshal("Hello, " + name + "!")
		default:
			val = []byte("null")
		}
		buf.Write(val)
	}
	buf.WriteByte('}')
	return &gateway.Response{Data: json.RawMessage(buf.Bytes())}
}

// rootFields flattens fragments at the root (the schema has no abstract
// root, so every fragment applies).
func rootFields(set ast.SelectionSet, doc *ast.QueryDocument) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = append(out, rootFields(s.SelectionSet, doc)...)
		case *ast.FragmentSpread:
			if fd := doc.Fragments.ForName(s.Name); fd != nil {
				out = append(out, rootFields(fd.SelectionSet, doc)...)
			}
		}
	}
	return out
}
