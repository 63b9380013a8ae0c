package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// countingClient counts the subgraph requests and representations sent.
type countingClient struct {
	next executor.Client
	mu   sync.Mutex
	reqs map[string]int
	reps int
}

func (c *countingClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	c.mu.Lock()
	c.reqs[req.Service]++
	c.reps += strings.Count(string(req.Body), `"__typename":`)
	c.mu.Unlock()
	return c.next.Do(ctx, req)
}

// TestBenchmarkQuerySubgraphRequests: the benchmark query, answered
// exactly, costs 11 subgraph requests: the entity lookups of the users
// chain that fetch the same products (and then inventory) selection become
// ready in the same round and share one _entities call each (13 requests
// with one call per Flatten).
func TestBenchmarkQuerySubgraphRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	cc := &countingClient{next: executor.NewHTTPClient(), reqs: map[string]int{}}
	gw, err := gateway.New(sg, gateway.WithClient(cc), gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	if err != nil {
		t.Fatal(err)
	}
	expected, err := compactFile("../e2e/testdata/benchmark.json")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		cc.mu.Lock()
		cc.reqs, cc.reps = map[string]int{}, 0
		cc.mu.Unlock()
		resp := gw.Serve(ctx, &gateway.Request{Query: query})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if got := `{"data":` + string(resp.Data) + `}`; got != string(expected) {
			t.Fatalf("benchmark response differs from the golden file")
		}
		var names []string
		total := 0
		for s, n := range cc.reqs {
			names = append(names, fmt.Sprintf("%s=%d", s, n))
			total += n
		}
		sort.Strings(names)
		t.Logf("subgraph requests: %d (%s), representations: %d", total, strings.Join(names, " "), cc.reps)
		if total != 11 || cc.reqs["products"] != 3 || cc.reqs["inventory"] != 3 {
			t.Errorf("subgraph requests: %d (%s), want 11 (products=3, inventory=3)", total, strings.Join(names, " "))
		}
	}
}

// TestDeferredRoundSubgraphRequests: two sibling deferred fragments that
// need the same inventory selection start together and share one
// _entities call; each fragment is still delivered in its own payload.
func TestDeferredRoundSubgraphRequests(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	cc := &countingClient{next: executor.NewHTTPClient(), reqs: map[string]int{}}
	gw, err := gateway.New(sg, gateway.WithClient(cc), gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	if err != nil {
		t.Fatal(err)
	}
	const q = `{ topProducts { upc ... @defer(label: "a") { inStock } }
		users { reviews { product { upc ... @defer(label: "b") { inStock } } } } }`
	cc.mu.Lock()
	cc.reqs = map[string]int{}
	cc.mu.Unlock()
	resp := gw.Serve(ctx, &gateway.Request{Query: q, AcceptIncremental: true})
	if len(resp.Errors) > 0 || resp.Incremental == nil {
		t.Fatalf("errors %v, incremental %v", resp.Errors, resp.Incremental != nil)
	}
	labels := map[string]int{}
	for sub := range resp.Incremental {
		for _, inc := range sub.Incremental {
			if len(inc.Errors) > 0 || !strings.Contains(string(inc.Data), `"inStock":`) {
				t.Errorf("payload %s at %v: %s %v", inc.Label, inc.Path, inc.Data, inc.Errors)
			}
			labels[inc.Label]++
		}
	}
	if labels["a"] == 0 || labels["b"] == 0 {
		t.Errorf("payloads by label: %v, want both a and b", labels)
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if n := cc.reqs["inventory"]; n != 1 {
		t.Errorf("%d inventory requests, want 1 (one round)", n)
	}
}
