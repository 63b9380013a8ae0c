package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestLegacyWS(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{})
	c := dialWS(t, ts, protoLegacyWS, nil)
	if c.c.Subprotocol() != protoLegacyWS {
		t.Fatalf("subprotocol %q", c.c.Subprotocol())
	}
	// Before connection_init: an error for the operation, not a close.
	c.send(`{"id":"0","type":"start","payload":{"query":"subscription { x }"}}`)
	c.expect(`{"id":"0","type":"error","payload":[{"message":"send connection_init before start","extensions":{"code":"BAD_REQUEST"}}]}`)
	c.send(`{"type":"connection_init","payload":{"authToken":"abc","Authorization":"Bearer good"}}`)
	c.expect(`{"type":"connection_ack"}`)

	c.send(`{"id":"1","type":"start","payload":{"query":"subscription { x }","operationName":null}}`)
	st := h.next(t)
	if st.req.Header.Get("Authorization") != "Bearer good" || st.req.Header.Get("Authtoken") != "abc" {
		t.Errorf("header %v", st.req.Header)
	}
	st.send(t, `{"x":1}`)
	c.expect(`{"id":"1","type":"data","payload":{"data":{"x":1}}}`)
	close(st.events)
	c.expect(`{"id":"1","type":"complete"}`)

	// stop: the subscription ends and is completed.
	c.send(`{"id":"2","type":"start","payload":{"query":"subscription { x }"}}`)
	st = h.next(t)
	c.send(`{"id":"2","type":"stop"}`)
	st.ended(t)
	c.expect(`{"id":"2","type":"complete"}`)

	// A start with a running id replaces that operation.
	c.send(`{"id":"3","type":"start","payload":{"query":"subscription { x }"}}`)
	old := h.next(t)
	c.send(`{"id":"3","type":"start","payload":{"query":"subscription { y }"}}`)
	old.ended(t)
	st = h.next(t)
	st.send(t, `{"y":1}`)
	c.expect(`{"id":"3","type":"data","payload":{"data":{"y":1}}}`)

	// Queries, errors, malformed messages.
	c.send(`{"id":"4","type":"start","payload":{"query":"{ ok }"}}`)
	c.expect(`{"id":"4","type":"data","payload":{"data":{"ok":true}}}`)
	c.expect(`{"id":"4","type":"complete"}`)
	c.send(`{"id":"5","type":"start","payload":{"query":"{ bad"}}`)
	c.expect(`{"id":"5","type":"error","payload":[{"message":"Expected Name, found <EOF>","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`)
	c.send(`nope`)
	c.expect(`{"type":"error","payload":[{"message":"Message must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`)
	c.send(`{"id":"6","type":"unknown"}`)
	c.expect(`{"id":"6","type":"error","payload":[{"message":"Invalid message type \"unknown\"","extensions":{"code":"BAD_REQUEST"}}]}`)

	c.send(`{"type":"connection_terminate"}`)
	if code, _ := c.closed(); code != websocket.StatusNormalClosure {
		t.Errorf("terminate closed with %d", code)
	}
	st.ended(t)
}

func TestWSKeepAliveAndIdle(t *testing.T) {
	_, _, ts := newSubServer(t, Subscriptions{KeepAlive: 30 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	c := dialWS(t, ts, protoLegacyWS, nil)
	c.send(`{"type":"connection_init"}`)
	c.expect(`{"type":"connection_ack"}`)
	// ka after the ack, then every keep_alive: read raw to see them.
	kas := 0
	for kas < 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, b, err := c.c.Read(ctx)
		cancel()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(b) != `{"type":"ka"}` {
			t.Fatalf("got %s, want ka", b)
		}
		kas++
	}
	// No operation: closed once idle.
	code, reason := c.closed()
	if code != websocket.StatusNormalClosure || !strings.Contains(reason, "subscriptions.idle_timeout") {
		t.Errorf("idle close %d %q", code, reason)
	}

	tw := dialWS(t, ts, protoTransportWS, nil)
	tw.send(`{"type":"connection_init"}`)
	tw.expect(`{"type":"connection_ack"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	_, b, err := tw.c.Read(ctx)
	cancel()
	if err != nil || string(b) != `{"type":"ping"}` {
		t.Fatalf("keep-alive %s %v, want a ping", b, err)
	}
}

func TestWSLimits(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{MaxPerConnection: 2, MaxPerClient: 3})
	c := dialWS(t, ts, protoTransportWS, nil)
	c.send(`{"type":"connection_init"}`)
	c.expect(`{"type":"connection_ack"}`)
	for _, id := range []string{"a", "b"} {
		c.send(`{"id":"` + id + `","type":"subscribe","payload":{"query":"subscription { x }"}}`)
		h.next(t)
	}
	c.send(`{"id":"c","type":"subscribe","payload":{"query":"subscription { x }"}}`)
	c.expect(`{"id":"c","type":"error","payload":[{"message":"too many operations on this connection (subscriptions.max_per_connection 2)","extensions":{"code":"SUBSCRIPTION_LIMIT_EXCEEDED"}}]}`)

	// The client's third place goes to another socket; the fourth is refused.
	d := dialWS(t, ts, protoLegacyWS, nil)
	d.send(`{"type":"connection_init"}`)
	d.expect(`{"type":"connection_ack"}`)
	d.send(`{"id":"x","type":"start","payload":{"query":"subscription { x }"}}`)
	third := h.next(t)
	d.send(`{"id":"y","type":"start","payload":{"query":"subscription { x }"}}`)
	d.expect(`{"id":"y","type":"error","payload":[{"message":"too many subscriptions from this client (subscriptions.max_per_client 3)","extensions":{"code":"SUBSCRIPTION_LIMIT_EXCEEDED"}}]}`)
	// A place freed is usable again.
	d.send(`{"id":"x","type":"stop"}`)
	third.ended(t)
	d.expect(`{"id":"x","type":"complete"}`)
	d.send(`{"id":"y","type":"start","payload":{"query":"subscription { x }"}}`)
	h.next(t)
}

// A client that does not read lets its queue fill: it is dropped with
// 1008 and its subscription ends, instead of being buffered.
func TestWSSlowClientDropped(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{QueueSize: 2})
	c := dialWS(t, ts, protoTransportWS, nil)
	c.send(`{"type":"connection_init"}`)
	c.expect(`{"type":"connection_ack"}`)
	c.send(`{"id":"s","type":"subscribe","payload":{"query":"subscription { big }"}}`)
	st := h.next(t)
	// The client reads nothing from now on: the socket buffers fill, then
	// the queue.
	st.pushUntilDropped(t)
	code, reason := c.closed()
	if code != websocket.StatusPolicyViolation || !strings.Contains(reason, "subscriptions.queue_size") {
		t.Errorf("closed with %d %q, want 1008 naming subscriptions.queue_size", code, reason)
	}
}

// At shutdown every socket is closed with 1001 and its subscriptions end;
// new upgrades are refused.
func TestWSShutdown(t *testing.T) {
	h, s, ts := newSubServer(t, Subscriptions{})
	c := dialWS(t, ts, protoTransportWS, nil)
	c.send(`{"type":"connection_init"}`)
	c.expect(`{"type":"connection_ack"}`)
	c.send(`{"id":"s","type":"subscribe","payload":{"query":"subscription { x }"}}`)
	st := h.next(t)
	done := make(chan int)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		done <- s.CloseSubscriptions(ctx)
	}()
	if code, _ := c.closed(); code != websocket.StatusGoingAway {
		t.Errorf("closed with %d, want 1001", code)
	}
	st.ended(t)
	if n := <-done; n != 0 {
		t.Errorf("%d still open after CloseSubscriptions", n)
	}
	if c, err := dialWSErr(ts, protoTransportWS, http.Header{}); err == nil {
		c.CloseNow()
		t.Error("an upgrade was accepted after shutdown")
	}
}
