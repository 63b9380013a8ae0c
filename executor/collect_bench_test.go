package executor

import "testing"

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
	benchShape(b, ex, req)
}
