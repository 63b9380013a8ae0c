package executor

import (
	"testing"

	"github.com/junction-gateway/junction/planner"
)

// TestRootIntrospectionMerged: root __schema fields sharing a response key
// are answered with their selections merged (CollectFields groups them), as
// one field: before, only the first field's selection was answered.
func TestRootIntrospectionMerged(t *testing.T) {
	sg := testSupergraph(t)
	ex := New(sg)
	q := `query($no: Boolean!) {
  __schema { queryType { name } }
  ... on Query { __schema { mutationType { name } queryType { kind } } }
  ...S
  __schema @include(if: $no) { subscriptionType { name } }
}
fragment S on Query { s: __schema { mutationType { kind } } }`
	got := execute(t, ex, request(t, sg, q, map[string]any{"no": false}, (planner.Node)(nil)))
	want := `{"data":{"__schema":{"queryType":{"name":"Query","kind":"OBJECT"},"mutationType":{"name":"Mutation"}},"s":{"mutationType":{"kind":"OBJECT"}}}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
