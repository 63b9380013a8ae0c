package server

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
)

// An event stream over one HTTP response: Server-Sent Events (sse.go) and
// multipart subscriptions (multipart_sub.go) differ only in framing
// (streamFormat). The request is a GraphQL-over-HTTP POST, or a GET (which
// may run queries and subscriptions, never mutations). A request that
// fails before execution (no data: parse or validation errors, 401, 429…)
// is answered as plain application/json with its status; an operation
// that is not a subscription gets its one result, then the end.
//
// The events go through a queue of subscriptions.queue_size: the event
// source is never blocked by the client, and a client that lets the queue
// fill is cut (the response is aborted, the subscription ends). Each write
// has subscriptions.write_timeout; a heartbeat goes out every
// subscriptions.keep_alive. The stream holds one of the client's
// subscriptions.max_per_client places while it runs.

// streamFormat is the framing of an event stream.
type streamFormat struct {
	contentType string
	start       []byte                        // written first, flushing the headers
	event       func([]byte) []byte           // frames one result
	heartbeat   []byte                        // every keep_alive
	complete    []byte                        // the events ended
	fail        func(code, msg string) []byte // the stream ends on an error (nil: cut)
}

// serveStream serves one event-stream request in format f.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, f *streamFormat) {
	var (
		req   *gateway.Request
		batch []byte
		e     *requestError
	)
	switch {
	case s.csrfBlocked(r):
		e = s.csrfError()
	case r.Method == http.MethodGet:
		req, e = decodeGET(r.URL.Query())
		if req != nil {
			req.AllowedKinds = []ast.Operation{ast.Query, ast.Subscription}
		}
	default:
		req, batch, e = s.decodePOST(w, r)
		if batch != nil {
			e = badRequest("a batch cannot be answered as an event stream: send one operation")
		}
	}
	if e != nil {
		s.writeError(w, r, mediaJSON, e)
		return
	}
	h := s.subs
	if !h.enter() {
		s.writeError(w, r, mediaJSON, errShuttingDown)
		return
	}
	defer h.leave()
	ip := clientIP(r.RemoteAddr)
	if err := h.reserve(ip); err != nil {
		s.writeError(w, r, mediaJSON, &requestError{status: http.StatusTooManyRequests, code: codeSubscriptionLimit, message: err.Message})
		return
	}
	defer h.unreserve(ip)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(h.ctx, cancel)
	defer stop()

	req.Header = r.Header
	req.RemoteAddr = r.RemoteAddr
	req.ExposePlan = exposePlan(r.Header)
	req.AcceptSubscription = true
	resp := s.serveOp(ctx, req)
	if resp.Events == nil && resp.Data == nil {
		s.writeResponse(w, r, mediaJSON, resp)
		resp.Release()
		return
	}
	hd := w.Header()
	for k, vs := range resp.Header {
		hd[k] = vs
	}
	hd.Set("Content-Type", f.contentType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // proxies: do not buffer the stream
	hd.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	timeout := h.lim.WriteTimeout
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(timeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(f.start) {
		resp.Release()
		return
	}
	if resp.Events == nil {
		b := f.event(s.encodeEvent(ctx, resp))
		resp.Release()
		if write(b) {
			write(f.complete)
		}
		return
	}

	q := make(chan []byte, h.lim.QueueSize)
	var slow atomic.Bool
	done := make(chan pumpResult, 1)
	go func() {
		res := s.pump(ctx, resp.Events, func(ev *gateway.Response) []byte {
			return f.event(s.encodeEvent(ctx, ev))
		}, func(b []byte) bool {
			select {
			case q <- b:
				return true
			default:
				slow.Store(true)
				return false
			}
		})
		close(q)
		done <- res
	}()
	abandon := func() {
		cancel()
		for range q {
		}
		<-done
	}
	tick := time.NewTicker(h.lim.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case b, ok := <-q:
			if slow.Load() {
				abandon()
				// Cut the connection: the client must not mistake the end
				// of the stream for the end of the subscription.
				panic(http.ErrAbortHandler)
			}
			if ok {
				if !write(b) {
					abandon()
					return
				}
				continue
			}
			switch res := <-done; {
			case res == pumpPanic && f.fail != nil:
				write(f.fail(codeInternal, "internal server error"))
			case res == pumpPanic:
				panic(http.ErrAbortHandler)
			case h.ctx.Err() != nil && f.fail != nil:
				write(f.fail(codeShuttingDown, "the server is shutting down"))
			case ctx.Err() == nil:
				write(f.complete)
			}
			return
		case <-tick.C:
			if !write(f.heartbeat) {
				abandon()
				return
			}
		}
	}
}

// enter counts a stream or socket in, unless the server is shutting
// down (then false). Under the lock, so that no Add races
// CloseSubscriptions's Wait.
func (h *subHub) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx.Err() != nil {
		return false
	}
	h.wg.Add(1)
	h.open++
	return true
}

// leave counts a stream or socket out.
func (h *subHub) leave() {
	h.mu.Lock()
	h.open--
	h.mu.Unlock()
	h.wg.Done()
}
