package traffic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// flaky is a subgraph that fails the requests fail says to fail, in the
// way how says: "503", "500" or "reset" (the connection is closed with no
// answer).
type flaky struct {
	n    atomic.Int64
	fail func(n int64) bool
	how  string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.n.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	if f.fail(n) {
		switch f.how {
		case "reset":
			c, _, _ := w.(http.Hijacker).Hijack()
			_ = c.Close()
		case "500":
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"data":{"ok":true}}`)
}

func do(t *testing.T, c executor.Client, url string, mutation bool) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &executor.SubgraphRequest{Service: "s", URL: url, Body: []byte(`{"query":"{ ok }"}`), Mutation: mutation})
	return err
}

func TestRetries(t *testing.T) {
	retry := Policy{Retry: Retry{MaxAttempts: 3, Backoff: time.Millisecond}}
	for _, tc := range []struct {
		name      string
		how       string
		failFirst int64
		mutation  bool
		wantCalls int64
		wantErr   bool
	}{
		{"503 then ok", "503", 1, false, 2, false},
		{"reset then ok", "reset", 1, false, 2, false},
		{"503 twice then ok", "503", 2, false, 3, false},
		{"503 beyond the attempts", "503", 5, false, 3, true},
		{"500 is not retried", "500", 1, false, 1, true},
		{"a mutation is never retried", "503", 1, true, 1, true},
		{"a reset mutation is never retried", "reset", 1, true, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &flaky{fail: func(n int64) bool { return n <= tc.failFirst }, how: tc.how}
			srv := httptest.NewServer(f)
			defer srv.Close()
			c := New(retry, nil).WrapClient(executor.NewHTTPClient())
			err := do(t, c, srv.URL, tc.mutation)
			if (err != nil) != tc.wantErr || f.n.Load() != tc.wantCalls {
				t.Fatalf("err %v, %d calls; want error %v, %d calls", err, f.n.Load(), tc.wantErr, tc.wantCalls)
			}
		})
	}
}

func TestRetryNeverOutlivesTheDeadline(t *testing.T) {
	f := &flaky{fail: func(int64) bool { return true }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := New(Policy{Retry: Retry{MaxAttempts: 10, Backoff: 400 * time.Millisecond}}, nil).WrapClient(executor.NewHTTPClient())
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, &executor.SubgraphRequest{Service: "s", URL: srv.URL, Body: []byte(`{}`)})
	if err == nil || time.Since(start) > 140*time.Millisecond || f.n.Load() != 1 {
		t.Fatalf("err %v after %v, %d calls: a backoff past the deadline must not be waited", err, time.Since(start), f.n.Load())
	}
}

func TestRetryBudget(t *testing.T) {
	f := &flaky{fail: func(int64) bool { return true }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	m := New(Policy{Retry: Retry{MaxAttempts: 2, Backoff: time.Millisecond, BudgetRatio: 0.1, MinPerSecond: 1}}, nil)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	c := m.WrapClient(executor.NewHTTPClient())
	// The budget starts with MinPerSecond tokens (1) and each request adds
	// 0.1: 20 failing requests may retry 1 + 20*0.1 = 3 times at most.
	for range 20 {
		_ = do(t, c, srv.URL, false)
	}
	if got := f.n.Load(); got < 21 || got > 23 {
		t.Fatalf("%d calls for 20 requests: the budget allows 1 to 3 retries", got)
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	var healthy atomic.Bool
	// Fails half its requests until healthy.
	f := &flaky{fail: func(n int64) bool { return !healthy.Load() && n%2 == 0 }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	m := New(Policy{Breaker: Breaker{Enabled: true, ErrorRate: 0.5, MinRequests: 10, Window: 10 * time.Second, OpenFor: 5 * time.Second}}, nil)
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	m.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := m.WrapClient(executor.NewHTTPClient())
	for range 10 {
		_ = do(t, c, srv.URL, false)
	}
	sent := f.n.Load()
	if sent != 10 {
		t.Fatalf("%d requests sent before the breaker could open", sent)
	}
	// Open: refused at once, nothing sent.
	for range 5 {
		if err := do(t, c, srv.URL, false); !errors.Is(err, executor.ErrCircuitOpen) {
			t.Fatalf("open breaker: %v", err)
		}
	}
	if f.n.Load() != sent {
		t.Fatal("an open breaker let a request through")
	}
	// Half-open after OpenFor: one probe; it fails (request 12 is even),
	// so the breaker opens again.
	advance(5 * time.Second)
	f.n.Store(11)
	if err := do(t, c, srv.URL, false); err == nil || errors.Is(err, executor.ErrCircuitOpen) {
		t.Fatalf("probe: %v", err)
	}
	if err := do(t, c, srv.URL, false); !errors.Is(err, executor.ErrCircuitOpen) {
		t.Fatalf("after a failed probe: %v", err)
	}
	// The subgraph recovers: the next probe closes the breaker.
	healthy.Store(true)
	advance(5 * time.Second)
	for i := range 5 {
		if err := do(t, c, srv.URL, false); err != nil {
			t.Fatalf("request %d after recovery: %v", i, err)
		}
	}
}

func TestBreakerWindowForgets(t *testing.T) {
	f := &flaky{fail: func(n int64) bool { return n <= 9 }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	m := New(Policy{Breaker: Breaker{Enabled: true, MinRequests: 10, Window: 10 * time.Second}}, nil)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	c := m.WrapClient(executor.NewHTTPClient())
	for range 9 {
		_ = do(t, c, srv.URL, false)
	}
	now = now.Add(11 * time.Second) // the nine failures leave the window
	for range 10 {
		if err := do(t, c, srv.URL, false); err != nil {
			t.Fatalf("old failures opened the breaker: %v", err)
		}
	}
}

// TestBreakerThroughTheGateway: the demo graph with inventory failing half
// its requests: once its breaker is open, inventory's fields answer null
// with a clear error at once, and the other subgraphs keep answering.
func TestBreakerThroughTheGateway(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	inv := subgraphs.NewServer("inventory")
	var n atomic.Int64
	flakyInv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		inv.ServeHTTP(w, r)
	}))
	defer flakyInv.Close()
	urls := map[string]string{}
	for k, v := range demo.URLs {
		urls[k] = v
	}
	urls["inventory"] = flakyInv.URL
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Policy{}, map[string]Policy{"inventory": {Breaker: Breaker{Enabled: true, MinRequests: 6, OpenFor: time.Hour}}})
	gw, err := gateway.New(sg, gateway.WithPlugins(m), gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	if err != nil {
		t.Fatal(err)
	}
	q := `{ topProducts(first: 1) { name inStock } }`
	for range 6 {
		gw.Serve(context.Background(), &gateway.Request{Query: q}).Release()
	}
	before := n.Load()
	r := gw.Serve(context.Background(), &gateway.Request{Query: q})
	got := string(r.Data)
	if got != `{"topProducts":[{"name":"Table","inStock":null}]}` || len(r.Errors) != 1 ||
		!strings.Contains(r.Errors[0].Message, `subgraph "inventory" is not being asked: its circuit breaker is open`) {
		t.Fatalf("data %s errors %v", got, r.Errors)
	}
	if n.Load() != before {
		t.Fatal("inventory was asked while its breaker is open")
	}
	if s := demo.Servers["products"].Requests(); s < 7 {
		t.Fatalf("products answered %d requests, want every one", s)
	}
}
