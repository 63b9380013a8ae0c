package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// blockingSubgraph holds every request until its client gives up, and
// counts the requests it saw and those whose client cancelled them.
type blockingSubgraph struct {
	arrived   chan struct{}
	requests  atomic.Int32
	cancelled atomic.Int32
	release   chan struct{}
}

func newBlocking() *blockingSubgraph {
	return &blockingSubgraph{arrived: make(chan struct{}, 100), release: make(chan struct{})}
}

func (b *blockingSubgraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// (The server notices a client going away only once the body is read.)
	_, _ = io.Copy(io.Discard, r.Body)
	b.requests.Add(1)
	b.arrived <- struct{}{}
	select {
	case <-r.Context().Done():
		b.cancelled.Add(1)
	case <-b.release:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"me":{"id":"1"}}}`)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestAbandonedDedupedFetchIsCancelled: with both dedupe layers on, the
// shared subgraph request is cancelled once every client waiting for it
// has gone (it used to run on for the whole subgraph timeout).
func TestAbandonedDedupedFetchIsCancelled(t *testing.T) {
	for _, inbound := range []bool{true, false} {
		t.Run(fmt.Sprintf("inbound=%v", inbound), func(t *testing.T) {
			sub := newBlocking()
			gw := newTestGateway(t, sub, WithInboundDedupe(inbound), WithSubgraphDedupe(true))
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for i := 0; i < 5; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					gw.Serve(ctx, &Request{Query: `{ me { id } }`})
				}()
			}
			<-sub.arrived
			time.Sleep(50 * time.Millisecond) // let the others join the shared call
			cancel()
			wg.Wait()
			waitFor(t, "the subgraph request to be cancelled", func() bool { return sub.cancelled.Load() == 1 })
			if n := sub.requests.Load(); n != 1 {
				t.Errorf("%d subgraph requests, want 1 (deduplicated)", n)
			}
		})
	}
}

// TestDedupedFetchOutlivesSomeWaiters: callers that leave do not cancel
// the shared call while another still waits for it.
func TestDedupedFetchOutlivesSomeWaiters(t *testing.T) {
	var g flightGroup[string]
	started := make(chan struct{})
	finish := make(chan struct{})
	var sawCancel atomic.Bool
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	go g.do(leaderCtx, "k", func(ctx context.Context) string {
		close(started)
		select {
		case <-finish:
			return "v"
		case <-ctx.Done():
			sawCancel.Store(true)
			return ""
		}
	})
	<-started
	res := make(chan string, 1)
	go func() {
		v, shared, err := g.do(context.Background(), "k", nil)
		if err != nil || !shared {
			t.Errorf("follower: shared %v err %v", shared, err)
		}
		res <- v
	}()
	waitFor(t, "the follower to join", func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.m["k"] != nil && g.m["k"].waiters == 2
	})
	cancelLeader()
	time.Sleep(20 * time.Millisecond)
	if sawCancel.Load() {
		t.Fatal("the shared call was cancelled while a caller still waited")
	}
	close(finish)
	if v := <-res; v != "v" {
		t.Errorf("follower got %q", v)
	}
}

// TestGatewayDefaultRequestTimeout: a gateway built without a request
// timeout still bounds every execution by the executor's default (it used
// to pass 0 and leave `junction dev` without any bound).
func TestGatewayDefaultRequestTimeout(t *testing.T) {
	var left atomic.Int64
	srv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"me":{"id":"1"}}}`)
	})
	rec := clientFunc(func(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
		if dl, ok := ctx.Deadline(); ok {
			left.Store(int64(time.Until(dl)))
		} else {
			left.Store(-1)
		}
		return []byte(`{"data":{"me":{"id":"1"}}}`), nil
	})
	gw := newTestGateway(t, srv, WithClient(rec), WithSubgraphDedupe(false),
		WithSubgraphTimeouts(map[string]time.Duration{"accounts": time.Hour}))
	if r := gw.Serve(context.Background(), &Request{Query: `{ me { id } }`}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if l := time.Duration(left.Load()); l <= 0 || l > executor.DefaultTimeout {
		t.Errorf("subgraph request deadline %v away, want at most %v", l, executor.DefaultTimeout)
	}
}

// TestMaxResponseBytes: a response over limits.max_response_bytes is
// replaced by one error that names the limit.
func TestMaxResponseBytes(t *testing.T) {
	name := strings.Repeat("n", 2000)
	srv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"me":{"id":"1","name":%q}}}`, name)
	})
	q := &Request{Query: `{ me { id name } }`}
	if r := newTestGateway(t, srv, WithMaxResponseBytes(4000)).Serve(context.Background(), q); len(r.Errors) > 0 {
		t.Fatalf("under the limit: %v", r.Errors)
	}
	r := newTestGateway(t, srv, WithMaxResponseBytes(1000)).Serve(context.Background(), q)
	if r.Data != nil || len(r.Errors) != 1 {
		t.Fatalf("data %s errors %v", r.Data, r.Errors)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "RESPONSE_TOO_LARGE" || !strings.Contains(e.Message, "limits.max_response_bytes") {
		t.Errorf("error %v %v", e.Message, e.Extensions)
	}
}

// TestSubgraphURLsMustBeHTTP: a supergraph whose subgraph URL is not
// http(s) is refused at start and on reload, naming the subgraph; the
// state served before a refused reload keeps serving.
func TestSubgraphURLsMustBeHTTP(t *testing.T) {
	good := map[string]string{"accounts": "http://127.0.0.1:1/", "products": "http://127.0.0.1:1/",
		"reviews": "https://example.com/graphql", "inventory": "http://127.0.0.1:1/"}
	for _, bad := range []string{"not a url", "file:///etc/passwd", "ftp://x/", "http://"} {
		urls := map[string]string{}
		for k, v := range good {
			urls[k] = v
		}
		urls["products"] = bad
		sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(sg)
		if !errors.Is(err, ErrSubgraphURL) || !strings.Contains(err.Error(), `subgraph "products"`) {
			t.Errorf("New with %q: %v", bad, err)
		}
		okSG, _ := schema.ParseSupergraph(subgraphs.Supergraph(good))
		gw, err := New(okSG)
		if err != nil {
			t.Fatal(err)
		}
		if err := gw.Swap(sg); !errors.Is(err, ErrSubgraphURL) {
			t.Errorf("Swap with %q: %v", bad, err)
		}
		if gw.State().Supergraph.Version != okSG.Version {
			t.Error("a refused supergraph replaced the served one")
		}
	}
	// A config override is checked the same way.
	sg, _ := schema.ParseSupergraph(subgraphs.Supergraph(good))
	if _, err := New(sg, WithSubgraphURLs(map[string]string{"inventory": "unix:///tmp/x"})); !errors.Is(err, ErrSubgraphURL) {
		t.Errorf("override: %v", err)
	}
}
