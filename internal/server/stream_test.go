package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// openStream sends a GraphQL request with accept and returns the response
// (hang guard: 60s for the whole exchange).
func openStream(t *testing.T, method, u, accept, body string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequestWithContext(ctx, method, u, rd)
	req.Header.Set("Accept", accept)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// sseReader reads Server-Sent Events: comments are counted, events
// returned as event name and data.
type sseReader struct {
	sc       *bufio.Scanner
	comments int
}

func (r *sseReader) next(t *testing.T) (event, data string) {
	t.Helper()
	var lines []string
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case line == "":
			if event != "" || len(lines) > 0 {
				return event, strings.Join(lines, "\n")
			}
		case strings.HasPrefix(line, ":"):
			r.comments++
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data:"):
			lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
	t.Fatalf("stream ended: %v", r.sc.Err())
	return "", ""
}

func TestSSESubscription(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{KeepAlive: 20 * time.Millisecond})
	resp := openStream(t, "POST", ts.URL+"/graphql", "text/event-stream",
		`{"query":"subscription { reviewAdded { id } }"}`)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	st := h.next(t)
	if !st.req.AcceptSubscription || st.req.Header.Get("Accept") != "text/event-stream" {
		t.Errorf("request %+v", st.req)
	}
	r := &sseReader{sc: bufio.NewScanner(resp.Body)}
	// Keep-alive comments come while no event does.
	waitFor(t, "keep-alive comments", func() bool {
		st.send(t, `{"n":0}`)
		if ev, data := r.next(t); ev != "next" || data != `{"data":{"n":0}}` {
			t.Fatalf("event %q %q", ev, data)
		}
		return r.comments >= 3
	})
	st.send(t, `{"n":1}`)
	if ev, data := r.next(t); ev != "next" || data != `{"data":{"n":1}}` {
		t.Fatalf("event %q %q", ev, data)
	}
	close(st.events)
	if ev, _ := r.next(t); ev != "complete" {
		t.Fatalf("event %q, want complete", ev)
	}
}

func TestSSEGetQueryAndErrors(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{})
	// GET runs subscriptions (and queries) but never mutations.
	resp := openStream(t, "GET", ts.URL+"/graphql?query="+url.QueryEscape("subscription { x }"), "text/event-stream", "")
	st := h.next(t)
	if len(st.req.AllowedKinds) != 2 {
		t.Errorf("allowed kinds %v", st.req.AllowedKinds)
	}
	st.send(t, `{"x":1}`)
	r := &sseReader{sc: bufio.NewScanner(resp.Body)}
	if ev, data := r.next(t); ev != "next" || data != `{"data":{"x":1}}` {
		t.Fatalf("event %q %q", ev, data)
	}

	// A query: its result, then complete.
	resp = openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", `{"query":"{ ok }"}`)
	r = &sseReader{sc: bufio.NewScanner(resp.Body)}
	if ev, data := r.next(t); ev != "next" || data != `{"data":{"ok":true}}` {
		t.Fatalf("event %q %q", ev, data)
	}
	if ev, _ := r.next(t); ev != "complete" {
		t.Fatalf("event %q", ev)
	}
	// Failures before execution are plain JSON with their status.
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"query":"{ bad"}`, 422, "GRAPHQL_PARSE_FAILED"},
		{`{"query":"{ auth }"}`, 401, "UNAUTHENTICATED"},
		{`{"query":1}`, 422, "BAD_REQUEST"},
		{`[{"query":"{ ok }"}]`, 422, "BAD_REQUEST"},
	} {
		resp := openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", tc.body)
		var body struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != tc.status || len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.body, resp.StatusCode, body, tc.status, tc.code)
		}
	}
}

// multipartParts reads the parts of a multipart subscription response.
func multipartParts(t *testing.T, resp *http.Response) *multipart.Reader {
	t.Helper()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] != "graphql" || params["subscriptionspec"] != "1.0" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	return multipart.NewReader(resp.Body, "graphql")
}

// nextPart returns the next part's body that is not a heartbeat ({}),
// counting heartbeats; "" at the end.
func nextPart(t *testing.T, mr *multipart.Reader, heartbeats *int) string {
	t.Helper()
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		if p.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("part content type %q", p.Header.Get("Content-Type"))
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) == "{}" {
			*heartbeats++
			continue
		}
		return string(b)
	}
}

const acceptMultipartSub = `multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json`

func TestMultipartSubscription(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{KeepAlive: 20 * time.Millisecond})
	resp := openStream(t, "POST", ts.URL+"/graphql", acceptMultipartSub, `{"query":"subscription { x }"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mr := multipartParts(t, resp)
	st := h.next(t)
	hb := 0
	waitFor(t, "heartbeats", func() bool {
		st.send(t, `{"x":0}`)
		if got := nextPart(t, mr, &hb); got != `{"payload":{"data":{"x":0}}}` {
			t.Fatalf("part %s", got)
		}
		return hb >= 3
	})
	st.events <- &gateway.Response{Data: json.RawMessage(`{"x":null}`), Errors: nil}
	if got := nextPart(t, mr, &hb); got != `{"payload":{"data":{"x":null}}}` {
		t.Fatalf("part %s", got)
	}
	close(st.events)
	if got := nextPart(t, mr, &hb); got != "" {
		t.Fatalf("after the end: %s", got)
	}

	// A query with the subscription Accept: one payload, then the end.
	resp = openStream(t, "POST", ts.URL+"/graphql", acceptMultipartSub, `{"query":"{ ok }"}`)
	mr = multipartParts(t, resp)
	if got := nextPart(t, mr, &hb); got != `{"payload":{"data":{"ok":true}}}` {
		t.Fatalf("part %s", got)
	}
	if got := nextPart(t, mr, &hb); got != "" {
		t.Fatalf("after the end: %s", got)
	}
	// A validation error: plain JSON.
	resp = openStream(t, "POST", ts.URL+"/graphql", acceptMultipartSub, `{"query":"{ bad"}`)
	if resp.StatusCode != 422 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("validation error: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Without subscriptionSpec the defer format is not a subscription one:
	// the subscription is refused by the handler.
	resp = openStream(t, "POST", ts.URL+"/graphql", "multipart/mixed;deferSpec=20220824,application/json", `{"query":"subscription { x }"}`)
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "SUBSCRIPTION_NOT_SUPPORTED") {
		t.Errorf("defer Accept: %s", b)
	}
}

// Shutdown ends the streams: multipart with a SHUTTING_DOWN error, SSE by
// closing (no complete).
func TestStreamsShutdown(t *testing.T) {
	h, s, ts := newSubServer(t, Subscriptions{})
	mp := openStream(t, "POST", ts.URL+"/graphql", acceptMultipartSub, `{"query":"subscription { x }"}`)
	mpStream := h.next(t)
	sse := openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", `{"query":"subscription { x }"}`)
	sseStream := h.next(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if n := s.CloseSubscriptions(ctx); n != 0 {
		t.Fatalf("%d streams still open", n)
	}
	mpStream.ended(t)
	sseStream.ended(t)
	hb := 0
	if got := nextPart(t, multipartParts(t, mp), &hb); got != `{"payload":null,"errors":[{"message":"the server is shutting down","extensions":{"code":"SHUTTING_DOWN"}}]}` {
		t.Errorf("multipart at shutdown: %s", got)
	}
	b, _ := io.ReadAll(sse.Body)
	if strings.Contains(string(b), "complete") {
		t.Errorf("SSE at shutdown: %q", b)
	}
	resp := openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", `{"query":"subscription { x }"}`)
	if resp.StatusCode != 503 {
		t.Errorf("a stream after shutdown: %d", resp.StatusCode)
	}
}

// A stream whose client does not read is cut and its subscription ends.
func TestStreamSlowClient(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{QueueSize: 2, WriteTimeout: time.Second})
	resp := openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", `{"query":"subscription { big }"}`)
	_ = resp // never read
	st := h.next(t)
	st.pushUntilDropped(t)
}

func TestStreamPerClientLimit(t *testing.T) {
	h, _, ts := newSubServer(t, Subscriptions{MaxPerClient: 1})
	openStream(t, "POST", ts.URL+"/graphql", "text/event-stream", `{"query":"subscription { x }"}`)
	h.next(t)
	resp := openStream(t, "POST", ts.URL+"/graphql", acceptMultipartSub, `{"query":"subscription { x }"}`)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || !strings.Contains(string(b), "subscriptions.max_per_client 1") || !strings.Contains(string(b), codeSubscriptionLimit) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}
