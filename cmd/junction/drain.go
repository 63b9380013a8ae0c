package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Why the drain does not simply call http.Server.Shutdown: Shutdown closes
// the listener (resetting connections the kernel queued but the server had
// not accepted yet), closes idle connections, and, once it has begun, drops
// without an answer any request it reads afterwards (net/http returns from
// the connection when it reads a request while shutting down). A client
// that connected a moment before, or sent its request on a keep-alive
// connection, loses that request. So the drain first makes every response
// close its connection, stops the listener without dropping its queue
// (quiesceListener), waits until every connection has been answered and
// closed (connTracker.settle), and only then calls Shutdown, which has
// nothing left to drop.

// newConnPatience is how long a connection that has sent nothing may stay
// open once the drain waits for connections to close: a client sends its
// request as soon as it has connected, so one still silent after this is
// idle (a preconnect, or a client that holds connections) and is closed.
// net/http's Shutdown waits as long for such a connection.
const newConnPatience = 5 * time.Second

// connTracker follows the server's connections (http.Server.ConnState).
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]connState
}

type connState struct {
	state http.ConnState
	since time.Time
}

func newConnTracker() *connTracker { return &connTracker{conns: map[net.Conn]connState{}} }

// hook is http.Server.ConnState. A hijacked connection (a WebSocket) is no
// longer the HTTP server's: its transport ends it.
func (t *connTracker) hook(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch s {
	case http.StateClosed, http.StateHijacked:
		delete(t.conns, c)
	default:
		t.conns[c] = connState{s, time.Now()}
	}
}

// settle waits until no connection is open, polling. Keep-alives must be
// off already (every response closes its connection). A connection idle
// between requests, or silent since it connected for newConnPatience, is
// closed; one with a request in flight is waited for, until ctx ends.
func (t *connTracker) settle(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		active := t.closeIdle(time.Now())
		if active == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d connections still open: %w", active, ctx.Err())
		case <-tick.C:
		}
	}
}

// closeIdle closes the idle connections and returns how many are left.
func (t *connTracker) closeIdle(now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, s := range t.conns {
		if s.state == http.StateIdle || (s.state == http.StateNew && now.Sub(s.since) >= newConnPatience) {
			_ = c.Close()
			delete(t.conns, c)
		}
	}
	return len(t.conns)
}
