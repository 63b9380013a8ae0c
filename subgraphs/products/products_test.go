package products

import (
	"strings"
	"testing"

	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

func TestTopProducts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, want string
	}{
		{"default five", `{ topProducts { upc } }`,
			`{"topProducts":[{"upc":"1"},{"upc":"2"},{"upc":"3"},{"upc":"4"},{"upc":"5"}]}`},
		{"first two", `{ topProducts(first: 2) { upc name price weight } }`,
			`{"topProducts":[{"upc":"1","name":"Table","price":899,"weight":100},{"upc":"2","name":"Couch","price":1299,"weight":1000}]}`},
		{"first zero", `{ topProducts(first: 0) { upc } }`, `{"topProducts":[]}`},
		{"more than there are", `{ topProducts(first: 50) { upc } }`,
			`{"topProducts":[{"upc":"1"},{"upc":"2"},{"upc":"3"},{"upc":"4"},{"upc":"5"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := gqltest.JSON(t, gqltest.Post(t, Handler(), tt.query, nil))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestTopProductsNegative(t *testing.T) {
	t.Parallel()
	resp := gqltest.PostRaw(t, Handler(), `{ topProducts(first: -1) { upc } }`, nil)
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %v, want one", resp.Errors)
	}
	ext, _ := resp.Errors[0]["extensions"].(map[string]any)
	if ext["code"] != "BAD_USER_INPUT" {
		t.Errorf("error %v: want extensions.code BAD_USER_INPUT", resp.Errors[0])
	}
	if path, _ := resp.Errors[0]["path"].([]any); len(path) != 1 || path[0] != "topProducts" {
		t.Errorf("error path = %v, want [topProducts]", resp.Errors[0]["path"])
	}
}

func TestServiceSDL(t *testing.T) {
	t.Parallel()
	sdl := gqltest.SDL(t, Handler())
	for _, want := range []string{`type Product @key(fields: "upc")`, `topProducts(first: Int = 5): [Product]`} {
		if !strings.Contains(sdl, want) {
			t.Errorf("sdl lacks %q:\n%s", want, sdl)
		}
	}
}

func TestEntitiesBatched(t *testing.T) {
	t.Parallel()
	srv := New()
	reps := []map[string]any{
		{"__typename": "Product", "upc": "5"},
		{"__typename": "Product", "upc": "0"},
		{"__typename": "Product", "upc": "2"},
	}
	got := gqltest.Entities(t, srv, reps, "... on Product { upc name price }")
	want := `[{"upc":"5","name":"Rug","price":1500},null,{"upc":"2","name":"Couch","price":1299}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c, r := srv.EntityCalls(), srv.Representations(); c != 1 || r != int64(len(reps)) {
		t.Errorf("entity resolver calls = %d with %d representations, want 1 with %d", c, r, len(reps))
	}
}
