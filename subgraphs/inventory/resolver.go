package inventory

import (
	"net/http"

	"github.com/junction-gateway/junction/subgraphs/internal/serve"
)

// Name is this subgraph's name in the demo supergraph.
const Name = "inventory"

// Resolver is the root resolver. It holds only the request counters: the
// data it serves is read-only (internal/data), so requests never share
// mutable state.
type Resolver struct {
	counters *serve.Counters
}

// Server is one inventory subgraph: an http.Handler with its own counters.
type Server struct {
	http.Handler
	*serve.Counters
}

// New returns a inventory subgraph server with fresh counters.
func New() *Server {
	c := &serve.Counters{}
	es := NewExecutableSchema(Config{Resolvers: &Resolver{counters: c}})
	return &Server{Handler: serve.Handler(es, c, serve.MaxComplexity), Counters: c}
}

// Handler returns a fresh inventory subgraph handler (GET and POST at any path).
func Handler() http.Handler { return New() }
