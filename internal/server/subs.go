package server

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// The subscription transports: a WebSocket upgrade at the GraphQL path
// (ws.go: graphql-transport-ws and the legacy graphql-ws), Server-Sent
// Events (sse.go: graphql-sse, distinct connections) and multipart/mixed
// subscriptions (multipart_sub.go, as Apollo Client speaks them). Each sets
// Request.AcceptSubscription and writes Response.Events as they come.
//
// Bounds (Subscriptions, named in every error that enforces one):
//
//   - operations at once on one WebSocket (MaxPerConnection) and for one
//     client IP over every transport (MaxPerClient): one more is refused
//     with SUBSCRIPTION_LIMIT_EXCEEDED before anything runs;
//   - the events of a connection wait in a queue of QueueSize messages,
//     each written within WriteTimeout: a client that lets the queue fill
//     is dropped (WebSocket close 1008, an HTTP stream is cut) and its
//     subscriptions end, rather than buffered without bound;
//   - a WebSocket must send its connection_init within InitTimeout (4408),
//     answer WebSocket pings within KeepAlive, and is closed after
//     IdleTimeout without an operation (1000);
//   - CloseSubscriptions (server shutdown, after the drain) closes every
//     WebSocket with 1001 and ends every event stream.

// Subscriptions are the bounds of the subscription transports (see above).
// Zero values take the defaults (DefaultSubscriptions).
type Subscriptions struct {
	MaxPerConnection int
	MaxPerClient     int
	InitTimeout      time.Duration
	KeepAlive        time.Duration
	IdleTimeout      time.Duration
	WriteTimeout     time.Duration
	QueueSize        int
}

// DefaultSubscriptions are the bounds used for the zero values of
// Subscriptions (the config's defaults: subscriptions.*).
var DefaultSubscriptions = Subscriptions{
	MaxPerConnection: 100,
	MaxPerClient:     1000,
	InitTimeout:      10 * time.Second,
	KeepAlive:        10 * time.Second,
	IdleTimeout:      5 * time.Minute,
	WriteTimeout:     10 * time.Second,
	QueueSize:        64,
}

func (l Subscriptions) withDefaults() Subscriptions {
	d := DefaultSubscriptions
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxPerConnection, d.MaxPerConnection)
	set(&l.MaxPerClient, d.MaxPerClient)
	set(&l.QueueSize, d.QueueSize)
	setD(&l.InitTimeout, d.InitTimeout)
	setD(&l.KeepAlive, d.KeepAlive)
	setD(&l.IdleTimeout, d.IdleTimeout)
	setD(&l.WriteTimeout, d.WriteTimeout)
	return l
}

// WithSubscriptions serves the subscription transports with the bounds lim
// when on (the default, with DefaultSubscriptions); off, WebSocket upgrades
// are refused and event streams are not served.
func WithSubscriptions(on bool, lim Subscriptions) Option {
	return func(s *Server) {
		if !on {
			s.subs = nil
			return
		}
		s.subs = newSubHub(lim)
	}
}

// Error codes of the subscription transports.
const (
	codeSubscriptionLimit = "SUBSCRIPTION_LIMIT_EXCEEDED"
	codeShuttingDown      = "SHUTTING_DOWN"
	codeForbiddenOrigin   = "FORBIDDEN_ORIGIN"
)

// errShuttingDown refuses a new socket or stream once CloseSubscriptions
// was called.
var errShuttingDown = &requestError{status: http.StatusServiceUnavailable, code: codeShuttingDown,
	message: "the server is shutting down"}

// subHub is the state the transports share: the bounds, the subscriptions
// per client IP, the open WebSockets, and the shutdown signal.
type subHub struct {
	lim      Subscriptions
	ctx      context.Context // done once CloseSubscriptions is called
	shutdown context.CancelFunc

	mu    sync.Mutex
	perIP map[string]int
	open  int            // WebSockets and streams open
	wg    sync.WaitGroup // the same, to wait for at shutdown
}

func newSubHub(lim Subscriptions) *subHub {
	ctx, cancel := context.WithCancel(context.Background())
	return &subHub{lim: lim.withDefaults(), ctx: ctx, shutdown: cancel, perIP: map[string]int{}}
}

// clientIP is the host part of a remote address (the whole of it when it
// has no port).
func clientIP(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}

// reserve takes one subscription place for client ip; false (with the
// client's error) past MaxPerClient.
func (h *subHub) reserve(ip string) *gqlerror.Error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perIP[ip] >= h.lim.MaxPerClient {
		return limitError(fmt.Sprintf("too many subscriptions from this client (subscriptions.max_per_client %d)", h.lim.MaxPerClient))
	}
	h.perIP[ip]++
	return nil
}

func (h *subHub) unreserve(ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perIP[ip]--; h.perIP[ip] <= 0 {
		delete(h.perIP, ip)
	}
}

// active is the number of operations the transports hold for ip.
func (h *subHub) active(ip string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.perIP[ip]
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": codeSubscriptionLimit}}
}

// CloseSubscriptions ends every subscription transport: WebSockets are
// closed with 1001 (going away), event streams end (a multipart one with
// a SHUTTING_DOWN error). It waits for them until ctx is done, and
// returns how many were still open when it stopped waiting (0: all
// closed). Call it at shutdown, after the drain and before
// http.Server.Shutdown, which does not see hijacked WebSockets.
func (s *Server) CloseSubscriptions(ctx context.Context) int {
	h := s.subs
	if h == nil {
		return 0
	}
	h.mu.Lock()
	h.shutdown() // under the lock: no stream enters after this (enter)
	h.mu.Unlock()
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-ctx.Done():
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.open
	}
}

// serveSubscription serves r when it is a subscription transport's
// request (a WebSocket upgrade, an event stream, a multipart
// subscription) and reports whether it did.
func (s *Server) serveSubscription(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet && headerHasToken(r.Header, "Upgrade", "websocket") {
		if s.subs == nil {
			s.writeError(w, r, mediaJSON, &requestError{status: http.StatusBadRequest, code: codeBadRequest,
				message: "WebSocket subscriptions are not served (subscriptions.enabled is false)"})
			return true
		}
		s.serveWebSocket(w, r)
		return true
	}
	if s.subs == nil || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		return false
	}
	accept := r.Header.Get("Accept")
	switch {
	case acceptsEventStream(accept):
		s.serveSSE(w, r)
		return true
	case acceptsMultipartSubscription(accept):
		s.serveMultipartSubscription(w, r)
		return true
	}
	return false
}

// headerHasToken reports whether a comma-separated header holds token
// (case-insensitive).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// acceptsMediaType reports whether Accept names media type mt (not with
// q=0) and returns its parameters.
func acceptsMediaType(accept, mt string) (map[string]string, bool) {
	if !strings.Contains(strings.ToLower(accept), mt) {
		return nil, false // the common case, without parsing
	}
	for _, part := range strings.Split(accept, ",") {
		rng, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || rng != mt {
			continue
		}
		if q, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f <= 0 {
				continue
			}
		}
		return params, true
	}
	return nil, false
}

// serveOp runs one operation of a subscription transport: the handler
// under ctx (not the HTTP request's: a WebSocket outlives it), a panic or
// a nil response turned into a 500 error.
func (s *Server) serveOp(ctx context.Context, req *gateway.Request) (resp *gateway.Response) {
	defer func() {
		if p := recover(); p != nil {
			s.log.LogAttrs(ctx, slogError, "handler panic",
				slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())),
				slog.String("request_id", RequestID(ctx)))
			resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal server error")
		}
	}()
	if !s.bounds.acquireCtx(ctx) {
		return errorResponse(http.StatusServiceUnavailable, codeTooManyRequests,
			"too many requests are executing (limits.max_concurrent_requests "+strconv.Itoa(cap(s.bounds.sem))+"); retry later")
	}
	// The slot bounds the execution of the operation, not the life of its
	// event stream (bounded by the subscription limits).
	defer s.bounds.release()
	resp = s.h.Serve(ctx, req)
	if resp == nil {
		s.log.LogAttrs(ctx, slogError, "handler returned no response", slog.String("request_id", RequestID(ctx)))
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal server error")
	}
	return resp
}

// pumpResult says why a pump ended.
type pumpResult int

const (
	pumpEnded pumpResult = iota // the events ended
	pumpSlow                    // the queue was full: the client is too slow
	pumpPanic                   // the event source panicked
)

// pump ranges over events, encodes each event with encode (then releases
// it) and hands it to put, which must never block: put returning false (a
// full queue) stops the iteration (pumpSlow). It returns when the events
// end or ctx is done (the event source ends then).
func (s *Server) pump(ctx context.Context, events iter.Seq[*gateway.Response],
	encode func(*gateway.Response) []byte, put func([]byte) bool) (res pumpResult) {
	defer func() {
		if p := recover(); p != nil {
			s.log.LogAttrs(ctx, slogError, "subscription event source panic",
				slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())),
				slog.String("request_id", RequestID(ctx)))
			res = pumpPanic
		}
	}()
	for ev := range events {
		b := encode(ev)
		ev.Release()
		if ctx.Err() != nil {
			return pumpEnded
		}
		if !put(b) {
			return pumpSlow
		}
	}
	return pumpEnded
}

// encodeEvent renders one event response, or an internal error in its
// place when it cannot be encoded.
func (s *Server) encodeEvent(ctx context.Context, ev *gateway.Response) []byte {
	b, err := encodeResponse(ev)
	if err != nil {
		s.log.LogAttrs(ctx, slogError, "encode subscription event", attrErr(err), slog.String("request_id", RequestID(ctx)))
		b, _ = encodeResponse(errorResponse(http.StatusInternalServerError, codeInternal, "internal error: could not encode the event"))
	}
	return b
}

// slowMessage names the bound a dropped client exceeded.
func (h *subHub) slowMessage() string {
	return fmt.Sprintf("client too slow: %d messages waiting (subscriptions.queue_size)", h.lim.QueueSize)
}

func itoa(n int) string { return strconv.Itoa(n) }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// validHeaderName reports whether name is an HTTP header field name (a
// token, RFC 9110 §5.1).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
