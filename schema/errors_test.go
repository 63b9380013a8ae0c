package schema

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestErrors mutates a valid fixture and checks the error wraps the
// sentinels and names the element.
func TestErrors(t *testing.T) {
	b03, err := os.ReadFile("testdata/fed2_join03.graphql")
	if err != nil {
		t.Fatal(err)
	}
	base := string(b03)
	b05, err := os.ReadFile("testdata/fed2_join05.graphql")
	if err != nil {
		t.Fatal(err)
	}
	base05 := string(b05)
	tests := []struct {
		name        string
		sdl         string
		old, new    string // replaced once in sdl
		want        []string
		unsupported bool
		fieldSet    bool
	}{
		{name: "syntax error with line:col", sdl: base,
			old: "type ProductVariation", new: "type ProductVariation {{",
			want: []string{"76:", "Expected Name"}},
		{name: "missing join__Graph", sdl: base,
			old: "enum join__Graph {", new: "enum join__Graphs {",
			want: []string{"missing join__Graph enum"}},
		{name: "unknown graph in join__type", sdl: base,
			old: "@join__type(graph: INVENTORY, key: \"upc\")", new: "@join__type(graph: WAREHOUSE, key: \"upc\")",
			want: []string{"type Product", "WAREHOUSE", "unknown graph"}},
		{name: "unknown graph in join__field", sdl: base,
			old: "inStock: Boolean @join__field(graph: INVENTORY)", new: "inStock: Boolean @join__field(graph: NOPE)",
			want: []string{"field Product.inStock", "NOPE"}},
		{name: "unknown graph in join__enumValue", sdl: base,
			old: "GOOD @join__enumValue(graph: REVIEWS)", new: "GOOD @join__enumValue(graph: NOPE)",
			want: []string{"Rating.GOOD", "NOPE"}},
		{name: "key names a missing field", sdl: base,
			old: `key: "sku variation { id }"`, new: `key: "sku variation { ident }"`,
			want: []string{"type Product", `"sku variation { ident }"`, "ProductVariation.ident"}, fieldSet: true},
		{name: "key does not parse", sdl: base,
			old: `key: "sku variation { id }"`, new: `key: "sku variation { id "`,
			want: []string{"type Product", "key"}, fieldSet: true},
		{name: "key escapes its braces", sdl: base,
			old: `key: "sku variation { id }"`, new: `key: "sku } { upc"`,
			want: []string{"type Product"}, fieldSet: true},
		{name: "key leaf with selection", sdl: base,
			old: `key: "sku variation { id }"`, new: `key: "sku { x }"`,
			want: []string{"Product.sku", "cannot have a selection"}, fieldSet: true},
		{name: "key composite without selection", sdl: base,
			old: `key: "sku variation { id }"`, new: `key: "variation"`,
			want: []string{"Product.variation", "needs a selection"}, fieldSet: true},
		{name: "requires names a missing field", sdl: base,
			old: `requires: "dimensions { size weight } price(currency: EUR)"`, new: `requires: "dimensions { size height }"`,
			want: []string{"field Product.shippingEstimate", "requires", "Dimension.height"}, fieldSet: true},
		{name: "requires with unknown argument", sdl: base,
			old: `price(currency: EUR)`, new: `price(money: EUR)`,
			want: []string{"field Product.shippingEstimate", "price(money:)"}, fieldSet: true},
		{name: "requires with variable", sdl: base,
			old: `price(currency: EUR)`, new: `price(currency: $c)`,
			want: []string{"field Product.shippingEstimate", "$c"}, fieldSet: true},
		{name: "provides names a missing field", sdl: base,
			old: `provides: "product { name }"`, new: `provides: "product { title }"`,
			want: []string{"field Query.review", "provides", "Product.title"}, fieldSet: true},
		{name: "inline fragment on unknown type", sdl: base05,
			old: `... on Book { author } }`, new: `... on Novel { author } }`,
			want: []string{"field Shelf.summary", "Novel"}, fieldSet: true},
		{name: "unsupported join version", sdl: base,
			old: "join/v0.3", new: "join/v9.9",
			want: []string{"join v9.9"}, unsupported: true},
		{name: "unknown execution feature", sdl: base,
			old:  `@link(url: "https://specs.apollo.dev/tag/v0.3")`,
			new:  `@link(url: "https://specs.apollo.dev/tag/v0.3") @link(url: "https://specs.apollo.dev/sharding/v0.1", for: SECURITY)`,
			want: []string{"https://specs.apollo.dev/sharding/v0.1", "SECURITY"}, unsupported: true},
		{name: "unknown execution feature, EXECUTION", sdl: base,
			old:  `@link(url: "https://specs.apollo.dev/tag/v0.3")`,
			new:  `@link(url: "https://example.com/sharding/v1.0", for: EXECUTION)`,
			want: []string{"https://example.com/sharding/v1.0", "EXECUTION"}, unsupported: true},
		{name: "accessible field of inaccessible type", sdl: base,
			old: "search(q: String!): [SearchResult!]!", new: "secret: Secret",
			want: []string{"Query.secret", "Secret"}},
		{name: "join__implements names a foreign interface", sdl: base,
			old: `@join__implements(graph: PRODUCTS, interface: "Item")`, new: `@join__implements(graph: PRODUCTS, interface: "Thing")`,
			want: []string{"type Product", "Thing"}},
		{name: "join__unionMember names a non-member", sdl: base,
			old: `member: "Secret"`, new: `member: "Review"`,
			want: []string{"union SearchResult", "Review"}},
		{name: "duplicate subgraph name", sdl: base,
			old: `@join__graph(name: "shipping"`, new: `@join__graph(name: "reviews"`,
			want: []string{"SHIPPING", `"reviews"`}},
		{name: "graph without join__graph", sdl: base,
			old: `SHIPPING @join__graph(name: "shipping", url: "http://localhost:4005/graphql")`, new: `SHIPPING`,
			want: []string{"join__Graph.SHIPPING"}},
		{name: "undefined directive", sdl: base,
			old: `@tag(name: "public")
{`, new: `@nope
{`,
			want: []string{"Undefined directive nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.sdl, tt.old) {
				t.Fatalf("fixture has no %q", tt.old)
			}
			sdl := strings.Replace(tt.sdl, tt.old, tt.new, 1)
			s, err := ParseSupergraph(sdl)
			if err == nil {
				t.Fatalf("no error; API:\n%s", PrintAPI(s))
			}
			if s != nil {
				t.Error("non-nil supergraph with error")
			}
			if !errors.Is(err, ErrInvalidSupergraph) {
				t.Errorf("error does not wrap ErrInvalidSupergraph: %v", err)
			}
			if errors.Is(err, ErrUnsupportedFeature) != tt.unsupported {
				t.Errorf("errors.Is(ErrUnsupportedFeature) = %v: %v", !tt.unsupported, err)
			}
			if errors.Is(err, ErrInvalidFieldSet) != tt.fieldSet {
				t.Errorf("errors.Is(ErrInvalidFieldSet) = %v: %v", !tt.fieldSet, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestAcceptsSecurityFeatures: authenticated / requiresScopes / policy
// marked for SECURITY load; their directives stay in the full schema.
func TestAcceptsSecurityFeatures(t *testing.T) {
	s := load(t, "fed2_join05")
	me := s.Schema.Types["Query"].Fields.ForName("me")
	if me.Directives.ForName("requiresScopes") == nil {
		t.Error("full schema lost @requiresScopes application")
	}
	if s.API.Types["Query"].Fields.ForName("me").Directives.ForName("requiresScopes") != nil {
		t.Error("API keeps @requiresScopes application")
	}
}
