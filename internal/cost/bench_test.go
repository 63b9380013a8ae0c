package cost

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
)

// cannedShop answers every subgraph request with the same 50 products.
type cannedShop struct{ body []byte }

func newCannedShop() *cannedShop {
	items := make([]string, 50)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":"%d","name":"product %d","status":"ACTIVE","stock":{"id":"w%d"}}`, i, i, i)
	}
	return &cannedShop{body: []byte(`{"data":{"products":[` + strings.Join(items, ",") + `]}}`)}
}

func (c *cannedShop) Do(context.Context, *executor.SubgraphRequest) ([]byte, error) {
	return c.body, nil
}

const benchQuery = `query Bench($n: Int) { products(first: $n) { id name status stock { id } } }`

// BenchmarkServe: one request through gateway.Serve (canned subgraph
// answers, 50 products) without demand control, with the estimate only
// (cached; no budget, no header: the actual cost is not computed), and
// with a budget (estimate and the actual cost read from the response).
func BenchmarkServe(b *testing.B) {
	sg := shopSupergraph(b)
	est, err := New(Options{Mode: Measure})
	if err != nil {
		b.Fatal(err)
	}
	budget, err := New(Options{Mode: Enforce, MaxCost: 1e6})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ps   []gateway.Plugin
	}{{"base", nil}, {"estimate", []gateway.Plugin{est}}, {"estimate+actual", []gateway.Plugin{budget}}} {
		gw, err := gateway.New(sg, gateway.WithClient(newCannedShop()), gateway.WithInboundDedupe(false), gateway.WithPlugins(tc.ps...))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := gw.Serve(context.Background(), &gateway.Request{Query: benchQuery, Variables: map[string]any{"n": 50}})
				if len(r.Errors) > 0 {
					b.Fatal(r.Errors)
				}
				r.Release()
			}
		})
	}
}

// BenchmarkEstimate: the estimate of the benchmark query, computed
// (a new table each time: nothing cached) and from the cache.
func BenchmarkEstimate(b *testing.B) {
	sg := shopSupergraph(b)
	doc, op := parseOp(b, sg, benchQuery)
	vars := map[string]any{"n": 50}
	b.Run("uncached", func(b *testing.B) {
		tab, err := NewTable(sg, 10)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if c, _ := tab.estimate(doc, op, vars); c != 350 {
				b.Fatal(c)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		tab, err := NewTable(sg, 10)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if c, _ := tab.Estimate(benchQuery, doc, op, vars); c != 350 {
				b.Fatal(c)
			}
		}
	})
}
