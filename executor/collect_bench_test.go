package executor

import (
	"strings"
	"testing"
)

// BenchmarkShapeDirectives is BenchmarkShape for the same data selected
// through fragments and @include on a variable: a selection met with a
// directive is the request's own, so it is collected (CollectFields) at
// every response rather than taken from the executor's cache.
func BenchmarkShapeDirectives(b *testing.B) {
	ex, plain := benchSetup(b)
	req := request(b, ex.sg, `query($v: Boolean!) { me { id name }
  topProducts { ...P reviews @include(if: $v) { id ... on Review { body } author { ...U } } } }
fragment P on Product { upc name price inStock weight }
fragment U on User { name username }`, map[string]any{"v": true}, plain.Plan.Root)
	r := &run{ex: ex, req: req, root: &value{Kind: kindObject}}
	var sink errSink
	r.node(b.Context(), req.Plan.Root, &sink)
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
