package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// Subscriptions end to end: the demo subgraphs (reviews serves
// Subscription.reviewAdded over graphql-transport-ws, fired by addReview),
// the gateway, the server, and a real client of each transport.

const reviewAddedOp = `subscription { reviewAdded { id body author { id username name } product { upc name inStock } } }`

// subDemo serves the demo graph; it returns the gateway URL and the demo.
func subDemo(t *testing.T) (string, *subgraphs.Demo) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(gw))
	t.Cleanup(func() {
		srv.Close()
		demo.Close()
		cancel()
	})
	return srv.URL + "/graphql", demo
}

// postReview runs addReview on the reviews subgraph.
func postReview(t *testing.T, reviewsURL, upc, body, user string) {
	q, _ := json.Marshal(map[string]any{
		"query":     `mutation($u:String!,$b:String!){ addReview(upc:$u, body:$b){ id } }`,
		"variables": map[string]any{"u": upc, "b": body},
	})
	req, _ := http.NewRequest(http.MethodPost, reviewsURL, strings.NewReader(string(q)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-User-Id", user)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
}

// subClient is one transport's client: next returns the next event's
// whole response document ("" when the subscription completed).
type subClient interface {
	next(t *testing.T) string
}

// until adds "prime" reviews while waiting for the first event (the
// subgraph registers a subscription a moment after acknowledging it),
// then returns a next that skips the primes left.
func until(t *testing.T, c subClient, reviewsURL string) func() string {
	t.Helper()
	done := make(chan struct{})
	go func() {
		for {
			postReview(t, reviewsURL, "1", "prime", "1")
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	first := c.next(t)
	close(done)
	if first == "" {
		t.Fatal("completed before the first event")
	}
	return func() string {
		for {
			ev := c.next(t)
			if !strings.Contains(ev, `"body":"prime"`) {
				return ev
			}
		}
	}
}

type wsSub struct {
	c    *websocket.Conn
	next func(t *testing.T) string
}

func dialSub(t *testing.T, url, proto string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), &websocket.DialOptions{Subprotocols: []string{proto}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func wsRead(t *testing.T, c *websocket.Conn) map[string]json.RawMessage {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, b, err := c.Read(ctx)
		cancel()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if typ := string(m["type"]); typ != `"ka"` && typ != `"ping"` {
			return m
		}
	}
}

func wsWrite(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// wsClient subscribes over proto (graphql-transport-ws or graphql-ws).
type wsClient struct {
	c      *websocket.Conn
	nextTy string
}

func newWSClient(t *testing.T, url, proto string) subClient {
	c := dialSub(t, url, proto)
	wsWrite(t, c, `{"type":"connection_init","payload":{}}`)
	if m := wsRead(t, c); string(m["type"]) != `"connection_ack"` {
		t.Fatalf("no ack: %v", m)
	}
	start, nextTy := "subscribe", "next"
	if proto == "graphql-ws" {
		start, nextTy = "start", "data"
	}
	q, _ := json.Marshal(map[string]string{"query": reviewAddedOp})
	wsWrite(t, c, `{"id":"1","type":"`+start+`","payload":`+string(q)+`}`)
	return &wsClient{c: c, nextTy: nextTy}
}

func (w *wsClient) next(t *testing.T) string {
	t.Helper()
	m := wsRead(t, w.c)
	switch string(m["type"]) {
	case `"` + w.nextTy + `"`:
		return string(m["payload"])
	case `"complete"`:
		return ""
	}
	t.Fatalf("unexpected message %v", m)
	return ""
}

// sseClient subscribes with Accept: text/event-stream.
type sseClient struct{ sc *bufio.Scanner }

func newSSEClient(t *testing.T, url string) subClient {
	resp := streamPost(t, url, "text/event-stream")
	return &sseClient{sc: bufio.NewScanner(resp.Body)}
}

func (s *sseClient) next(t *testing.T) string {
	t.Helper()
	event, data := "", ""
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data += strings.TrimPrefix(line, "data: ")
		case line == "" && event == "next":
			return data
		case line == "" && event == "complete":
			return ""
		}
	}
	t.Fatalf("the stream ended without complete: %v", s.sc.Err())
	return ""
}

// multipartClient subscribes as Apollo Client does over HTTP.
type multipartClient struct{ mr *multipart.Reader }

func newMultipartClient(t *testing.T, url string) subClient {
	resp := streamPost(t, url, `multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json`)
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return &multipartClient{mr: multipart.NewReader(resp.Body, params["boundary"])}
}

func (m *multipartClient) next(t *testing.T) string {
	t.Helper()
	for {
		p, err := m.mr.NextPart()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		var part struct {
			Payload json.RawMessage
			Errors  json.RawMessage
		}
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatalf("part %s: %v", b, err)
		}
		if part.Errors != nil {
			return `{"transportErrors":` + string(part.Errors) + `}`
		}
		if part.Payload != nil {
			return string(part.Payload)
		}
	}
}

func streamPost(t *testing.T, url, accept string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	body, _ := json.Marshal(map[string]string{"query": reviewAddedOp})
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	return resp
}

var transports = []struct {
	name string
	open func(t *testing.T, url string) subClient
}{
	{"graphql-transport-ws", func(t *testing.T, url string) subClient { return newWSClient(t, url, "graphql-transport-ws") }},
	{"graphql-ws (legacy)", func(t *testing.T, url string) subClient { return newWSClient(t, url, "graphql-ws") }},
	{"sse", newSSEClient},
	{"multipart", newMultipartClient},
}

// Every transport delivers events completed with fields from three
// subgraphs (reviews, accounts, products and inventory).
func TestSubscriptionTransportsEndToEnd(t *testing.T) {
	url, demo := subDemo(t)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			next := until(t, tr.open(t, url), demo.URLs["reviews"])
			body := "hello over " + tr.name
			postReview(t, demo.URLs["reviews"], "2", body, "2")
			got := next()
			var ev struct {
				Data struct{ ReviewAdded struct{ ID string } }
			}
			if err := json.Unmarshal([]byte(got), &ev); err != nil || ev.Data.ReviewAdded.ID == "" {
				t.Fatalf("event %s", got)
			}
			want := fmt.Sprintf(`{"data":{"reviewAdded":{"id":%q,"body":%q,"author":{"id":"2","username":"@complete","name":"Alan Turing"},"product":{"upc":"2","name":"Couch","inStock":false}}}}`,
				ev.Data.ReviewAdded.ID, body)
			if got != want {
				t.Errorf("event\n got %s\nwant %s", got, want)
			}
		})
	}
}

// The subscribed subgraph going away mid-stream gives each client an
// error and the end of the subscription, not a hang.
func TestSubscriptionSubgraphGoneEndToEnd(t *testing.T) {
	url, demo := subDemo(t)
	var nexts []func() string
	for _, tr := range transports {
		nexts = append(nexts, until(t, tr.open(t, url), demo.URLs["reviews"]))
	}
	demo.Kill("reviews")
	for i, next := range nexts {
		got := next()
		if !strings.Contains(got, "SUBSCRIPTION_UPSTREAM_FAILED") || !strings.Contains(got, `"serviceName":"reviews"`) {
			t.Errorf("%s: last event %s, want a SUBSCRIPTION_UPSTREAM_FAILED error from reviews", transports[i].name, got)
		}
		if end := next(); end != "" {
			t.Errorf("%s: after the error: %s, want the end", transports[i].name, end)
		}
	}
}
