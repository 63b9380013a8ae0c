package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// Handler runs one decoded GraphQL request. The gateway pipeline implements
// it; Serve must always return a non-nil Response.
type Handler interface {
	Serve(ctx context.Context, req *gateway.Request) *gateway.Response
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *gateway.Request) *gateway.Response

// Serve calls f.
func (f HandlerFunc) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	return f(ctx, req)
}

// DefaultMaxBodyBytes is the default limit on a request body (2 MiB).
const DefaultMaxBodyBytes int64 = 2 << 20

// Server is the HTTP front of the gateway: GraphQL over HTTP at one path,
// the playground, health and readiness. It is safe for concurrent use and
// immutable after New.
type Server struct {
	h           Handler
	path        string
	maxBody     int64
	readTimeout time.Duration
	playground  bool
	ready       func() error
	log         *slog.Logger
	corsPolicy  CORS
	// csrf: refuse GraphQL requests a browser could send without a
	// preflight unless they carry one of csrfHeaders (see cors.go).
	csrf        bool
	csrfHeaders []string
	// legacyStatus keeps the status codes of the GraphQL-over-HTTP draft
	// before 2026 (see WithLegacyStatusCodes).
	legacyStatus bool
	// owners and registryPath feed the playground (workbench.go).
	owners       func() []byte
	registryPath string
	bounds       bounds // bounds.go
	// batchMax is the most operations a batched POST may carry; 0 refuses
	// batches (batch.go).
	batchMax int
	// compress: response compression, nil when off (compress.go).
	compress *compressor
	// subs serves the subscription transports; nil when they are off
	// (subs.go).
	subs *subHub
}

// Option configures a Server.
type Option func(*Server)

// WithPath sets the GraphQL endpoint path (default "/graphql").
func WithPath(p string) Option {
	return func(s *Server) {
		if p == "" {
			return
		}
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		s.path = p
	}
}

// WithMaxBodyBytes sets the request body limit; n <= 0 keeps the default.
// A larger body is answered with 413.
func WithMaxBodyBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxBody = n
		}
	}
}

// DefaultReadTimeout is the default time a client has to send a request
// body once its headers are in.
const DefaultReadTimeout = 30 * time.Second

// WithReadTimeout bounds how long a client may take to send its request
// body (default 30s); a slower one is answered 408. d <= 0 keeps the
// default.
func WithReadTimeout(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.readTimeout = d
		}
	}
}

// WithPlayground turns the GraphiQL playground on or off (default on).
func WithPlayground(on bool) Option {
	return func(s *Server) { s.playground = on }
}

// WithReadiness sets the readiness check behind /ready: a non-nil error
// answers 503.
func WithReadiness(f func() error) Option {
	return func(s *Server) { s.ready = f }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) {
		if l != nil {
			s.log = l
		}
	}
}

// WithLegacyStatusCodes answers with the status codes of the
// GraphQL-over-HTTP draft before 2026, for clients that depend on them:
// 400 for a request that fails before execution (200 under
// application/json), 200 for partial success, and the default media type
// rather than 406 for an Accept header naming nothing supported. By default
// (off) Junction follows the 2026 draft: 422, 294 and 406 (see statusFor).
func WithLegacyStatusCodes(on bool) Option {
	return func(s *Server) { s.legacyStatus = on }
}

// New returns a Server that sends GraphQL requests to h.
func New(h Handler, opts ...Option) *Server {
	s := &Server{
		h:           h,
		path:        "/graphql",
		maxBody:     DefaultMaxBodyBytes,
		readTimeout: DefaultReadTimeout,
		playground:  true,
		log:         slog.Default(),
		subs:        newSubHub(Subscriptions{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Path is the GraphQL endpoint path.
func (s *Server) Path() string { return s.path }

// ServeHTTP is the whole mux: the GraphQL path (and POST or GET ?query= at
// /), liveness at /health (/health/live, /healthz), readiness at /ready
// (/health/ready, /readyz), the playground at / and its assets under
// /playground/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := requestID(r)
	w.Header().Set(headerRequestID, id)
	r = r.WithContext(withRequestID(r.Context(), id))
	s.cors(w, r)
	if s.compress != nil {
		var done func()
		w, done = s.compress.wrap(w, r)
		defer done()
	}

	switch p := r.URL.Path; {
	case p == s.path:
		s.serveGraphQL(w, r)
	case s.contractName(p) != "":
		s.serveContract(w, r, s.contractName(p))
	case p == "/" && (r.Method == http.MethodPost || r.URL.Query().Has("query")):
		// GraphQL at the root too, where Apollo Router serves it, so tools
		// pointed at a router's address work unchanged.
		s.serveGraphQL(w, r)
	case p == "/health", p == "/health/live", p == "/healthz":
		s.serveHealth(w, r)
	case p == "/ready", p == "/health/ready", p == "/readyz":
		s.serveReady(w, r)
	case p == "/" && s.playground:
		if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		s.servePlaygroundPage(w, r)
	case p == ownersPath && s.playground && s.owners != nil:
		s.serveOwners(w, r)
	case strings.HasPrefix(p, assetPrefix) && s.playground:
		s.serveAsset(w, r)
	default:
		http.NotFound(w, r)
	}
}

// allowMethods answers 405 with an Allow header (and returns false) unless
// r uses one of methods. OPTIONS is answered 204 (the CORS preflight headers
// are already set).
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	allow := strings.Join(append(methods, http.MethodOptions), ", ")
	w.Header().Set("Allow", allow)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return false
	}
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}
