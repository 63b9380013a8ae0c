package executor

import (
	"testing"

	"github.com/junction-gateway/junction/planner"
)

// roundPlan: a root fetch of the products and of the viewer's reviewed
// products, then two sibling Flattens fetching the same inventory
// selection: they start together and form a round (one call).
func roundPlan(t *testing.T) planner.Node {
	inv := func(path ...string) *planner.Flatten {
		return &planner.Flatten{Path: path, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock}`),
		}}
	}
	return &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc} product(upc:"3"){__typename upc}}`},
		&planner.Parallel{Nodes: []planner.Node{inv("products", "@"), inv("product")}},
	}}
}

const roundRoot = `{"data":{"products":[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"3"}],"product":{"__typename":"Product","upc":"3"}}}`

// TestRoundSharesOneCall: sibling Flattens of one round send one
// _entities call with their representations deduplicated across them,
// and each gets its entities.
func TestRoundSharesOneCall(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc} product(upc:\"3\"){__typename upc}}"}`: roundRoot,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"3"}]`): `{"data":{"_entities":[{"inStock":true},{"inStock":false}]}}`,
	})
	sg := testSupergraph(t, products, inventory)
	req := request(t, sg, `{ products { upc inStock } product(upc: "3") { inStock } }`, nil, roundPlan(t))
	fl := req.Plan.Root.(*planner.Sequence).Nodes[1].(*planner.Parallel).Nodes
	if rd, m := fl[1].(*planner.Flatten).Round(); rd == nil || rd.Members != 2 || m != 1 {
		t.Fatalf("the two Flattens are not one round: %v %d", rd, m)
	}
	got := execute(t, New(sg), req)
	want := `{"data":{"products":[{"upc":"1","inStock":true},{"upc":"3","inStock":false}],"product":{"inStock":false}}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	if n := inventory.calls.Load(); n != 1 {
		t.Errorf("inventory called %d times, want 1", n)
	}
}

// TestRoundErrors: a round's failed call is reported once (by its first
// member) and every member's fields are null without further errors; an
// entity error is reported at every object that produced its
// representation, in each member.
func TestRoundErrors(t *testing.T) {
	body := entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"3"}]`)
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc} product(upc:\"3\"){__typename upc}}"}`: roundRoot,
	})
	for _, c := range []struct {
		name, answer string
		status       int
		want         string
	}{
		{"failure", `oops`, 500,
			`{"data":{"products":[{"upc":"1","inStock":null},{"upc":"3","inStock":null}],"product":{"inStock":null}},` +
				`"errors":[{"message":"HTTP fetch failed from subgraph \"inventory\": 500 Internal Server Error","path":["products"],"extensions":{"cause":"status 500","code":"SUBREQUEST_HTTP_ERROR","http":{"status":500},"serviceName":"inventory"}}]}`},
		{"entity error", `{"data":{"_entities":[{"inStock":true},null]},"errors":[{"message":"no stock for 3","path":["_entities",1,"inStock"]},{"message":"slow"}]}`, 200,
			`{"data":{"products":[{"upc":"1","inStock":true},{"upc":"3","inStock":null}],"product":{"inStock":null}},` +
				`"errors":[{"message":"no stock for 3","path":["products",1,"inStock"],"extensions":{"serviceName":"inventory"}},` +
				`{"message":"slow","path":["products"],"extensions":{"serviceName":"inventory"}},` +
				`{"message":"no stock for 3","path":["product","inStock"],"extensions":{"serviceName":"inventory"}}]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			inventory := newFake(t, "inventory", map[string]string{body: c.answer})
			inventory.status = c.status
			sg := testSupergraph(t, products, inventory)
			got := execute(t, New(sg), request(t, sg, `{ products { upc inStock } product(upc: "3") { inStock } }`, nil, roundPlan(t)))
			if got != c.want {
				t.Errorf("response\n got %s\nwant %s", got, c.want)
			}
			if n := inventory.calls.Load(); n != 1 {
				t.Errorf("inventory called %d times, want 1", n)
			}
		})
	}
}
