package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// Product.related is [Product]; Book.related is [Book] (catalog) and
// Magazine.related [Magazine] (mags; @external in catalog), so related is
// asked per concrete type. Fragments under it are filtered per concrete
// field type: Book.related never carries "... on Magazine" (which catalog
// would reject), and every subgraph validates what it receives.
func TestCovariantFields(t *testing.T) {
	sup := map[string][]string{"Book": {"Product"}, "Magazine": {"Product"}}
	catalog := &fedtest.Subgraph{Name: "catalog", Supertypes: sup, Query: map[string]fedtest.Resolver{
		"products": func(map[string]any) (any, error) {
			return []any{obj("Book", "id", "b1", "related", []any{obj("Book", "id", "b2")}), obj("Magazine", "id", "m1")}, nil
		}}}
	mags := &fedtest.Subgraph{Name: "mags", Entities: func(rep map[string]any) (any, error) {
		return obj("Magazine", "id", rep["id"], "issue", 7, "related", []any{obj("Magazine", "id", "m2", "issue", 8)}), nil
	}}
	books := &fedtest.Subgraph{Name: "books", Entities: func(rep map[string]any) (any, error) {
		return obj("Book", "id", rep["id"], "isbn", "isbn-"+rep["id"].(string)), nil
	}}
	gw := startCase(t, "covariant-fields", catalog, mags, books)
	gw.Expect(`{ products { id related { id ... on Book { isbn } ... on Magazine { issue } } } }`, nil,
		`{"data":{"products":[{"id":"b1","related":[{"id":"b2","isbn":"isbn-b2"}]},{"id":"m1","related":[{"id":"m2","issue":8}]}]}}`)
	gw.Expect(`{ products { related { ...P } } } fragment P on Product { __typename ... on Magazine { issue } ... on Book { isbn } }`, nil,
		`{"data":{"products":[{"related":[{"__typename":"Book","isbn":"isbn-b2"}]},{"related":[{"__typename":"Magazine","issue":8}]}]}}`)
	// A fragment on one implementation merges into that type's field only.
	gw.Expect(`{ products { related { id } ... on Book { related { isbn } } } }`, nil,
		`{"data":{"products":[{"related":[{"id":"b2","isbn":"isbn-b2"}]},{"related":[{"id":"m2"}]}]}}`)
}
