package reviews

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

// cyclicQuery nests product → reviews → product depth times under one
// product entity: each level multiplies the fields to resolve.
func cyclicQuery(depth int) string {
	sel := "upc"
	for range depth {
		sel = "upc reviews { body product { " + sel + " } }"
	}
	return `query { _entities(representations: [{__typename: "Product", upc: "1"}]) { ... on Product { ` + sel + ` } } }`
}

func postJSON(ctx context.Context, url, query string) (*http.Response, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

// A deep cyclic query is refused before any resolver runs, with gqlgen's
// complexity error; the gateway's own operations pass.
func TestCyclicQueryRefusedByComplexity(t *testing.T) {
	s := New()
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := postJSON(context.Background(), ts.URL, cyclicQuery(40))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var out gqltest.Response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d %s: %v", resp.StatusCode, raw, err)
	}
	if len(out.Errors) != 1 || !strings.Contains(string(raw), `"code":"COMPLEXITY_LIMIT_EXCEEDED"`) ||
		!strings.Contains(string(raw), "exceeds the limit of 100000") {
		t.Fatalf("the cyclic query: %d %s", resp.StatusCode, raw)
	}
	if n := s.Resolves(); n != 0 {
		t.Errorf("%d resolver calls for a refused query", n)
	}

	// Three levels of reviews (as the benchmark query's fetch has) pass.
	data := gqltest.Post(t, s, cyclicQuery(3), nil)
	if !strings.Contains(string(data), `"reviews":[{"body"`) {
		t.Errorf("a three-level query: %s", data)
	}
}

// A client that gives up stops the work: with no complexity limit, a deep
// cyclic query runs until its client disconnects, then the resolvers stop
// and the handler returns. Nothing is timed: the client's connection is
// closed from inside the 100th resolver call, then the test waits for the
// handler to return (the deadline is a hang guard only).
func TestAbandonedQueryStops(t *testing.T) {
	s := NewLimited(0)
	ts := httptest.NewServer(s)
	defer func() {
		if !t.Failed() { // Close waits for the handler: not for one that never ends
			ts.Close()
		}
	}()
	// user → reviews → author → reviews …: two reviews per user, so each
	// level doubles the calls; only ids, so that little is written.
	sel := "id"
	for range 40 {
		sel = "id reviews { author { " + sel + " } }"
	}
	query := `query { _entities(representations: [{__typename: "User", id: "1"}]) { ... on User { ` + sel + ` } } }`

	conns := make(chan net.Conn, 1)
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			conns <- c
		}
		return c, err
	}}}
	s.OnResolve(100, func() { (<-conns).Close() }) // the client disconnects mid-request
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := client.Post(ts.URL, "application/json", bytes.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the 40-level cyclic query answered: it should outlast its client")
	}
	guard := time.Now().Add(2 * time.Minute)
	for s.Active() > 0 {
		if time.Now().After(guard) {
			t.Fatalf("hang guard: the subgraph kept resolving after its client left (%d resolver calls)", s.Resolves())
		}
		time.Sleep(time.Millisecond)
	}
	n := s.Resolves()
	t.Logf("%d resolver calls before the work stopped", n)

	// The server still answers normally, and the counter moves only for it.
	data := gqltest.Post(t, s, cyclicQuery(1), nil)
	if !strings.Contains(string(data), `"reviews":[{"body"`) {
		t.Errorf("a query after the abandoned one: %s", data)
	}
	if after := s.Resolves(); after != n+2 { // _entities and one Product.reviews
		t.Errorf("resolver calls went from %d to %d for a one-level query", n, after)
	}
}
