package accounts

import (
	"net/http"
	"strings"

	"github.com/junction-gateway/junction/subgraphs/internal/data"
	"github.com/junction-gateway/junction/subgraphs/internal/serve"
)

// Name is this subgraph's name in the demo supergraph.
const Name = "accounts"

// Resolver is the root resolver. It holds only the request counters: the
// data it serves is read-only (internal/data), so requests never share
// mutable state.
type Resolver struct {
	counters *serve.Counters
}

// Server is one accounts subgraph: an http.Handler with its own counters.
type Server struct {
	http.Handler
	*serve.Counters
}

// New returns a accounts subgraph server with fresh counters.
func New() *Server {
	c := &serve.Counters{}
	es := NewExecutableSchema(Config{Resolvers: &Resolver{counters: c}})
	return &Server{Handler: serve.Handler(es, c, serve.MaxComplexity), Counters: c}
}

// Handler returns a fresh accounts subgraph handler (GET and POST at any path).
func Handler() http.Handler { return New() }

func toUser(u data.User) *User {
	email := strings.TrimPrefix(u.Username, "@") + "@example.com"
	return &User{ID: u.ID, Name: &u.Name, Username: &u.Username, Birthday: &u.Birthday, Email: &email}
}

// userByID returns the user or nil when there is none with that id.
func userByID(id string) *User {
	u, ok := data.UserByID(id)
	if !ok {
		return nil
	}
	return toUser(u)
}
