package inventory

import (
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

func TestShippingEstimate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rep  map[string]any
		want string
	}{
		{"cheap: half the weight", map[string]any{"price": 899, "weight": 100}, "50"},
		{"odd weight rounds down", map[string]any{"price": 54, "weight": 51}, "25"},
		{"exactly 1000 is not free", map[string]any{"price": 1000, "weight": 10}, "5"},
		{"above 1000 ships free", map[string]any{"price": 1001, "weight": 1000}, "0"},
		{"no price", map[string]any{"weight": 10}, "null"},
		{"null weight", map[string]any{"price": 10, "weight": nil}, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := map[string]any{"__typename": "Product", "upc": "1"}
			for k, v := range tt.rep {
				rep[k] = v
			}
			got := gqltest.Entities(t, Handler(), []map[string]any{rep}, "... on Product { shippingEstimate }")
			if want := fmt.Sprintf(`[{"shippingEstimate":%s}]`, tt.want); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestEntitiesBatched(t *testing.T) {
	t.Parallel()
	srv := New()
	reps := []map[string]any{
		{"__typename": "Product", "upc": "1", "price": 899, "weight": 100},
		{"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
		{"__typename": "Product", "upc": "3", "price": 54, "weight": 50},
		{"__typename": "Product", "upc": "9", "price": 1, "weight": 2},
	}
	got := gqltest.Entities(t, srv, reps, "... on Product { upc inStock shippingEstimate }")
	want := `[{"upc":"1","inStock":true,"shippingEstimate":50},` +
		`{"upc":"2","inStock":false,"shippingEstimate":0},` +
		`{"upc":"3","inStock":true,"shippingEstimate":25},` +
		`{"upc":"9","inStock":null,"shippingEstimate":1}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c, r := srv.EntityCalls(), srv.Representations(); c != 1 || r != int64(len(reps)) {
		t.Errorf("entity resolver calls = %d with %d representations, want 1 with %d", c, r, len(reps))
	}
}

func TestServiceSDL(t *testing.T) {
	t.Parallel()
	sdl := gqltest.SDL(t, Handler())
	for _, want := range []string{`type Product @key(fields: "upc")`, `price: Int @external`,
		`shippingEstimate: Int @requires(fields: "price weight")`} {
		if !strings.Contains(sdl, want) {
			t.Errorf("sdl lacks %q:\n%s", want, sdl)
		}
	}
}
