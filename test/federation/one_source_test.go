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
	want := `{"data":{"media":[{"title":"meta:b1"},{"title":"meta:f1"},{"title":"meta:b2"}]}}`
	for _, q := range []string{
		`{ media { title ... on Book { title } } }`,
		`{ media { ... on Book { title } title } }`,
		`{ media { ...B title } } fragment B on Book { title }`,
		`query($yes: Boolean = true) { media { title } media @include(if: $yes) { ... on Book { title } } }`,
	} {
		for i := 0; i < 50; i++ {
			gw.Expect(q, nil, want)
		}
	}
	if n := len(books.Requests()); n != 0 {
		t.Errorf("books got %d requests, want none (one source per response key): %v", n, books.Requests())
	}
	// The selection on the interface is conditional, the fragment's is not:
	// with the condition, the interface's source alone (as when both are
	// unconditional); without it, the fragment's field from books alone.
	// Never both, so never two writers of one key.
	cond := `query($v: Boolean!) { media { ... on Book { title } ... @include(if: $v) { title } } }`
	skip := `query($v: Boolean!) { media { ... on Book { title } title @skip(if: $v) } }`
	for i := 0; i < 20; i++ {
		books.ResetRequests()
		meta.ResetRequests()
		gw.Expect(cond, map[string]any{"v": true}, want)
		gw.Expect(skip, map[string]any{"v": false}, want)
		if n := len(books.Requests()); n != 0 {
			t.Fatalf("condition true: books got %d requests, want none: %v", n, books.Requests())
		}
		gw.Expect(cond, map[string]any{"v": false}, `{"data":{"media":[{"title":"books:b1"},{},{"title":"books:b2"}]}}`)
		gw.Expect(skip, map[string]any{"v": true}, `{"data":{"media":[{"title":"books:b1"},{},{"title":"books:b2"}]}}`)
		if n := len(meta.Requests()); n != 2 {
			t.Fatalf("meta got %d requests, want 2 (only when the interface's title is selected): %v", n, meta.Requests())
		}
	}
	// Alone, the fragment's field still comes from books.
	gw.Expect(`{ media { ... on Book { title } } }`, nil,
		`{"data":{"media":[{"title":"books:b1"},{},{"title":"books:b2"}]}}`)
}

// Deferring a selection on the interface changes when it is delivered,
// never its values: the deferred title comes from the interface's source
// (meta), as it does undeferred, not from books for the Books.
func TestOneSourceDeferredOnInterface(t *testing.T) {
	sup := map[string][]string{"Book": {"Media"}, "Film": {"Media"}}
	list := &fedtest.Subgraph{Name: "list", Supertypes: sup, Query: map[string]fedtest.Resolver{
		"media": func(map[string]any) (any, error) {
			return []any{obj("Book", "id", "b1"), obj("Film", "id", "f1")}, nil
		}}}
	books := &fedtest.Subgraph{Name: "books", Entities: func(rep map[string]any) (any, error) {
		return obj("Book", "id", rep["id"], "title", "books:"+rep["id"].(string)), nil
	}}
	meta := &fedtest.Subgraph{Name: "meta", Entities: func(rep map[string]any) (any, error) {
		return obj("Media", "id", rep["id"], "title", "meta:"+rep["id"].(string)), nil
	}}
	gw := startCase(t, "one-source-per-key", list, books, meta)
	gw.Expect(`{ media { title } }`, nil, `{"data":{"media":[{"title":"meta:b1"},{"title":"meta:f1"}]}}`)
	gw.ExpectParts(`{ media { ... @defer { title } } }`, nil,
		`{"data":{"media":[{},{}]},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"data":{"title":"meta:b1"},"path":["media",0]},{"data":{"title":"meta:f1"},"path":["media",1]}]}`)
	gw.ExpectParts(`{ media { ... @defer { title ... on Book { title } } } }`, nil,
		`{"data":{"media":[{},{}]},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"data":{"title":"meta:b1"},"path":["media",0]},{"data":{"title":"meta:f1"},"path":["media",1]}]}`)
	if n := len(books.Requests()); n != 0 {
		t.Errorf("books got %d requests, want none: %v", n, books.Requests())
	}
}
