package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a real WebSocket client (coder/websocket) speaking one of
// the two protocols.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, ts *httptest.Server, proto string, hdr http.Header) *wsClient {
	t.Helper()
	c, err := dialWSErr(ts, proto, hdr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(8 << 20)
	return &wsClient{t: t, c: c}
}

func dialWSErr(ts *httptest.Server, proto string, hdr http.Header) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPHeader: hdr}
	if proto != "" {
		opts.Subprotocols = []string{proto}
	}
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql", opts)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return c, err
}

func (w *wsClient) send(msg string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		w.t.Fatalf("write %s: %v", msg, err)
	}
}

// read returns the next message that is not a keep-alive, as a map.
func (w *wsClient) read() map[string]any {
	w.t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, b, err := w.c.Read(ctx)
		cancel()
		if err != nil {
			w.t.Fatalf("read: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			w.t.Fatalf("message %s is not JSON: %v", b, err)
		}
		if m["type"] == "ka" || m["type"] == "ping" {
			continue
		}
		return m
	}
}

// expect reads the next message and checks it renders as want.
func (w *wsClient) expect(want string) {
	w.t.Helper()
	got, _ := json.Marshal(w.read())
	var wv any
	if err := json.Unmarshal([]byte(want), &wv); err != nil {
		w.t.Fatalf("bad want %s: %v", want, err)
	}
	wb, _ := json.Marshal(wv)
	if string(got) != string(wb) {
		w.t.Fatalf("message:\n got %s\nwant %s", got, wb)
	}
}

// closed reads until the server closes and returns the close status and reason.
func (w *wsClient) closed() (websocket.StatusCode, string) {
	w.t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, _, err := w.c.Read(ctx)
		cancel()
		if err != nil {
			var ce websocket.CloseError
			if ok := asCloseError(err, &ce); ok {
				return ce.Code, ce.Reason
			}
			w.t.Fatalf("connection ended without a close frame: %v", err)
		}
	}
}

func asCloseError(err error, ce *websocket.CloseError) bool { return errors.As(err, ce) }

func TestTransportWSSubscription(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{})
	c := dialWS(t, ts, protoTransportWS, http.Header{"X-Upgrade": {"u"}, "Authorization": {"Bearer upgrade"}})
	if c.c.Subprotocol() != protoTransportWS {
		t.Fatalf("subprotocol %q", c.c.Subprotocol())
	}
	c.send(`{"type":"connection_init","payload":{"Authorization":"Bearer good","headers":{"x-tenant":"t1"},"n":1}}`)
	c.expect(`{"type":"connection_ack"}`)
	c.send(`{"type":"ping"}`)
	c.expect(`{"type":"pong"}`)

	c.send(`{"id":"s1","type":"subscribe","payload":{"query":"subscription { reviewAdded { id } }","variables":{"a":1}}}`)
	st := h.next(t)
	if got := st.req.Header.Get("Authorization"); got != "Bearer good" {
		t.Errorf("Authorization %q: the init payload should override the upgrade header", got)
	}
	if st.req.Header.Get("X-Tenant") != "t1" || st.req.Header.Get("X-Upgrade") != "u" || st.req.Header.Get("Sec-Websocket-Key") != "" {
		t.Errorf("header %v", st.req.Header)
	}
	if fmt.Sprint(st.req.InitPayload) != "map[Authorization:Bearer good headers:map[x-tenant:t1] n:1]" {
		t.Errorf("init payload %v", st.req.InitPayload)
	}
	if st.req.Variables["a"] == nil || !st.req.AcceptSubscription {
		t.Errorf("request %+v", st.req)
	}
	st.send(t, `{"reviewAdded":{"id":"1"}}`)
	c.expect(`{"id":"s1","type":"next","payload":{"data":{"reviewAdded":{"id":"1"}}}}`)
	st.send(t, `{"reviewAdded":{"id":"2"}}`)
	c.expect(`{"id":"s1","type":"next","payload":{"data":{"reviewAdded":{"id":"2"}}}}`)
	close(st.events) // the upstream ends
	c.expect(`{"id":"s1","type":"complete"}`)

	// Queries run over the socket too; the init payload's token is used.
	c.send(`{"id":"q1","type":"subscribe","payload":{"query":"{ auth }"}}`)
	c.expect(`{"id":"q1","type":"next","payload":{"data":{"auth":"ok"}}}`)
	c.expect(`{"id":"q1","type":"complete"}`)
	// A request that fails before execution: error, no complete.
	c.send(`{"id":"q2","type":"subscribe","payload":{"query":"{ bad"}}`)
	c.expect(`{"id":"q2","type":"error","payload":[{"message":"Expected Name, found <EOF>","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`)
	// The id of a finished operation can be used again.
	c.send(`{"id":"s1","type":"subscribe","payload":{"query":"subscription { x }"}}`)
	st = h.next(t)
	// The client completes: the subscription ends, nothing more is sent for it.
	c.send(`{"id":"s1","type":"complete"}`)
	st.ended(t)
	c.send(`{"id":"q3","type":"subscribe","payload":{"query":"{ ok }"}}`)
	c.expect(`{"id":"q3","type":"next","payload":{"data":{"ok":true}}}`)
	c.expect(`{"id":"q3","type":"complete"}`)
}

func TestTransportWSUpgradeHeaderAuth(t *testing.T) {
	_, _, ts := newSubServer(t, Subscriptions{})
	c := dialWS(t, ts, protoTransportWS, http.Header{"Authorization": {"Bearer good"}})
	c.send(`{"type":"connection_init"}`)
	c.expect(`{"type":"connection_ack"}`)
	c.send(`{"id":"1","type":"subscribe","payload":{"query":"{ auth }"}}`)
	c.expect(`{"id":"1","type":"next","payload":{"data":{"auth":"ok"}}}`)
	c.expect(`{"id":"1","type":"complete"}`)

	bad := dialWS(t, ts, protoTransportWS, nil)
	bad.send(`{"type":"connection_init","payload":{"authorization":"Bearer wrong"}}`)
	bad.expect(`{"type":"connection_ack"}`)
	bad.send(`{"id":"1","type":"subscribe","payload":{"query":"{ auth }"}}`)
	bad.expect(`{"id":"1","type":"error","payload":[{"message":"bad token","extensions":{"code":"UNAUTHENTICATED"}}]}`)
}

func TestTransportWSCloseCodes(t *testing.T) {
	_, _, ts := newSubServer(t, Subscriptions{InitTimeout: 300 * time.Millisecond})
	init := `{"type":"connection_init"}`
	sub := `{"id":"a","type":"subscribe","payload":{"query":"subscription { x }"}}`
	for _, tc := range []struct {
		name string
		msgs []string
		code websocket.StatusCode
		want string
	}{
		{"not JSON", []string{init, `{nope`}, 4400, "Invalid message received"},
		{"unknown type", []string{init, `{"type":"hello"}`}, 4400, `unknown type "hello"`},
		{"subscribe without id", []string{init, `{"type":"subscribe","payload":{"query":"{ ok }"}}`}, 4400, "string id"},
		{"numeric id", []string{init, `{"id":1,"type":"subscribe","payload":{"query":"{ ok }"}}`}, 4400, "string id"},
		{"no payload", []string{init, `{"id":"a","type":"subscribe"}`}, 4400, "payload object"},
		{"query not a string", []string{init, `{"id":"a","type":"subscribe","payload":{"query":1}}`}, 4400, "query parameter must be a string"},
		{"init payload not an object", []string{`{"type":"connection_init","payload":"x"}`}, 4400, "must be an object"},
		{"subscribe before init", []string{sub}, 4401, "Unauthorized"},
		{"init timeout", nil, 4408, "Connection initialisation timeout"},
		{"subscriber exists", []string{init, sub, sub}, 4409, "Subscriber for a already exists"},
		{"two inits", []string{init, init}, 4429, "Too many initialisation requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialWS(t, ts, protoTransportWS, nil)
			for _, m := range tc.msgs {
				c.send(m)
			}
			code, reason := c.closed()
			if code != tc.code || !strings.Contains(reason, tc.want) {
				t.Errorf("closed with %d %q, want %d %q", code, reason, tc.code, tc.want)
			}
		})
	}
}

func TestTransportWSRefusedUpgrades(t *testing.T) {
	_, _, ts := newSubServer(t, Subscriptions{}, WithCORSOrigins("https://app.example.com"))
	for _, tc := range []struct {
		name   string
		proto  string
		origin string
		ok     bool
	}{
		{"no subprotocol", "", "", false},
		{"unknown subprotocol", "graphql-whatever", "", false},
		{"foreign origin", protoTransportWS, "https://evil.example.net", false},
		{"allowed origin", protoTransportWS, "https://app.example.com", true},
		{"same origin", protoTransportWS, ts.URL, true},
		{"no origin (not a browser)", protoLegacyWS, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.origin != "" {
				hdr.Set("Origin", tc.origin)
			}
			c, err := dialWSErr(ts, tc.proto, hdr)
			if tc.ok != (err == nil) {
				t.Fatalf("dial error %v, want ok=%v", err, tc.ok)
			}
			if c != nil {
				c.CloseNow()
			}
		})
	}
	// The refusal is a GraphQL error naming the config key.
	req, _ := http.NewRequest("GET", ts.URL+"/graphql", nil)
	for k, v := range map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": protoTransportWS, "Origin": "https://evil.example.net"} {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 403 || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != codeForbiddenOrigin ||
		!strings.Contains(body.Errors[0].Message, "cors.allow_origins") {
		t.Errorf("foreign origin: %d %+v", resp.StatusCode, body)
	}
}

func TestWSDisabled(t *testing.T) {
	s := New(newSubHandler(), WithLogger(discardLogger()), WithSubscriptions(false, Subscriptions{}))
	ts := httptest.NewServer(s)
	defer ts.Close()
	if c, err := dialWSErr(ts, protoTransportWS, nil); err == nil {
		c.CloseNow()
		t.Fatal("upgrade accepted with subscriptions off")
	}
}
