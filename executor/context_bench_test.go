package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
)

// ctxClient answers the context-parent case in memory: catalog's stores
// (each with its own products), pricing's stores (currency i % distinct)
// and the products' prices, per aliased set. Answers are computed once per
// distinct body and reused, so the benchmark measures the executor.
type ctxClient struct {
	stores, products, distinct int
	mu                         sync.Mutex
	memo                       map[string][]byte
}

func (c *ctxClient) Do(_ context.Context, req *SubgraphRequest) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if out, ok := c.memo[string(req.Body)]; ok {
		return out, nil
	}
	var r struct {
		Variables map[string]json.RawMessage `json:"variables"`
	}
	if err := json.Unmarshal(req.Body, &r); err != nil {
		return nil, err
	}
	var b strings.Builder
	switch {
	case req.Service == "catalog":
		b.WriteString(`{"data":{"stores":[`)
		for i := range c.stores {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"__typename":"Store","id":"s%d","products":[`, i)
			for j := range c.products {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"__typename":"Product","id":"p%d-%d"}`, i, j)
			}
			b.WriteString(`]}`)
		}
		b.WriteString(`]}}`)
	default:
		b.WriteString(`{"data":{`)
		n := 0
		for k := 0; ; k++ {
			name, alias := fmt.Sprintf("__junction_reps_%d", k), fmt.Sprintf("_%d", k)
			raw, ok := r.Variables[name]
			if k == 0 && !ok {
				name, alias, raw, ok = "representations", "_entities", r.Variables["representations"], true
			}
			if !ok {
				break
			}
			var reps []map[string]any
			_ = json.Unmarshal(raw, &reps)
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			b.WriteString(`"` + alias + `":[`)
			for i, rep := range reps {
				if i > 0 {
					b.WriteByte(',')
				}
				if rep["__typename"] == "Store" {
					var s int
					fmt.Sscanf(rep["id"].(string), "s%d", &s)
					fmt.Fprintf(&b, `{"currency":"C%d","discount":null}`, s%c.distinct)
				} else {
					fmt.Fprintf(&b, `{"price":"%s"}`, rep["id"])
				}
			}
			b.WriteString(`]`)
			if name == "representations" {
				break
			}
		}
		b.WriteString(`}}`)
	}
	out := []byte(b.String())
	c.memo[string(req.Body)] = out
	return out, nil
}

// BenchmarkContextSets runs { stores { products { price } } } over 100
// stores of 10 products each, the stores' currencies taking 1, 10 or 100
// distinct values: one request to pricing for the products whatever the
// number of distinct values (1: the plain _entities selection; 10 and 100:
// that many aliased selections). The ratio to "1" is the cost of grouping.
func BenchmarkContextSets(b *testing.B) {
	raw, err := os.ReadFile("../test/federation/testdata/context-parent/supergraph.graphql")
	if err != nil {
		b.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(raw))
	if err != nil {
		b.Fatal(err)
	}
	const query = `{ stores { products { price } } }`
	doc, gerr := gqlparser.LoadQuery(sg.API, query)
	if gerr != nil {
		b.Fatal(gerr)
	}
	plan, err := planner.New(sg).Plan(doc, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, distinct := range []int{1, 10, 100} {
		b.Run(fmt.Sprint(distinct), func(b *testing.B) {
			ex := New(sg, WithClient(&ctxClient{stores: 100, products: 10, distinct: distinct, memo: map[string][]byte{}}))
			req := &Request{Plan: plan, Document: doc, Operation: doc.Operations[0]}
			res := ex.Execute(context.Background(), req)
			if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"price":"p99-9"`) {
				b.Fatalf("errors %v, data %.200s", res.Errors, res.Data)
			}
			res.Release()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ex.Execute(context.Background(), req).Release()
			}
		})
	}
}
