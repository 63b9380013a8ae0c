package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// script is a graphql-transport-ws subgraph: after connection_init it
// acks (unless noAck), reads subscribe, then sends msgs in order and
// waits (answering pings unless mute) until the client goes.
type script struct {
	noAck bool
	mute  bool
	msgs  []string
	// header and init seen at the last connection.
	header chan http.Header
	init   chan string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{wsSubprotocol}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	_, b, err := c.Read(ctx)
	if err != nil {
		return
	}
	var m wsMessage
	_ = json.Unmarshal(b, &m)
	if s.header != nil {
		s.header <- r.Header.Clone()
		s.init <- string(m.Payload)
	}
	if s.noAck {
		_, _, _ = c.Read(ctx) // until the client gives up
		return
	}
	_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_ack"}`))
	if _, _, err := c.Read(ctx); err != nil { // subscribe
		return
	}
	for _, msg := range s.msgs {
		if c.Write(ctx, websocket.MessageText, []byte(msg)) != nil {
			return
		}
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		if !s.mute && strings.Contains(string(b), `"ping"`) {
			_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
		}
	}
}

func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func next(t *testing.T, s *Stream) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // hang guard
	defer cancel()
	ev, err := s.Next(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("no event within 30s (hang guard)")
	}
	return ev, err
}

func TestEventsThenComplete(t *testing.T) {
	sc := &script{msgs: []string{
		`{"id":"1","type":"ping"}`,
		`{"id":"1","type":"next","payload":{"data":{"a":1}}}`,
		`{"id":"1","type":"next","payload":{"data":{"a":2}}}`,
		`{"id":"1","type":"complete"}`,
	}, header: make(chan http.Header, 1), init: make(chan string, 1)}
	url := serve(t, sc)
	c := New(Options{})
	s, err := c.Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { a }",
		Header: http.Header{"X-Token": {"t1"}}, Init: json.RawMessage(`{"token":"t2"}`)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if h := <-sc.header; h.Get("X-Token") != "t1" {
		t.Errorf("upgrade header X-Token = %q", h.Get("X-Token"))
	}
	if p := <-sc.init; p != `{"token":"t2"}` {
		t.Errorf("init payload %s", p)
	}
	for i := 1; i <= 2; i++ {
		ev, err := next(t, s)
		if err != nil || string(ev) != fmt.Sprintf(`{"data":{"a":%d}}`, i) {
			t.Fatalf("event %d: %s %v", i, ev, err)
		}
	}
	if _, err := next(t, s); err != io.EOF { //nolint:errorlint // completion is io.EOF itself
		t.Fatalf("after complete: %v, want io.EOF", err)
	}
}

func TestRejected(t *testing.T) {
	url := serve(t, &script{msgs: []string{`{"id":"1","type":"error","payload":[{"message":"no such field"}]}`}})
	s, err := New(Options{}).Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { b }"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = next(t, s)
	var rej *Rejection
	if !errors.As(err, &rej) || !strings.Contains(string(rej.Errors), "no such field") {
		t.Fatalf("got %v, want a Rejection", err)
	}
}

func TestConnectTimeoutWithoutAck(t *testing.T) {
	url := serve(t, &script{noAck: true})
	_, err := New(Options{ConnectTimeout: 200 * time.Millisecond}).Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { a }"})
	if !errors.Is(err, ErrConnect) {
		t.Fatalf("got %v, want ErrConnect", err)
	}
}

func TestIdleUpstreamEnds(t *testing.T) {
	url := serve(t, &script{mute: true})
	s, err := New(Options{}).Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { a }", IdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := next(t, s); !errors.Is(err, ErrIdle) {
		t.Fatalf("got %v, want ErrIdle", err)
	}
}

func TestPongsKeepAQuietUpstreamAlive(t *testing.T) {
	url := serve(t, &script{})
	s, err := New(Options{}).Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { a }", IdleTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Three idle periods without an event: the pings (every third of the
	// idle bound) and their pongs keep it open. The bound is wide enough
	// for a loaded CI machine under -race to answer a ping in time.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want no event and no failure for three idle periods (pongs answer pings)", err)
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	var msgs []string
	for i := 0; i < 10; i++ {
		msgs = append(msgs, fmt.Sprintf(`{"id":"1","type":"next","payload":{"data":{"n":%d}}}`, i))
	}
	url := serve(t, &script{msgs: msgs})
	s, err := New(Options{}).Subscribe(context.Background(), &Upstream{Service: "a", URL: url, Query: "subscription { n }", Buffer: 2, BoundsKey: "subgraphs.a.subscriptions"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Read nothing until the stream has ended: the buffered events come
	// first, then ErrSlow.
	<-s.done
	var n int
	for {
		_, err := next(t, s)
		if err != nil {
			if !errors.Is(err, ErrSlow) || !strings.Contains(err.Error(), "subgraphs.a.subscriptions.buffer") {
				t.Fatalf("got %v, want ErrSlow naming the bound", err)
			}
			break
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d events before ErrSlow, want the 2 buffered", n)
	}
}
