package executor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// TestLoaderPerRequestAndBatchKey: Flattens that are not ready together
// (one after the other) coalesce nothing: two of the same subgraph and
// selection make one call each, each with its own representations, and a
// Flatten of another selection its own; none of them goes through a
// loader (the request met no round). Every call is sent as soon as its
// keys are known (a loader's hour-long wait would otherwise hold the
// request past the test's deadline).
func TestLoaderPerRequestAndBatchKey(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc} product(upc:\"3\"){__typename upc}}"}`: roundRoot,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"3"}]`): `{"data":{"_entities":[{"inStock":true},{"inStock":false}]}}`,
		entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"3"}]`):                                    `{"data":{"_entities":[{"inStock":false}]}}`,
		entitiesBody(`...on Product{weight}`, `[{"__typename":"Product","upc":"3"}]`):                                     `{"data":{"_entities":[{"weight":7}]}}`,
	})
	sg := testSupergraph(t, products, inventory)
	flat := func(sel string, path ...string) *planner.Flatten {
		return &planner.Flatten{Path: path, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(sel),
		}}
	}
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc} product(upc:"3"){__typename upc}}`},
		flat(`...on Product{inStock}`, "products", "@"),
		flat(`...on Product{inStock}`, "product"),
		flat(`...on Product{weight}`, "product"),
	}}
	req := request(t, sg, `{ products { upc inStock } product(upc: "3") { inStock weight } }`, nil, plan)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
	defer cancel()
	r := &run{ex: New(sg), req: req, root: &value{Kind: kindObject}}
	var sink errSink
	r.node(ctx, req.Plan.Root, &sink)
	res := r.shape(&sink)
	want := `{"products":[{"upc":"1","inStock":true},{"upc":"3","inStock":false}],"product":{"inStock":false,"weight":7}}`
	if string(res.Data) != want || len(res.Errors) > 0 {
		t.Fatalf("response\n got %s %v\nwant %s", res.Data, res.Errors, want)
	}
	if len(r.rounds) != 0 {
		t.Errorf("%d round loaders, want none (no round in the plan)", len(r.rounds))
	}
	if n := inventory.calls.Load(); n != 3 {
		t.Errorf("inventory called %d times, want 3", n)
	}
}

// TestRoundLoaderMemberOrder: a round's members queue themselves in its
// loader in whatever order they arrive; the one call sends their
// representations deduplicated in member order (member 0's product 3,
// then member 1's product 1), every time, and the request made one loader
// (for its one round).
func TestRoundLoaderMemberOrder(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc} product(upc:\"3\"){__typename upc}}"}`: roundRoot,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"3"},{"__typename":"Product","upc":"1"}]`): `{"data":{"_entities":[{"inStock":false},{"inStock":true}]}}`,
	})
	sg := testSupergraph(t, products, inventory)
	inv := func(path ...string) *planner.Flatten {
		return &planner.Flatten{Path: path, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock}`),
		}}
	}
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc} product(upc:"3"){__typename upc}}`},
		&planner.Parallel{Nodes: []planner.Node{inv("product"), inv("products", "@")}},
	}}
	req := request(t, sg, `{ products { upc inStock } product(upc: "3") { inStock } }`, nil, plan)
	want := `{"products":[{"upc":"1","inStock":true},{"upc":"3","inStock":false}],"product":{"inStock":false}}`
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
	defer cancel()
	for i := range 20 {
		r := &run{ex: New(sg), req: req, root: &value{Kind: kindObject}}
		var sink errSink
		r.node(ctx, req.Plan.Root, &sink)
		res := r.shape(&sink)
		if string(res.Data) != want || len(res.Errors) > 0 {
			t.Fatalf("run %d: response\n got %s %v\nwant %s", i, res.Data, res.Errors, want)
		}
		if len(r.rounds) != 1 {
			t.Fatalf("run %d: %d round loaders, want 1", i, len(r.rounds))
		}
	}
	if n := inventory.calls.Load(); n != 20 {
		t.Errorf("inventory called %d times in 20 requests, want 20", n)
	}
}

// panicClient answers the products root fetch and the inventory weight
// lookups, and panics on the inventory inStock lookup.
type panicClient struct{}

func (panicClient) Do(_ context.Context, req *SubgraphRequest) ([]byte, error) {
	body := string(req.Body)
	switch {
	case req.Service == "products":
		return []byte(roundRoot), nil
	case strings.Contains(body, "inStock"):
		panic("inventory client")
	case strings.Contains(body, `"representations":[{"__typename":"Product","upc":"3"},{"__typename":"Product","upc":"1"}]`):
		return []byte(`{"data":{"_entities":[{"weight":30},{"weight":10}]}}`), nil
	}
	return nil, fmt.Errorf("unexpected request %s", body)
}

// TestRoundMemberPanic: a panic in a round's call (here the subgraph
// client's) ends in the member that made the call; both members still go
// on to the next round of their branches (whose call succeeds), so no
// member waits for one that will never come.
func TestRoundMemberPanic(t *testing.T) {
	api := testSupergraph(t).API
	sg := &schema.Supergraph{API: api}
	for _, n := range []string{"inventory", "products"} {
		sg.Subgraphs = append(sg.Subgraphs, &schema.Subgraph{Name: n, URL: "mem://" + n})
	}
	inv := func(sel string, path ...string) *planner.Flatten {
		return &planner.Flatten{Path: path, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(sel),
		}}
	}
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc} product(upc:"3"){__typename upc}}`},
		&planner.Parallel{Nodes: []planner.Node{
			&planner.Sequence{Nodes: []planner.Node{inv(`...on Product{inStock}`, "product"), inv(`...on Product{weight}`, "product")}},
			&planner.Sequence{Nodes: []planner.Node{inv(`...on Product{inStock}`, "products", "@"), inv(`...on Product{weight}`, "products", "@")}},
		}},
	}}
	req := request(t, sg, `{ products { upc inStock weight } product(upc: "3") { inStock weight } }`, nil, plan)
	if rd, _ := plan.Nodes[1].(*planner.Parallel).Nodes[1].(*planner.Sequence).Nodes[1].(*planner.Flatten).Round(); rd == nil {
		t.Fatal("the weight lookups are not a round")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
	defer cancel()
	res := New(sg, WithClient(panicClient{})).Execute(ctx, req)
	want := `{"products":[{"upc":"1","inStock":null,"weight":10},{"upc":"3","inStock":null,"weight":30}],"product":{"inStock":null,"weight":30}}`
	if string(res.Data) != want {
		t.Errorf("data\n got %s\nwant %s", res.Data, want)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "internal error: inventory client") {
		t.Errorf("errors %v, want the one internal error", res.Errors)
	}
}
