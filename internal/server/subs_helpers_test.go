package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// subHandler answers subscriptions at once with an event stream the test
// drives (a fakeStream per subscription, handed over on streams), and a
// few queries. It is what the subscription engine looks like from the
// transport: Response.Events yielding complete responses until the
// upstream ends or the context passed to Serve is done.
type subHandler struct {
	streams chan *fakeStream
}

type fakeStream struct {
	req    *gateway.Request
	events chan *gateway.Response
	done   chan struct{} // closed when the transport stopped iterating
	ctx    context.Context
}

func newSubHandler() *subHandler { return &subHandler{streams: make(chan *fakeStream, 64)} }

func (h *subHandler) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	q := strings.TrimSpace(req.Query)
	switch {
	case strings.HasPrefix(q, "subscription"):
		if !req.AcceptSubscription {
			return &gateway.Response{Errors: gqlerror.List{{Message: "no subscriptions here",
				Extensions: map[string]any{"code": "SUBSCRIPTION_NOT_SUPPORTED"}}}}
		}
		st := &fakeStream{req: req, events: make(chan *gateway.Response), done: make(chan struct{}), ctx: ctx}
		h.streams <- st
		return &gateway.Response{Events: func(yield func(*gateway.Response) bool) {
			defer close(st.done)
			for {
				select {
				case <-ctx.Done():
					return
				case ev, ok := <-st.events:
					if !ok || !yield(ev) {
						return
					}
				}
			}
		}}
	case q == "{ bad":
		return &gateway.Response{Errors: gqlerror.List{{Message: "Expected Name, found <EOF>",
			Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}}}
	case q == "{ auth }":
		if req.Header.Get("Authorization") != "Bearer good" {
			return &gateway.Response{Status: http.StatusUnauthorized, Errors: gqlerror.List{{Message: "bad token",
				Extensions: map[string]any{"code": "UNAUTHENTICATED"}}}}
		}
		return &gateway.Response{Data: json.RawMessage(`{"auth":"ok"}`)}
	default:
		return &gateway.Response{Data: json.RawMessage(`{"ok":true}`)}
	}
}

// next waits for the next subscription to start.
func (h *subHandler) next(t *testing.T) *fakeStream {
	t.Helper()
	select {
	case st := <-h.streams:
		return st
	case <-time.After(20 * time.Second):
		t.Fatal("no subscription started")
		return nil
	}
}

// send pushes one event (hang guard: the transport must take it).
func (st *fakeStream) send(t *testing.T, data string) {
	t.Helper()
	select {
	case st.events <- &gateway.Response{Data: json.RawMessage(data)}:
	case <-st.done:
		t.Fatal("the stream ended before the event was sent")
	case <-time.After(20 * time.Second):
		t.Fatal("the transport did not take the event")
	}
}

// ended waits until the transport stopped iterating.
func (st *fakeStream) ended(t *testing.T) {
	t.Helper()
	select {
	case <-st.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the subscription did not end")
	}
}

// newSubServer serves a subHandler with the given bounds.
func newSubServer(t *testing.T, lim Subscriptions, opts ...Option) (*subHandler, *Server, *httptest.Server) {
	t.Helper()
	h := newSubHandler()
	s := New(h, append([]Option{WithLogger(discardLogger()), WithSubscriptions(true, lim)}, opts...)...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return h, s, ts
}

// waitFor polls cond until it holds (hang guard 20s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pushUntilDropped pushes large events until the transport stops
// iterating (a client that does not read is dropped).
func (st *fakeStream) pushUntilDropped(t *testing.T) {
	t.Helper()
	big := json.RawMessage(`{"big":"` + strings.Repeat("x", 256<<10) + `"}`)
	deadline := time.After(60 * time.Second)
	for {
		select {
		case st.events <- &gateway.Response{Data: big}:
		case <-st.done:
			return
		case <-deadline:
			t.Fatal("the slow client was never dropped")
		}
	}
}
