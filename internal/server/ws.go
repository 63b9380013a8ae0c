package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// GraphQL over WebSocket at the GraphQL path: a GET with Upgrade:
// websocket and Sec-WebSocket-Protocol graphql-transport-ws (ws_transport.go)
// or graphql-ws, the legacy subscriptions-transport-ws protocol
// (ws_legacy.go). A request naming neither is refused (400), as is one
// from a foreign origin (403) unless the CORS policy allows that origin:
// a page on another site must not ride on the user's cookies
// (cross-site WebSocket hijacking).
//
// One connection is three kinds of goroutine: the reader (the handler's
// own goroutine) decodes messages and starts operations; one goroutine per
// operation runs it through the handler and puts its messages in the
// connection's queue (QueueSize; a full queue drops the client with 1008);
// the writer writes the queue in order, each message within WriteTimeout.
// A keeper sends keep-alives and WebSocket pings, closes an idle socket,
// and one whose connection_init does not come in time (4408).
//
// The connection_init payload is Request.InitPayload (forwarded upstream
// where a subgraph is configured to), and becomes request headers for every operation
// on the socket, over those of the upgrade request: the string entries of
// payload.headers, and the payload's own string entries whose names are
// header names (Authorization, authorization…), so that authentication
// reads a token from either.

const (
	protoTransportWS = "graphql-transport-ws"
	protoLegacyWS    = "graphql-ws"
)

// Close codes used on every WebSocket (the protocols' own are in
// ws_transport.go).
const (
	closeNormal      = websocket.StatusNormalClosure // idle timeout, terminate
	closeGoingAway   = websocket.StatusGoingAway     // server shutdown
	closePolicy      = websocket.StatusPolicyViolation
	closeInternal    = websocket.StatusCode(4500)
	closeInitTimeout = websocket.StatusCode(4408)
)

// wsProtocol is one of the two sub-protocols.
type wsProtocol interface {
	// handle decodes and acts on one text message from the client.
	handle(c *wsConn, msg []byte)
	// keepAlive is the protocol's keep-alive message (nil: none).
	keepAlive() []byte
	// next, errors and complete render an operation's messages.
	next(id json.RawMessage, payload []byte) []byte
	errors(id json.RawMessage, errs gqlerror.List) []byte
	complete(id json.RawMessage) []byte
}

// wsConn is one WebSocket connection.
type wsConn struct {
	s     *Server
	ws    *websocket.Conn
	proto wsProtocol
	ip    string
	log   *slog.Logger
	// ctx is done when the connection closes (or the server shuts down);
	// every operation's context derives from it.
	ctx    context.Context
	cancel context.CancelFunc
	out    chan []byte

	closeOnce sync.Once
	acked     atomic.Bool // connection_init received and acknowledged
	initSeen  atomic.Bool

	mu     sync.Mutex
	header http.Header // for operations: upgrade headers + init payload
	// initPayload is the connection_init payload (Request.InitPayload),
	// shared by the operations: never modified.
	initPayload map[string]any
	ops         map[string]*wsOp // running operations by id (the id's JSON)
	lastIdle    time.Time        // when the last operation ended (or the socket opened)
	opsWG       sync.WaitGroup   // operation goroutines
}

// wsOp is one running operation.
type wsOp struct {
	cancel context.CancelFunc
}

// serveWebSocket upgrades r and serves the connection until it closes.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	if !s.originAllowed(r) {
		s.writeError(w, r, mediaJSON, &requestError{status: http.StatusForbidden, code: codeForbiddenOrigin,
			message: "WebSocket upgrade from origin " + quote(r.Header.Get("Origin")) + " refused: allow it in cors.allow_origins"})
		return
	}
	var proto wsProtocol
	switch pickSubprotocol(r.Header) {
	case protoTransportWS:
		proto = transportWS{}
	case protoLegacyWS:
		proto = legacyWS{}
	default:
		s.writeError(w, r, mediaJSON, badRequest("WebSocket upgrade without a supported subprotocol: send Sec-WebSocket-Protocol "+
			protoTransportWS+" (or the legacy "+protoLegacyWS+")"))
		return
	}
	h := s.subs
	if !h.enter() {
		s.writeError(w, r, mediaJSON, errShuttingDown)
		return
	}
	defer h.leave()
	// The server's read and write deadlines (body timeout, write
	// backstop) stay on a hijacked connection: lift them, the socket has
	// its own bounds.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{protoTransportWS, protoLegacyWS},
		// Checked above against the CORS policy.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept answered the client
	}
	defer ws.CloseNow()
	ws.SetReadLimit(s.maxBody)
	// Values (request id, telemetry) of the upgrade request, but not its
	// cancellation: the connection ends when the socket does.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &wsConn{s: s, ws: ws, proto: proto, ip: clientIP(r.RemoteAddr), log: s.log,
		ctx: ctx, cancel: cancel, out: make(chan []byte, h.lim.QueueSize),
		header: upgradeHeader(r.Header), ops: map[string]*wsOp{}, lastIdle: time.Now()}
	c.serve()
}

// serve runs the connection: writer and keeper goroutines, the reader
// loop here; it returns once everything has stopped.
func (c *wsConn) serve() {
	h := c.s.subs
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.writer() }()
	go func() { defer wg.Done(); c.keeper(h.lim) }()
	stopShutdown := context.AfterFunc(h.ctx, func() { c.close(closeGoingAway, "server shutting down") })
	defer stopShutdown()
	for {
		typ, msg, err := c.ws.Read(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusMessageTooBig {
				c.close(websocket.StatusMessageTooBig, "message larger than limits.max_body_bytes")
			}
			break
		}
		if typ != websocket.MessageText {
			c.close(closeBadMessage, "binary messages are not supported: send JSON text")
			break
		}
		c.proto.handle(c, msg)
	}
	c.close(closeNormal, "")
	c.opsWG.Wait()
	wg.Wait()
}

// writer writes the queue, in order, each message within WriteTimeout.
func (c *wsConn) writer() {
	timeout := c.s.subs.lim.WriteTimeout
	for {
		select {
		case <-c.ctx.Done():
			return
		case msg := <-c.out:
			wctx, cancel := context.WithTimeout(context.Background(), timeout)
			err := c.ws.Write(wctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				c.close(closePolicy, "write failed or timed out (subscriptions.write_timeout)")
				return
			}
		}
	}
}

// keeper sends the protocol's keep-alive and a WebSocket ping every
// KeepAlive once the connection is acknowledged, closes the socket when a
// ping is not answered within KeepAlive, when connection_init did not come
// within InitTimeout, or when no operation ran for IdleTimeout.
func (c *wsConn) keeper(lim Subscriptions) {
	initT := time.NewTimer(lim.InitTimeout)
	defer initT.Stop()
	tick := time.NewTicker(lim.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-initT.C:
			if !c.acked.Load() {
				c.close(closeInitTimeout, "Connection initialisation timeout")
				return
			}
		case <-tick.C:
			if c.idleFor() >= lim.IdleTimeout {
				c.close(closeNormal, "idle: no operation for "+lim.IdleTimeout.String()+" (subscriptions.idle_timeout)")
				return
			}
			if !c.acked.Load() {
				continue
			}
			if ka := c.proto.keepAlive(); ka != nil && !c.send(ka) {
				return
			}
			pctx, cancel := context.WithTimeout(c.ctx, lim.KeepAlive)
			err := c.ws.Ping(pctx)
			cancel()
			if err != nil {
				if c.ctx.Err() == nil {
					c.close(closePolicy, "no answer to a ping within subscriptions.keep_alive")
				}
				return
			}
		}
	}
}

// idleFor is how long the connection has run no operation (0 while one runs).
func (c *wsConn) idleFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ops) > 0 {
		return 0
	}
	return time.Since(c.lastIdle)
}

// send queues msg; false when the connection is closing. A full queue
// drops the client (1008).
func (c *wsConn) send(msg []byte) bool {
	if c.ctx.Err() != nil {
		return false
	}
	select {
	case c.out <- msg:
		return true
	default:
	}
	c.close(closePolicy, c.s.subs.slowMessage())
	return false
}

// close closes the connection with code and reason (once: the first
// cause wins). Operations end (their contexts are done).
func (c *wsConn) close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.cancel()
		if len(reason) > 120 {
			reason = reason[:120] // a close frame's reason fits in 123 bytes
		}
		go func() {
			// Close waits for the client's close frame (at most 5s in
			// the library): never on the caller's goroutine.
			_ = c.ws.Close(code, reason)
		}()
	})
}

// setInit merges the connection_init payload into the operations' header.
// The payload must be an object, null or absent.
func (c *wsConn) setInit(payload json.RawMessage) error {
	if len(payload) == 0 || string(payload) == "null" {
		return nil
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(payload, &p); err != nil || p == nil {
		return errors.New("the connection_init payload must be an object")
	}
	hdr := c.header.Clone()
	set := func(name string, raw json.RawMessage) {
		var v string
		if json.Unmarshal(raw, &v) != nil || !validHeaderName(name) {
			return
		}
		hdr.Set(name, v)
	}
	// Sorted: the same payload gives the same header whatever the map order.
	for _, k := range sortedKeys(p) {
		if k != "headers" {
			set(k, p[k])
		}
	}
	if raw, ok := p["headers"]; ok {
		var hs map[string]json.RawMessage
		if json.Unmarshal(raw, &hs) == nil {
			for _, k := range sortedKeys(hs) {
				set(k, hs[k])
			}
		}
	}
	init, err := decodeObject(payload) // numbers stay json.Number
	if err != nil {
		return errors.New("the connection_init payload must be an object")
	}
	c.mu.Lock()
	c.header, c.initPayload = hdr, init
	c.mu.Unlock()
	return nil
}

// start runs operation id (its JSON) with req; false when the id is
// already running (the caller applies its protocol's rule). The
// operation's place on the connection and for the client are taken here:
// past a bound, the operation gets the limit error and does not run.
func (c *wsConn) start(id json.RawMessage, req *gateway.Request) bool {
	key := string(id)
	lim := c.s.subs.lim
	c.mu.Lock()
	if _, dup := c.ops[key]; dup {
		c.mu.Unlock()
		return false
	}
	if len(c.ops) >= lim.MaxPerConnection {
		c.mu.Unlock()
		c.send(c.proto.errors(id, gqlerror.List{limitError(
			"too many operations on this connection (subscriptions.max_per_connection " + itoa(lim.MaxPerConnection) + ")")}))
		return true
	}
	if err := c.s.subs.reserve(c.ip); err != nil {
		c.mu.Unlock()
		c.send(c.proto.errors(id, gqlerror.List{err}))
		return true
	}
	ctx, cancel := context.WithCancel(c.ctx)
	op := &wsOp{cancel: cancel}
	c.ops[key] = op
	req.Header, req.InitPayload = c.header, c.initPayload
	c.opsWG.Add(1)
	c.mu.Unlock()
	go c.run(ctx, id, op, req)
	return true
}

// stop ends operation id (the client completed or stopped it); false when
// it was not running.
func (c *wsConn) stop(id json.RawMessage) bool {
	c.mu.Lock()
	op, ok := c.ops[string(id)]
	if ok {
		delete(c.ops, string(id))
		c.lastIdle = time.Now()
	}
	c.mu.Unlock()
	if ok {
		op.cancel()
	}
	return ok
}

// finish removes op (if it is still id's) and reports whether it was:
// false means the client stopped it and nothing more may be sent for it.
func (c *wsConn) finish(id json.RawMessage, op *wsOp) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ops[string(id)] != op {
		return false
	}
	delete(c.ops, string(id))
	c.lastIdle = time.Now()
	return true
}

// run executes one operation and sends its messages: for a subscription
// one next per event then complete, for a query or mutation one next then
// complete; a request that failed before execution (no data) gets the
// protocol's error message.
func (c *wsConn) run(ctx context.Context, id json.RawMessage, op *wsOp, req *gateway.Request) {
	defer c.opsWG.Done()
	defer c.s.subs.unreserve(c.ip)
	defer op.cancel()
	req.AcceptSubscription = true
	resp := c.s.serveOp(ctx, req)
	if resp.Events == nil {
		var msg []byte
		if resp.Data == nil && len(resp.Errors) > 0 {
			msg = c.proto.errors(id, resp.Errors)
		} else {
			msg = c.proto.next(id, c.s.encodeEvent(ctx, resp))
		}
		ok := resp.Data != nil || len(resp.Errors) == 0
		resp.Release()
		if c.finish(id, op) && c.send(msg) && ok {
			c.send(c.proto.complete(id))
		}
		return
	}
	res := c.s.pump(ctx, resp.Events, func(ev *gateway.Response) []byte {
		return c.proto.next(id, c.s.encodeEvent(ctx, ev))
	}, func(b []byte) bool {
		select {
		case c.out <- b:
			return true
		default:
			return false
		}
	})
	switch res {
	case pumpSlow:
		c.close(closePolicy, c.s.subs.slowMessage())
	case pumpPanic:
		c.close(closeInternal, "internal server error")
	default:
		if c.finish(id, op) && ctx.Err() == nil {
			c.send(c.proto.complete(id))
		}
	}
}

// originAllowed reports whether a WebSocket upgrade may come from r's
// Origin: none (not a browser), the server's own host, or one the CORS
// policy allows.
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	ok, _ := s.corsPolicy.allows(origin)
	return ok
}

// pickSubprotocol is the first supported subprotocol the client offers.
func pickSubprotocol(h http.Header) string {
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			switch p = strings.TrimSpace(p); p {
			case protoTransportWS, protoLegacyWS:
				return p
			}
		}
	}
	return ""
}

// upgradeHeader is the upgrade request's header without the WebSocket
// handshake's own entries (they mean nothing to a subgraph).
func upgradeHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Upgrade", "Connection", "Sec-Websocket-Key", "Sec-Websocket-Version",
		"Sec-Websocket-Protocol", "Sec-Websocket-Extensions"} {
		delete(out, k)
	}
	return out
}
