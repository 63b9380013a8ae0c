package reviews

import (
	"net/http"

	"github.com/junction-gateway/junction/subgraphs/internal/data"
	"github.com/junction-gateway/junction/subgraphs/internal/serve"
)

// Name is this subgraph's name in the demo supergraph.
const Name = "reviews"

// Resolver is the root resolver. It holds the request counters and the
// reviews added by mutations (guarded by their own lock) and the
// reviewAdded subscribers; the generated
// data it serves is read-only (internal/data).
type Resolver struct {
	counters *serve.Counters
	added    *added
	feed     *feed // reviewAdded subscriptions (feed.go)
}

// Server is one reviews subgraph: an http.Handler with its own counters.
type Server struct {
	http.Handler
	*serve.Counters
}

// New returns a reviews subgraph server with fresh counters.
func New() *Server { return NewLimited(serve.MaxComplexity) }

// NewLimited is New with another complexity limit (<= 0: none; for tests
// that need a query to run long).
func NewLimited(maxComplexity int) *Server {
	c := &serve.Counters{}
	cfg := Config{Resolvers: &Resolver{counters: c, added: &added{}, feed: &feed{}}}
	// The lists of reviews are where a query can cycle (product → reviews
	// → product, user → reviews → author → reviews): each repeats its
	// selections (serve.ListCost).
	cfg.Complexity.Product.Reviews = serve.ListCost
	cfg.Complexity.User.Reviews = serve.ListCost
	return &Server{Handler: serve.Handler(NewExecutableSchema(cfg), c, maxComplexity), Counters: c}
}

// Handler returns a fresh reviews subgraph handler (GET and POST at any path).
func Handler() http.Handler { return New() }

// toReview fills the author's username too: Review.author @provides it.
func toReview(rv data.Review) *Review {
	out := &Review{ID: rv.ID, Body: &rv.Body, Product: &Product{Upc: rv.ProductID}}
	author := &User{ID: rv.AuthorID}
	if u, ok := data.UserByID(rv.AuthorID); ok {
		author.Username = &u.Username
	}
	out.Author = author
	return out
}

func toReviews(rvs []data.Review) []*Review {
	out := make([]*Review, len(rvs))
	for i, rv := range rvs {
		out[i] = toReview(rv)
	}
	return out
}
