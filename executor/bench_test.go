package executor

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// memClient answers each service with one canned body, no HTTP: the
// benchmarks measure the executor's own CPU.
type memClient map[string][]byte

func (m memClient) Do(_ context.Context, req *SubgraphRequest) ([]byte, error) {
	return m[req.Service], nil
}

const (
	benchProducts = 100
	benchReviews  = 3
	benchUsers    = 20
)

// benchSetup builds a request merging 5 fetches into a ~80 KB response:
//
//	QueryPlan { Parallel {
//	  Fetch(service: "accounts") {me{id name}},
//	  Sequence {
//	    Fetch(service: "products") {topProducts{__typename upc name price}},
//	    Parallel {
//	      Flatten(path: "topProducts.@") { Fetch(service: "inventory") {...on Product{inStock weight}} },
//	      Flatten(path: "topProducts.@") { Fetch(service: "reviews") {...on Product{reviews{id body author{__typename id}}}} }
//	    },
//	    Flatten(path: "topProducts.@.reviews.@.author") { Fetch(service: "accounts") {...on User{name username}} }
//	  }
//	} }
func benchSetup(b testing.TB) (*Executor, *Request) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString(`{"data":{"topProducts":[`)
	for i := range benchProducts {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"__typename":"Product","upc":"upc-%d","name":"Product number %d with a longer name","price":%d}`, i, i, 100+i)
	}
	sb.WriteString(`]}}`)
	products := sb.String()

	sb.Reset()
	sb.WriteString(`{"data":{"_entities":[`)
	for i := range benchProducts {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"inStock":%v,"weight":%d}`, i%2 == 0, i*3)
	}
	sb.WriteString(`]}}`)
	inventory := sb.String()

	sb.Reset()
	sb.WriteString(`{"data":{"_entities":[`)
	for i := range benchProducts {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"reviews":[`)
		for j := range benchReviews {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"id":"r-%d-%d","body":"This is review %d of product %d. It is fairly long so that the response has a realistic size, with \"quotes\" too.","author":{"__typename":"User","id":"u-%d"}}`,
				i, j, j, i, (i*benchReviews+j)%benchUsers)
		}
		sb.WriteString(`]}`)
	}
	sb.WriteString(`]}}`)
	reviews := sb.String()

	// accounts answers both its root fetch and its entity fetch: one body
	// carrying both entries.
	sb.Reset()
	sb.WriteString(`{"data":{"me":{"id":"u-1","name":"Ada"},"_entities":[`)
	for i := range benchUsers {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"User %d","username":"user%d"}`, i, i)
	}
	sb.WriteString(`]}}`)
	accounts := sb.String()

	client := memClient{
		"products": []byte(products), "inventory": []byte(inventory),
		"reviews": []byte(reviews), "accounts": []byte(accounts),
	}
	api := testSupergraph(b).API
	sg := &schema.Supergraph{API: api}
	for _, n := range []string{"accounts", "inventory", "products", "reviews"} {
		sg.Subgraphs = append(sg.Subgraphs, &schema.Subgraph{Name: n, URL: "mem://" + n})
	}
	plan := &planner.Parallel{Nodes: []planner.Node{
		&planner.Fetch{Service: "accounts", Operation: `{me{id name}}`},
		&planner.Sequence{Nodes: []planner.Node{
			&planner.Fetch{Service: "products", Operation: `{topProducts{__typename upc name price}}`},
			&planner.Parallel{Nodes: []planner.Node{
				&planner.Flatten{Path: []string{"topProducts", "@"}, Node: &planner.Fetch{
					Service: "inventory", Requires: requires(b, `... on Product { __typename upc }`),
					Operation: entitiesOp(`...on Product{inStock weight}`),
				}},
				&planner.Flatten{Path: []string{"topProducts", "@"}, Node: &planner.Fetch{
					Service: "reviews", Requires: requires(b, `... on Product { __typename upc }`),
					Operation: entitiesOp(`...on Product{reviews{id body author{__typename id}}}`),
				}},
			}},
			&planner.Flatten{Path: []string{"topProducts", "@", "reviews", "@", "author"}, Node: &planner.Fetch{
				Service: "accounts", Requires: requires(b, `... on User { __typename id }`),
				Operation: entitiesOp(`...on User{name username}`),
			}},
		}},
	}}
	req := request(b, sg, `{ me { id name } topProducts { upc name price inStock weight reviews { id body author { name username } } } }`, nil, plan)
	ex := New(sg, WithClient(client))
	res := ex.Execute(context.Background(), req)
	if len(res.Errors) > 0 {
		b.Fatalf("errors: %v", res.Errors)
	}
	if !strings.Contains(string(res.Data), `"author":{"name":"User 0","username":"user0"}`) {
		b.Fatalf("unexpected data: %.300s", res.Data)
	}
	if bb, ok := b.(*testing.B); ok {
		bb.ReportMetric(float64(len(res.Data)), "resp-bytes")
	}
	return ex, req
}

// BenchmarkExecute measures a whole request: 5 fetches parsed, 3 entity
// batches built and merged, the response shaped and written.
func BenchmarkExecute(b *testing.B) {
	ex, req := benchSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex.Execute(ctx, req)
	}
}

// BenchmarkShape measures response writing alone over a merged tree.
func BenchmarkShape(b *testing.B) {
	ex, req := benchSetup(b)
	benchShape(b, ex, req)
}

// benchShape runs req's plan once, then measures shaping its tree.
func benchShape(b *testing.B, ex *Executor, req *Request) {
	r := &run{ex: ex, req: req, root: &value{Kind: kindObject}}
	var sink errSink
	r.node(context.Background(), req.Plan.Root, &sink)
	if res := r.shape(&errSink{}); !strings.Contains(string(res.Data), `"author":{"name":"User 0","username":"user0"}`) {
		b.Fatalf("unexpected data: %.300s", res.Data)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := r.shape(&errSink{})
		if len(res.Data) < 1000 {
			b.Fatal("short response")
		}
	}
}

// BenchmarkParse measures decoding one subgraph body into the tree.
func BenchmarkParse(b *testing.B) {
	ex, _ := benchSetup(b)
	body := ex.client.(memClient)["reviews"]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecuteRound measures a request whose two sibling Flattens
// fetch the same inventory selection at the same path: a round, one
// _entities call through the round's loader (BenchmarkExecute's three
// Flattens are each alone).
func BenchmarkExecuteRound(b *testing.B) {
	ex, _ := benchSetup(b)
	inv := func() *planner.Flatten {
		return &planner.Flatten{Path: []string{"topProducts", "@"}, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(b, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock weight}`),
		}}
	}
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{topProducts{__typename upc name price}}`},
		&planner.Parallel{Nodes: []planner.Node{inv(), inv()}},
	}}
	req := request(b, ex.sg, `{ topProducts { upc name inStock weight } }`, nil, plan)
	if rd, _ := plan.Nodes[1].(*planner.Parallel).Nodes[1].(*planner.Flatten).Round(); rd == nil {
		b.Fatal("the two Flattens are not a round")
	}
	ctx := context.Background()
	if res := ex.Execute(ctx, req); len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"upc":"upc-99","name":"Product number 99 with a longer name","inStock":false,"weight":297`) {
		b.Fatalf("unexpected result: %v %.300s", res.Errors, res.Data)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex.Execute(ctx, req)
	}
}
