package schema

import (
	"strings"
	"testing"
)

// TestComposeCarriesDirectives: authorization, cost, tags, inaccessible,
// deprecations, descriptions and @composeDirective'd directives reach the
// supergraph, merged across subgraphs.
func TestComposeCarriesDirectives(t *testing.T) {
	a := `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@policy", "@cost", "@listSize", "@tag", "@inaccessible", "@composeDirective"])
  @link(url: "https://example.dev/audit/v1.0", import: ["@audit"])
  @composeDirective(name: "@audit")
directive @audit(level: Int!) on FIELD_DEFINITION | OBJECT
type Query {
  "The products."
  products(first: Int = 10): [Product] @listSize(assumedSize: 50, slicingArguments: ["first"]) @tag(name: "public")
  secret: String @authenticated @inaccessible
}
type Product @key(fields: "id") @audit(level: 1) {
  id: ID!
  price: Int @shareable @requiresScopes(scopes: [["read:price"]]) @cost(weight: 3)
  old: String @deprecated(reason: "use price") @shareable
}`
	b := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@requiresScopes", "@policy", "@cost", "@tag"])
type Product @key(fields: "id") @tag(name: "catalog") {
  id: ID!
  "Price in cents."
  price: Int @shareable @requiresScopes(scopes: [["admin"], ["read:all"]]) @cost(weight: 5) @policy(policies: [["price_policy"]])
  old: String @shareable
}`
	sa, err := ParseSubgraph("a", "http://a", a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := ParseSubgraph("b", "http://b", b)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := Compose([]*SubgraphSchema{sa, sb})
	if err != nil {
		t.Fatal(err)
	}
	sdl := Print(sg)
	for _, want := range []string{
		`@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)`,
		`@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)`,
		`@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)`,
		`@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])`, // as @apollo/composition 2.9 writes it
		`@link(url: "https://example.dev/audit/v1.0", import: ["@audit"])`,
		`directive @audit(level: Int!) on FIELD_DEFINITION | OBJECT`,
		`secret: String @inaccessible @join__field(graph: A) @authenticated`, // @apollo/composition's order
		`@listSize(assumedSize: 50, slicingArguments: ["first"]) @tag(name: "public")`,
		`@cost(weight: 5) @policy(policies: [["price_policy"]]) @requiresScopes(scopes: [["admin", "read:price"], ["read:all", "read:price"]])`,
		`old: String @deprecated(reason: "use price")`,
		`@tag(name: "catalog")`,
		`@audit(level: 1)`,
		`  """Price in cents."""` + "\n  price: Int",
		`products(first: Int = 10): [Product]`,
	} {
		if !strings.Contains(sdl, want) {
			t.Errorf("supergraph lacks %s", want)
		}
	}
	if sg.API.Query.Fields.ForName("secret") != nil {
		t.Error("@inaccessible field in the API")
	}
	if d := sg.API.Types["Product"].Fields.ForName("old").Directives.ForName("deprecated"); d == nil {
		t.Error("@deprecated lost from the API")
	}
	if t.Failed() {
		t.Log(sdl)
	}
}
