package serve

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Counters counts what one subgraph server was asked. Safe for concurrent use.
type Counters struct {
	requests        atomic.Int64
	active          atomic.Int64
	entityCalls     atomic.Int64
	representations atomic.Int64
	resolves        atomic.Int64
	onResolve       atomic.Pointer[resolveHook]
}

type resolveHook struct {
	n int64
	f func()
}

// OnResolve makes the n-th resolver call that proceeds call f first, in
// that resolver's goroutine (tests: to act at a known point of a request).
func (c *Counters) OnResolve(n int64, f func()) { c.onResolve.Store(&resolveHook{n, f}) }

// Active is the number of requests being served right now.
func (c *Counters) Active() int64 { return c.active.Load() }

// Resolves is the number of resolver calls that went on (Proceed true).
func (c *Counters) Resolves() int64 { return c.resolves.Load() }

// Proceed is called by every list and entity resolver before it works: it
// reports whether the request is still wanted, and counts the call when it
// is. Once the request's context is done (the client left, or a deadline
// passed) resolvers return nothing, so the rest of the tree is not
// resolved; the first of them adds one error to the response. One error in
// all, not one per field: gqlgen checks each null field against the whole
// error list, so an error per cut field would cost quadratic time.
func (c *Counters) Proceed(ctx context.Context) bool {
	if ctx.Err() == nil {
		if n := c.resolves.Add(1); c.onResolve.Load() != nil && c.onResolve.Load().n == n {
			c.onResolve.Load().f()
		}
		return true
	}
	if st, ok := ctx.Value(stopKey{}).(*sync.Once); ok {
		st.Do(func() {
			graphql.AddError(ctx, &gqlerror.Error{
				Message:    "the request was abandoned or timed out: resolution stopped",
				Path:       graphql.GetPath(ctx),
				Extensions: map[string]any{"code": "REQUEST_CANCELLED", "cause": ctx.Err().Error()},
			})
		})
	}
	return false
}

type stopKey struct{}

// MaxComplexity bounds the work of one operation before any resolver runs
// (gqlgen's complexity limit): an operation past it is refused with
// COMPLEXITY_LIMIT_EXCEEDED. A field costs 1 plus its selections; a list
// that can repeat a type's selections (ListCost) costs ListFanout times
// its selections, so a deep cyclic query (product → reviews → product …)
// costs ListFanout to the power of its depth. The heaviest subgraph
// operation the gateway sends for the demo, benchmark and fault queries
// costs 5,762 (64 aliased copies of the benchmark query included).
const MaxComplexity = 100_000

// ListFanout is the number of elements the complexity counts for a list
// field whose elements may select lists again (the demo data has at most 3
// reviews per product and 2 per user; added reviews may make more).
const ListFanout = 10

// ListCost is the complexity of such a list field with selections of
// complexity child. It saturates just past MaxComplexity, so a query
// nested deep enough to overflow an int is refused like any other.
func ListCost(child int) int {
	if child >= MaxComplexity/ListFanout {
		return MaxComplexity + 1
	}
	return 1 + ListFanout*child
}

// Requests is the number of HTTP requests served.
func (c *Counters) Requests() int64 { return c.requests.Load() }

// EntityCalls is the number of entity resolver calls (one per entity type
// per _entities request).
func (c *Counters) EntityCalls() int64 { return c.entityCalls.Load() }

// Representations is the number of representations the entity resolvers received.
func (c *Counters) Representations() int64 { return c.representations.Load() }

// Entity records one entity resolver call with n representations.
func (c *Counters) Entity(n int) {
	c.entityCalls.Add(1)
	c.representations.Add(int64(n))
}

// Handler wraps es in gqlgen's server with the GET and POST transports and
// counts requests in c. Parsed and validated documents are cached (as
// gqlgen's default server does): a gateway sends the same few operations
// over and over. Operations costing more than maxComplexity are refused
// before any resolver runs (MaxComplexity; <= 0: no limit, for tests).
func Handler(es graphql.ExecutableSchema, c *Counters, maxComplexity int) http.Handler {
	srv := handler.New(es)
	// Subscriptions: graphql-transport-ws (and the legacy graphql-ws) over
	// WebSocket, graphql-sse (distinct connections) over POST; SSE is
	// tried before POST, which would take the request otherwise.
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second})
	srv.AddTransport(transport.SSE{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	if maxComplexity > 0 {
		srv.Use(extension.FixedComplexityLimit(maxComplexity))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		c.active.Add(1)
		defer c.active.Add(-1)
		ctx := context.WithValue(r.Context(), headerKey{}, r.Header)
		srv.ServeHTTP(w, r.WithContext(context.WithValue(ctx, stopKey{}, new(sync.Once))))
	})
}

// UserIDHeader carries the caller's user id from the gateway (Junction puts
// the token's sub claim there: headers.claims: {x-user-id: sub}).
const UserIDHeader = "X-User-Id"

type headerKey struct{}

// Header returns the HTTP request headers of the subgraph request that ctx
// belongs to (nil outside one).
func Header(ctx context.Context) http.Header {
	h, _ := ctx.Value(headerKey{}).(http.Header)
	return h
}

// UserID is the caller's user id sent by the gateway in UserIDHeader, or "".
func UserID(ctx context.Context) string { return Header(ctx).Get(UserIDHeader) }
