package reviews

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/subgraphs/internal/data"
	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

func TestEntities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reps      []map[string]any
		selection string
		want      string
		calls     int64
	}{
		{
			name: "users",
			reps: []map[string]any{
				{"__typename": "User", "id": "2"},
				{"__typename": "User", "id": "1"},
				{"__typename": "User", "id": "5"},
			},
			selection: "... on User { id reviews { id } }",
			want:      `[{"id":"2","reviews":[{"id":"2"},{"id":"8"}]},{"id":"1","reviews":[{"id":"1"},{"id":"7"}]},{"id":"5","reviews":[{"id":"5"},{"id":"11"}]}]`,
			calls:     1,
		},
		{
			name: "products",
			reps: []map[string]any{
				{"__typename": "Product", "upc": "1"},
				{"__typename": "Product", "upc": "4"},
			},
			selection: "... on Product { upc reviews { id product { upc } } }",
			want:      `[{"upc":"1","reviews":[{"id":"1","product":{"upc":"1"}},{"id":"6","product":{"upc":"1"}},{"id":"11","product":{"upc":"1"}}]},{"upc":"4","reviews":[{"id":"4","product":{"upc":"4"}},{"id":"9","product":{"upc":"4"}}]}]`,
			calls:     1,
		},
		{
			name: "reviews provide the author's username",
			reps: []map[string]any{
				{"__typename": "Review", "id": "3"},
				{"__typename": "Review", "id": "100"},
			},
			selection: "... on Review { id author { id username } }",
			want:      `[{"id":"3","author":{"id":"3","username":"@amazing"}},null]`,
			calls:     1,
		},
		{
			name: "one call per entity type",
			reps: []map[string]any{
				{"__typename": "User", "id": "6"},
				{"__typename": "Product", "upc": "2"},
				{"__typename": "User", "id": "4"},
			},
			selection: "... on User { id } ... on Product { upc }",
			want:      `[{"id":"6"},{"upc":"2"},{"id":"4"}]`,
			calls:     2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := New()
			got := gqltest.Entities(t, srv, tt.reps, tt.selection)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if c, r := srv.EntityCalls(), srv.Representations(); c != tt.calls || r != int64(len(tt.reps)) {
				t.Errorf("entity resolver calls = %d with %d representations, want %d with %d", c, r, tt.calls, len(tt.reps))
			}
		})
	}
}

// TestData checks the shape the demo relies on: every user and every
// product has reviews, and review bodies are a few hundred characters.
func TestData(t *testing.T) {
	t.Parallel()
	srv := New()
	var reps []map[string]any
	for _, u := range data.Users() {
		reps = append(reps, map[string]any{"__typename": "User", "id": u.ID})
	}
	for _, p := range data.Products() {
		reps = append(reps, map[string]any{"__typename": "Product", "upc": p.UPC})
	}
	got := gqltest.Entities(t, srv, reps, "... on User { reviews { id } } ... on Product { reviews { id } }")
	if strings.Contains(got, `"reviews":[]`) || strings.Contains(got, "null") {
		t.Errorf("an entity without reviews: %s", got)
	}
	for _, rv := range data.Reviews() {
		if n := len(rv.Body); n < 300 || n > 700 {
			t.Errorf("review %s body has %d characters", rv.ID, n)
		}
		n, err := strconv.Atoi(rv.ID)
		if err != nil {
			t.Fatalf("review id %q: %v", rv.ID, err)
		}
		if rv.Body != data.Body(n) {
			t.Errorf("review %s body is not deterministic", rv.ID)
		}
	}
}

func TestServiceSDL(t *testing.T) {
	t.Parallel()
	sdl := gqltest.SDL(t, Handler())
	for _, want := range []string{`type Review @key(fields: "id")`, `author: User @provides(fields: "username")`,
		`username: String @external`, `type Product @key(fields: "upc")`} {
		if !strings.Contains(sdl, want) {
			t.Errorf("sdl lacks %q:\n%s", want, sdl)
		}
	}
}

func TestAddReview(t *testing.T) {
	t.Parallel()
	srv := New()
	add := `mutation($upc: String!, $body: String!) { addReview(upc: $upc, body: $body) { id body author { id username } product { upc } } }`
	h := http.Header{"X-User-Id": {"2"}}
	got := gqltest.PostHeader(t, srv, add, map[string]any{"upc": "3", "body": "Sturdy."}, h)
	want := `{"addReview":{"id":"13","body":"Sturdy.","author":{"id":"2","username":"@complete"},"product":{"upc":"3"}}}`
	if len(got.Errors) > 0 || string(got.Data) != want {
		t.Fatalf("got %s %v\nwant %s", got.Data, got.Errors, want)
	}
	// The added review is found by product, by author and as an entity.
	byProduct := gqltest.Entities(t, srv, []map[string]any{{"__typename": "Product", "upc": "3"}}, "... on Product { reviews { id } }")
	if !strings.HasSuffix(byProduct, `{"id":"13"}]}]`) {
		t.Errorf("Product.reviews: %s", byProduct)
	}
	byAuthor := gqltest.Entities(t, srv, []map[string]any{{"__typename": "User", "id": "2"}}, "... on User { reviews { id } }")
	if !strings.HasSuffix(byAuthor, `{"id":"13"}]}]`) {
		t.Errorf("User.reviews: %s", byAuthor)
	}
	asEntity := gqltest.Entities(t, srv, []map[string]any{{"__typename": "Review", "id": "13"}}, "... on Review { body }")
	if asEntity != `[{"body":"Sturdy."}]` {
		t.Errorf("Review entity: %s", asEntity)
	}
	// Another server does not see it.
	if other := gqltest.Entities(t, New(), []map[string]any{{"__typename": "Review", "id": "13"}}, "... on Review { body }"); other != `[null]` {
		t.Errorf("other server: %s", other)
	}
	for _, tc := range []struct {
		name   string
		vars   map[string]any
		header http.Header
		want   string
	}{
		{"no caller", map[string]any{"upc": "1", "body": "x"}, nil, "X-User-Id"},
		{"unknown product", map[string]any{"upc": "99", "body": "x"}, h, `no product with upc "99"`},
		{"empty body", map[string]any{"upc": "1", "body": ""}, h, "1 to 2000 characters"},
		{"long body", map[string]any{"upc": "1", "body": strings.Repeat("a", MaxBodyLength+1)}, h, "got 2001"},
	} {
		got := gqltest.PostHeader(t, srv, add, tc.vars, tc.header)
		if len(got.Errors) != 1 || !strings.Contains(fmt.Sprint(got.Errors[0]["message"]), tc.want) {
			t.Errorf("%s: %s %v", tc.name, got.Data, got.Errors)
		}
	}
}
