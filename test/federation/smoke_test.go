package federation

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// supergraph reads testdata/<name>/supergraph.graphql.
func supergraph(t *testing.T, name string) string {
	t.Helper()
	if serveComposed || *composedFlag {
		return composedSupergraph(t, name)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", name, "supergraph.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestSmoke(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"items": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Item", "id": "1", "name": "one"}}, nil
		},
	}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Item", "id": rep["id"], "price": 7}, nil
	}}
	gw := startCase(t, "smoke", a, b)
	gw.Expect(`{ items { id name price } }`, nil, `{"data":{"items":[{"id":"1","name":"one","price":7}]}}`)
}
