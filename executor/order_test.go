package executor

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
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

// TestNestedWriteInPlanOrder: one Flatten writes product.reviews (with
// author.name below it), a sibling writes name on the authors themselves
// (product.reviews.@.author): a write under the other's key. The first in
// plan order answers slowly, so completion order alone would let its
// author name win; they run in plan order, so the later one's is the
// answer.
func TestNestedWriteInPlanOrder(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{product(upc:\"3\"){__typename upc reviews{author{__typename id}}}}"}`: `{"data":{"product":{"__typename":"Product","upc":"3","reviews":[{"author":{"__typename":"User","id":"u1"}}]}}}`,
	})
	slow := newFake(t, "reviews", map[string]string{
		entitiesBody(`...on Product{reviews{author{name}}}`, `[{"__typename":"Product","upc":"3"}]`): `{"data":{"_entities":[{"reviews":[{"author":{"name":"Slow"}}]}]}}`,
	})
	slow.delay = 50 * time.Millisecond
	fast := newFake(t, "accounts", map[string]string{
		entitiesBody(`...on User{name}`, `[{"__typename":"User","id":"u1"}]`): `{"data":{"_entities":[{"name":"Fast"}]}}`,
	})
	sg := testSupergraph(t, products, slow, fast)
	for i := range 3 {
		par := &planner.Parallel{Nodes: []planner.Node{
			&planner.Flatten{Path: []string{"product"}, Node: &planner.Fetch{
				Service: "reviews", Requires: requires(t, `... on Product { __typename upc }`),
				Operation: entitiesOp(`...on Product{reviews{author{name}}}`),
			}},
			&planner.Flatten{Path: []string{"product", "reviews", "@", "author"}, Node: &planner.Fetch{
				Service: "accounts", Requires: requires(t, `... on User { __typename id }`),
				Operation: entitiesOp(`...on User{name}`),
			}},
		}}
		root := &planner.Sequence{Nodes: []planner.Node{
			&planner.Fetch{Service: "products", Operation: `{product(upc:"3"){__typename upc reviews{author{__typename id}}}}`}, par,
		}}
		req := request(t, sg, `{ product(upc: "3") { reviews { author { name } } } }`, nil, root)
		if b := par.Branches(); len(b) != 1 {
			t.Fatalf("the writer of reviews and the writer below it are not ordered: %d branches", len(b))
		}
		got := execute(t, New(sg), req)
		if want := `{"data":{"product":{"reviews":[{"author":{"name":"Fast"}}]}}}`; got != want {
			t.Fatalf("run %d: response\n got %s\nwant %s (the later-in-plan value)", i, got, want)
		}
	}
}

// TestDeferredBlocksInPlanOrder: two sibling deferred blocks write the
// same key (inStock) of the same object with different values; the first
// in plan order answers slowly. The blocks are chained in plan order: in
// one response the later block's value wins, and streamed, the first
// block's payload comes first with its own value, then the second's.
func TestDeferredBlocksInPlanOrder(t *testing.T) {
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
	query := `{ product(upc: "3") { upc ... @defer(label: "a") { inStock } ... @defer(label: "b") { inStock } } }`
	newReq := func() (*Request, *planner.Defer) {
		req := request(t, sg, query, nil, nil)
		var frags []*ast.InlineFragment
		for _, s := range req.Operation.SelectionSet[0].(*ast.Field).SelectionSet {
			if f, ok := s.(*ast.InlineFragment); ok {
				frags = append(frags, f)
			}
		}
		block := func(f *ast.InlineFragment, service string) *planner.DeferredBlock {
			return &planner.DeferredBlock{
				Label: f.Directives.ForName("defer").Arguments.ForName("label").Value.Raw,
				Path:  []string{"product"}, ParentType: "Product",
				Selection: ast.SelectionSet{&ast.InlineFragment{SelectionSet: f.SelectionSet}},
				Fragment:  f.Directives.ForName("defer").Position.Start,
				Node: &planner.Flatten{Path: []string{"product"}, Node: &planner.Fetch{
					Service: service, Requires: requires(t, `... on Product { __typename upc }`),
					Operation: entitiesOp(`...on Product{inStock}`),
				}},
			}
		}
		d := &planner.Defer{
			Primary:  &planner.Fetch{Service: "products", Operation: `{product(upc:"3"){__typename upc}}`},
			Deferred: []*planner.DeferredBlock{block(frags[0], "inventory"), block(frags[1], "reviews")},
		}
		req.Plan = planner.NewPlan(ast.Query, d)
		return req, d
	}
	for i := range 3 {
		req, d := newReq()
		if c := d.Chains(); len(c) != 1 || d.After(1) != 0 {
			t.Fatalf("the two writers of inStock are not chained: %d chains, block 1 after %d", len(c), d.After(1))
		}
		if got, want := execute(t, New(sg), req), `{"data":{"product":{"upc":"3","inStock":false}}}`; got != want {
			t.Fatalf("run %d: one response\n got %s\nwant %s (the later-in-plan value)", i, got, want)
		}
		req, _ = newReq()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, next := New(sg).ExecuteIncremental(ctx, req)
		parts := []string{string(res.Data)}
		for s := range next {
			for _, inc := range s.Incremental {
				parts = append(parts, fmt.Sprintf("%s %v %s", inc.Label, inc.Path, inc.Data))
			}
			parts = append(parts, fmt.Sprintf("hasNext %v", s.HasNext))
		}
		cancel()
		want := `{"product":{"upc":"3"}} | a product {"inStock":true} | hasNext true | b product {"inStock":false} | hasNext false`
		if got := strings.Join(parts, " | "); got != want {
			t.Fatalf("run %d: streamed\n got %s\nwant %s", i, got, want)
		}
	}
}
