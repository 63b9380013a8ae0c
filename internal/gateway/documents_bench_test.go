package gateway

import (
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// BenchmarkParseAndValidate: a document cache miss (token limit, parse,
// operation limits, validation) for the benchmark query over the demo
// API schema.
func BenchmarkParseAndValidate(b *testing.B) {
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": "http://127.0.0.1:1", "products": "http://127.0.0.1:1", "reviews": "http://127.0.0.1:1", "inventory": "http://127.0.0.1:1",
	}))
	if err != nil {
		b.Fatal(err)
	}
	const q = `query Bench($first: Int) { topProducts(first: $first) { upc name price weight inStock shippingEstimate
		reviews { id body author { id name username reviews { id product { upc name } } } } } me { id name } }`
	limits := Limits{}.withDefaults()
	if d := parseAndValidate(sg.API, q, limits); len(d.errs) > 0 {
		b.Fatal(d.errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		parseAndValidate(sg.API, q, limits)
	}
}
