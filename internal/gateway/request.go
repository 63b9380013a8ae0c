package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Request is one GraphQL request as the transport decoded it.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	Extensions    map[string]any
	// Header is the client's HTTP header (for header rules and auth).
	Header http.Header
	// ExposePlan asks for the query plan in extensions.queryPlan(Text).
	ExposePlan bool
	// AllowedKinds limits the operation kinds (GET allows only queries);
	// nil allows all.
	AllowedKinds []ast.Operation
}

// Response is the result of one request.
type Response struct {
	// Data is the JSON of the data entry. Nil means the request failed
	// before execution (parse/validation error): no data entry at all.
	Data json.RawMessage
	// Errors, in order.
	Errors gqlerror.List
	// Extensions, may be nil.
	Extensions map[string]any
	// Status, when non-zero, is the HTTP status the transport should use for
	// application/graphql-response+json (e.g. 405 for a mutation over GET).
	Status int
}
