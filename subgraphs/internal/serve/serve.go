package serve

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// Counters counts what one subgraph server was asked. Safe for concurrent use.
type Counters struct {
	requests        atomic.Int64
	entityCalls     atomic.Int64
	representations atomic.Int64
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
// over and over.
func Handler(es graphql.ExecutableSchema, c *Counters) http.Handler {
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		srv.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), headerKey{}, r.Header)))
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
