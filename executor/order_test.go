package executor

import (
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
)

// TestParallelWritesInPlanOrder: two Flattens of one Parallel write the
// same key (inStock) of the same object; the first in plan order answers
// slowly, so completion order alone would let it win. The prepared plan
// runs them in plan order, so the later one's value is always the answer.
func TestParallelWritesInPlanOrder(t *testing.T) {
	reps := `[{"__typename":"Product","upc":"3"}]`
	products := newFake(t, "products", map[string]string{
		`{"query":"{product(upc:\"3\"){__typename upc}}"}`: `{"data":{"product":{"__typename":"Product","upc":"3"}}}`,
	})
	slow := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{inStock}`, reps): `{"data":{"_entities":[{"inStock":true}]}}`,
	})
	slow.delay = 50 * time.Millisecond
	fast := newFake(t, "reviews", map[string]string{
		entitiesBody(`...on Product{inStock}`, reps): `{"data":{"_entities":[{"inStock":false}]}}`,
	})
	sg := testSupergraph(t, products, slow, fast)
	flatten := func(service string) *planner.Flatten {
		return &planner.Flatten{Path: []string{"product"}, Node: &planner.Fetch{
			Service: service, Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock}`),
		}}
	}
	for i := range 5 {
		par := &planner.Parallel{Nodes: []planner.Node{flatten("inventory"), flatten("reviews")}}
		root := &planner.Sequence{Nodes: []planner.Node{
			&planner.Fetch{Service: "products", Operation: `{product(upc:"3"){__typename upc}}`}, par,
		}}
		req := request(t, sg, `{ product(upc: "3") { inStock } }`, nil, root)
		if b := par.Branches(); len(b) != 1 {
			t.Fatalf("the two writers of inStock are not ordered: %d branches", len(b))
		}
		got := execute(t, New(sg), req)
		if want := `{"data":{"product":{"inStock":false}}}`; got != want {
			t.Fatalf("run %d: response\n got %s\nwant %s (the later-in-plan value)", i, got, want)
		}
	}
}
