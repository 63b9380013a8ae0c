package executor

import (
	"context"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
)

// TestLoaderPerRequestAndBatchKey: the entity lookups of one request go
// through one loader per batch key: two Flattens of the same subgraph and
// selection that are not ready together (one after the other) share the
// loader and make one call each, each with its own representations; a
// Flatten of another selection has its own loader. Every call is
// dispatched when its keys are queued (the loader's hour-long wait would
// otherwise hold the request past the test's deadline).
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
	if len(r.loaders) != 2 {
		t.Errorf("%d loaders, want 2 (one per batch key)", len(r.loaders))
	}
	if n := inventory.calls.Load(); n != 3 {
		t.Errorf("inventory called %d times, want 3", n)
	}
}
