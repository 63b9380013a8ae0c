package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// Media.title comes from meta (an @interfaceObject) and Book.title from
// books, and the two disagree. Selected both on the interface and inside
// "... on Book", the response key gets one source per object (the
// interface's), never two parallel fetches racing to write it.
func TestOneSourcePerResponseKey(t *testing.T) {
	sup := map[string][]string{"Book": {"Media"}, "Film": {"Media"}}
	list := &fedtest.Subgraph{Name: "list", Supertypes: sup, Query: map[string]fedtest.Resolver{
		"media": func(map[string]any) (any, error) {
			return []any{obj("Book", "id", "b1"), obj("Film", "id", "f1"), obj("Book", "id", "b2")}, nil
		}}}
	books := &fedtest.Subgraph{Name: "books", Entities: func(rep map[string]any) (any, error) {
		return obj("Book", "id", rep["id"], "title", "books:"+rep["id"].(string)), nil
	}}
	meta := &fedtest.Subgraph{Name: "meta", Entities: func(rep map[string]any) (any, error) {
		return obj("Media", "id", rep["id"], "title", "meta:"+rep["id"].(string)), nil
	}}
	gw := startCase(t, "one-source-per-key", list, books, meta)
	for _, q := range []string{
		`{ media { title ... on Book { title } } }`,
		`{ media { ... on Book { title } title } }`,
		`{ media { ...B title } } fragment B on Book { title }`,
		`query($yes: Boolean = true) { media { title } media @include(if: $yes) { ... on Book { title } } }`,
	} {
		want := `{"data":{"media":[{"title":"meta:b1"},{"title":"meta:f1"},{"title":"meta:b2"}]}}`
		for i := 0; i < 50; i++ {
			gw.Expect(q, nil, want)
		}
	}
	if n := len(books.Requests()); n != 0 {
		t.Errorf("books got %d requests, want none (one source per response key): %v", n, books.Requests())
	}
	// Alone, the fragment's field still comes from books.
	gw.Expect(`{ media { ... on Book { title } } }`, nil,
		`{"data":{"media":[{"title":"books:b1"},{},{"title":"books:b2"}]}}`)
}
