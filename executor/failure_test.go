package executor

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
)

// TestSubgraphFailures: inventory fails in many ways; the other branch's
// data survives, the fields inventory would fill are null, and one error
// names the subgraph with a code.
func TestSubgraphFailures(t *testing.T) {
	entBody := entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"1"}]`)
	tests := []struct {
		name   string
		setup  func(f *fakeSubgraph)
		answer string
		want   string
		// timeout is the inventory subgraph's; 0: 10 s, far above any
		// answer's time on a loaded machine (only the slow case is cut).
		timeout time.Duration
	}{{
		name:  "down",
		setup: func(f *fakeSubgraph) { f.srv.Close() },
		want:  `{"message":"HTTP fetch failed from subgraph \"inventory\": connection refused","path":["products"],"extensions":{"cause":"connection refused","code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}`,
	}, {
		name:   "500",
		setup:  func(f *fakeSubgraph) { f.status = 500 },
		answer: `{"data":{"_entities":[{"inStock":true}]}}`,
		want:   `{"message":"HTTP fetch failed from subgraph \"inventory\": 500 Internal Server Error","path":["products"],"extensions":{"cause":"status 500","code":"SUBREQUEST_HTTP_ERROR","http":{"status":500},"serviceName":"inventory"}}`,
	}, {
		name:   "garbage body",
		answer: `<html>oops</html>`,
		want:   `{"message":"subgraph \"inventory\" returned a malformed response","path":["products"],"extensions":{"cause":"malformed response: not a JSON object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}`,
	}, {
		name:   "truncated JSON",
		answer: `{"data":{"_entities":[{"inStock":tr`,
		want:   `{"message":"subgraph \"inventory\" returned a malformed response","path":["products"],"extensions":{"cause":"malformed response: invalid JSON: invalid literal at offset 33","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}`,
	}, {
		name:   "JSON but not GraphQL",
		answer: `{"ok":true}`,
		want:   `{"message":"subgraph \"inventory\" returned a malformed response","path":["products"],"extensions":{"cause":"malformed response: neither data nor errors","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}`,
	}, {
		name:   "wrong number of entities",
		answer: `{"data":{"_entities":[]}}`,
		want:   `{"message":"subgraph \"inventory\" returned a malformed response","path":["products"],"extensions":{"cause":"malformed response: _entities has 0 items for 1 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}`,
	}, {
		name:    "slow beyond timeout",
		setup:   func(f *fakeSubgraph) { f.delay = 10 * time.Second },
		timeout: 100 * time.Millisecond,
		answer:  `{"data":{"_entities":[{"inStock":true}]}}`,
		want:    `{"message":"request to subgraph \"inventory\" timed out","path":["products"],"extensions":{"cause":"timeout","code":"GATEWAY_TIMEOUT","serviceName":"inventory"}}`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			accounts := newFake(t, "accounts", map[string]string{`{"query":"{me{name}}"}`: `{"data":{"me":{"name":"Ada"}}}`})
			products := newFake(t, "products", map[string]string{
				`{"query":"{products{__typename upc}}"}`: `{"data":{"products":[{"__typename":"Product","upc":"1"}]}}`,
			})
			inventory := newFake(t, "inventory", map[string]string{entBody: tc.answer})
			sg := testSupergraph(t, accounts, products, inventory)
			if tc.setup != nil {
				tc.setup(inventory)
			}
			plan := &planner.Parallel{Nodes: []planner.Node{
				&planner.Fetch{Service: "accounts", Operation: `{me{name}}`},
				&planner.Sequence{Nodes: []planner.Node{
					&planner.Fetch{Service: "products", Operation: `{products{__typename upc}}`},
					&planner.Flatten{Path: []string{"products", "@"}, Node: &planner.Fetch{
						Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
						Operation: entitiesOp(`...on Product{inStock}`),
					}},
				}},
			}}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			ex := New(sg, WithSubgraphTimeout("inventory", timeout))
			start := time.Now()
			got := execute(t, ex, request(t, sg, `{ me { name } products { upc inStock } }`, nil, plan))
			if d := time.Since(start); d > 9*time.Second {
				t.Errorf("took %v", d)
			}
			want := `{"data":{"me":{"name":"Ada"},"products":[{"upc":"1","inStock":null}]},"errors":[` + tc.want + `]}`
			if got != want {
				t.Errorf("response\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestRootFetchFailure: a failed root fetch nulls its fields; a non-null
// one nulls data, with only the fetch error reported.
func TestRootFetchFailure(t *testing.T) {
	tests := []struct{ query, op, want string }{{
		`{ me { name } }`, `{me{name}}`,
		`{"data":{"me":null},"errors":[{"message":"HTTP fetch failed from subgraph \"accounts\": 503 Service Unavailable","extensions":{"cause":"status 503","code":"SUBREQUEST_HTTP_ERROR","http":{"status":503},"serviceName":"accounts"}}]}`,
	}, {
		`{ viewer { name } }`, `{viewer{name}}`,
		`{"data":null,"errors":[{"message":"HTTP fetch failed from subgraph \"accounts\": 503 Service Unavailable","extensions":{"cause":"status 503","code":"SUBREQUEST_HTTP_ERROR","http":{"status":503},"serviceName":"accounts"}}]}`,
	}}
	for _, tc := range tests {
		accounts := newFake(t, "accounts", map[string]string{`{"query":"` + tc.op + `"}`: `{}`})
		accounts.status = 503
		sg := testSupergraph(t, accounts)
		got := execute(t, New(sg), request(t, sg, tc.query, nil, &planner.Fetch{Service: "accounts", Operation: tc.op}))
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
}

// TestExecuteTimeout: the overall timeout bounds a hanging subgraph.
func TestExecuteTimeout(t *testing.T) {
	accounts := newFake(t, "accounts", map[string]string{`{"query":"{me{name}}"}`: `{"data":{"me":{"name":"Ada"}}}`})
	accounts.delay = 10 * time.Second
	sg := testSupergraph(t, accounts)
	ex := New(sg, WithTimeout(100*time.Millisecond))
	start := time.Now()
	got := execute(t, ex, request(t, sg, `{ me { name } }`, nil, &planner.Fetch{Service: "accounts", Operation: `{me{name}}`}))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	want := `{"data":{"me":null},"errors":[{"message":"the request timed out (the gateway's traffic.request_timeout) while waiting for subgraph \"accounts\"","extensions":{"cause":"request timeout","code":"GATEWAY_TIMEOUT","serviceName":"accounts"}}]}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

func TestHTTPClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			}
		case "/big":
			_, _ = w.Write(make([]byte, 2048))
		case "/404":
			http.NotFound(w, r)
		default:
			_, _ = w.Write([]byte(`{"data":{}}`))
		}
	}))
	defer srv.Close()
	c := NewHTTPClient(WithHTTPSubgraphTimeout("slow", 50*time.Millisecond), WithMaxResponseBytes(1024))
	ctx := context.Background()
	if body, err := c.Do(ctx, &SubgraphRequest{Service: "ok", URL: srv.URL + "/"}); err != nil || string(body) != `{"data":{}}` {
		t.Errorf("ok: %q %v", body, err)
	}
	if _, err := c.Do(ctx, &SubgraphRequest{Service: "slow", URL: srv.URL + "/slow"}); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: %v, want deadline exceeded", err)
	}
	if _, err := c.Do(ctx, &SubgraphRequest{Service: "big", URL: srv.URL + "/big"}); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("big: %v, want ErrResponseTooLarge", err)
	}
	_, err := c.Do(ctx, &SubgraphRequest{Service: "nf", URL: srv.URL + "/404"})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 404 || !errors.Is(err, ErrSubgraphStatus) {
		t.Errorf("404: %v", err)
	}
}

// TestHTTPClientChunkedAnswers: answers of unannounced length (chunked) are
// read through a pooled buffer; each answer returned is its own and stays
// intact while later answers, larger and smaller, are read concurrently.
func TestHTTPClientChunkedAnswers(t *testing.T) {
	body := func(n int) []byte {
		b := []byte(`{"data":{"s":"`)
		for i := range n {
			b = append(b, 'a'+byte(i%26))
		}
		return append(b, `"}}`...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		b := body(n)
		// Two writes with a flush between: no Content-Length, chunked.
		_, _ = w.Write(b[:len(b)/2])
		w.(http.Flusher).Flush()
		_, _ = w.Write(b[len(b)/2:])
	}))
	defer srv.Close()
	c := NewHTTPClient()
	sizes := []int{10, 100_000, 3, 40_000, 70_000, 1}
	got := make([][]byte, 0, 64)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for round := 0; round < 8; round++ {
		for _, n := range sizes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := c.Do(context.Background(), &SubgraphRequest{Service: "s", URL: srv.URL + "/?n=" + strconv.Itoa(n)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, b)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, b := range got {
		n := len(b) - len(`{"data":{"s":""}}`)
		if !bytes.Equal(b, body(n)) {
			t.Fatalf("answer of %d bytes changed: %.40q", len(b), b)
		}
	}
}
