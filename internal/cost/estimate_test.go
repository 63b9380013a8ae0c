package cost

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/schema"
)

// shopSDL and reviewsSDL compose (schema.Compose, Federation v2.9) into the
// supergraph the cost tests run on: @cost and @listSize travel through
// composition under the cost spec's @link, as Apollo's composition writes
// them.
const shopSDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
type Query {
  me: User
  products(first: Int, last: Int): [Product!]! @listSize(slicingArguments: ["first", "last"])
  topProducts(limit: Int = 5): [Product!]! @listSize(slicingArguments: ["limit"], requireOneSlicingArgument: false)
  catalog(first: Int!): ProductConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
  featured: [Product!]! @listSize(assumedSize: 3)
  tags: [String!]!
  search(term: String!, filter: Filter): [SearchResult!]! @listSize(assumedSize: 4)
  node(id: ID!): Node
  expensive: Int @cost(weight: 50)
}
type Mutation {
  buy(id: ID!): Order
  rate(id: ID!, stars: Int! @cost(weight: 2)): Boolean
}
input Filter {
  inStock: Boolean @cost(weight: 3)
  maxPrice: Int
}
interface Node { id: ID! }
union SearchResult = Product | User
enum Status @cost(weight: 1) { ACTIVE RETIRED }
type Warehouse @cost(weight: 5) { id: ID! }
type User implements Node @key(fields: "id") {
  id: ID!
  name: String
  orders: [Order!]!
}
type Product implements Node @key(fields: "id") {
  id: ID!
  name: String
  status: Status
  stock: Warehouse
}
type Order {
  id: ID!
  total: Int
  items: [Product!]! @listSize(assumedSize: 5)
}
type ProductConnection {
  edges: [ProductEdge!]!
  pageInfo: PageInfo!
}
type ProductEdge { node: Product! }
type PageInfo { hasNextPage: Boolean! }
`

const reviewsSDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])
type Review {
  id: ID!
  body: String
  author: User
}
type Product @key(fields: "id") {
  id: ID!
  reviews: [Review!]! @listSize(assumedSize: 2)
}
type User @key(fields: "id") {
  id: ID!
}
`

func shopSupergraph(t testing.TB) *schema.Supergraph {
	t.Helper()
	a, err := schema.ParseSubgraph("shop", "http://shop.invalid/graphql", shopSDL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := schema.ParseSubgraph("reviews", "http://reviews.invalid/graphql", reviewsSDL)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.Compose([]*schema.SubgraphSchema{a, b})
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

func parseOp(t testing.TB, sg *schema.Supergraph, q string) (*ast.QueryDocument, *ast.OperationDefinition) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, q, nil)
	if errs != nil {
		t.Fatalf("%s: %v", q, errs)
	}
	return doc, doc.Operations[0]
}

// apolloSupergraph is shopSDL and reviewsSDL composed by
// @apollo/composition 2.9 (test/federation/compose): the cost link
// imports only @listSize there, @cost being the spec's own directive.
func apolloSupergraph(t testing.TB) *schema.Supergraph {
	t.Helper()
	b, err := os.ReadFile("testdata/apollo-composed.graphql")
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

// TestComposedAsApollo: Junction's composition writes the cost
// directives as Apollo's does, byte for byte.
func TestComposedAsApollo(t *testing.T) {
	if got, want := schema.Print(shopSupergraph(t)), apolloSupergraph(t).SDL; got != want {
		t.Errorf("Junction's composition differs from @apollo/composition's:\n%s", got)
	}
}

// TestEstimate: each expected cost is worked out by hand in its comment
// (default list size 10), on Junction's and on Apollo's composition.
func TestEstimate(t *testing.T) {
	for _, sg := range []*schema.Supergraph{shopSupergraph(t), apolloSupergraph(t)} {
		testEstimate(t, sg)
	}
}

func testEstimate(t *testing.T, sg *schema.Supergraph) {
	tab, err := NewTable(sg, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		query   string
		vars    map[string]any
		want    float64
		slicing bool // a requireOneSlicingArgument problem is reported
	}{
		// me: an object, 1 × (1 + id 0 + name 0) = 1.
		{"object", `{ me { id name } }`, nil, 1, false},
		// tags: a list of scalars, 10 × 0 = 0.
		{"scalar list", `{ tags }`, nil, 0, false},
		// featured: assumedSize 3, 3 × (1 + 0) = 3.
		{"assumed size", `{ featured { id name } }`, nil, 3, false},
		// products(first: 7): the slicing argument, 7 × 1 = 7.
		{"slicing literal", `{ products(first: 7) { id } }`, nil, 7, false},
		// products(first: $n) with n = 20: 20 × 1 = 20.
		{"slicing variable", `query($n: Int) { products(first: $n) { id } }`, map[string]any{"n": 20}, 20, false},
		// Two slicing arguments given: the larger, 3 × 1 = 3, and
		// requireOneSlicingArgument is broken.
		{"two slicing arguments", `{ products(first: 2, last: 3) { id } }`, nil, 3, true},
		// None given, no assumedSize: the default 10 × 1 = 10; broken too.
		{"no slicing argument", `{ products { id } }`, nil, 10, true},
		// topProducts: the argument's default 5 counts, 5 × 1 = 5;
		// requireOneSlicingArgument: false.
		{"slicing default", `{ topProducts { id } }`, nil, 5, false},
		// catalog(first: 4): sizedFields edges. catalog is one object:
		// 1 × (1 + edges 4 × (1 + node 1) + pageInfo 1) = 1 + 8 + 1 = 10.
		{"sized fields", `{ catalog(first: 4) { edges { node { id name } } pageInfo { hasNextPage } } }`, nil, 10, false},
		// products(first: 2) { reviews (assumedSize 2) { author } }:
		// reviews = 2 × (1 + author 1) = 4; products = 2 × (1 + 4) = 10.
		{"nested lists", `{ products(first: 2) { reviews { author { name } } } }`, nil, 10, false},
		// expensive: a scalar field with @cost(weight: 50) = 50.
		{"field cost", `{ expensive }`, nil, 50, false},
		// stock: Warehouse @cost(weight: 5) replaces the object's 1:
		// products(first: 1) = 1 × (1 + 5) = 6.
		{"object type cost", `{ products(first: 1) { stock { id } } }`, nil, 6, false},
		// status: enum Status @cost(weight: 1): 1 × (1 + 1) = 2.
		{"enum type cost", `{ products(first: 1) { status } }`, nil, 2, false},
		// search: a union, the most expensive member: Product costs
		// reviews 2 × 1 = 2, User 0; 4 × (1 + 2) = 12.
		{"union max", `{ search(term: "x") { ... on Product { id reviews { id } } ... on User { id name } } }`, nil, 12, false},
		// filter.inStock set: input field @cost 3; 4 × 1 + 3 = 7.
		{"input field cost", `{ search(term: "x", filter: {inStock: true}) { __typename } }`, nil, 7, false},
		// Same through a variable: 7.
		{"input field cost variable", `query($f: Filter) { search(term: "x", filter: $f) { __typename } }`,
			map[string]any{"f": map[string]any{"inStock": false, "maxPrice": 3}}, 7, false},
		// maxPrice has no cost: 4 × 1 + 0 = 4.
		{"input field without cost", `{ search(term: "x", filter: {maxPrice: 3}) { __typename } }`, nil, 4, false},
		// node: an interface; User's orders cost 10 × 1 = 10, Product 0:
		// 1 × (1 + 10) = 11.
		{"interface max", `{ node(id: "1") { id ... on User { orders { id } } } }`, nil, 11, false},
		// Two fragments select orders: merged into one field, 1 × (1 +
		// 10 × 1) = 11, not 21.
		{"fragments merged", `{ me { ...A ...B } } fragment A on User { orders { id } } fragment B on User { orders { total } }`, nil, 11, false},
		// Aliases are different fields: 2 + 3 = 5.
		{"aliases", `{ a: products(first: 2) { id } b: products(first: 3) { id } }`, nil, 5, false},
		// me { orders { items } }: items 5 × 1 = 5; orders 10 × (1 + 5)
		// = 60; me 1 × (1 + 60) = 61.
		{"deep", `{ me { orders { items { id } } } }`, nil, 61, false},
		// A mutation: 10 per root field; buy 10 + Order 1; rate 10 +
		// Boolean 0 + stars' @cost 2: 11 + 12 = 23.
		{"mutation", `mutation { buy(id: "1") { id } rate(id: "1", stars: 5) }`, nil, 23, false},
		// @skip(if: true) on me: only featured, 3.
		{"skipped", `query($s: Boolean!) { me @skip(if: $s) { id } featured { id } }`, map[string]any{"s": true}, 3, false},
		// @skip(if: false): me 1 + featured 3 = 4.
		{"not skipped", `query($s: Boolean!) { me @skip(if: $s) { id } featured { id } }`, map[string]any{"s": false}, 4, false},
		// Introspection and __typename cost nothing: me 1.
		{"typename", `{ __typename me { __typename } }`, nil, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, op := parseOp(t, sg, tc.query)
			for range 2 { // the second answer comes from the cache
				got, problem := tab.Estimate(tc.query, doc, op, tc.vars)
				if got != tc.want {
					t.Errorf("estimate %v, want %v", got, tc.want)
				}
				if (problem != nil) != tc.slicing {
					t.Errorf("slicing problem %v, want %v", problem, tc.slicing)
				}
				if problem != nil && problem.Extensions["code"] != CodeSlicing {
					t.Errorf("code %v", problem.Extensions["code"])
				}
			}
		})
	}
}

// TestEstimateSaturates: sizes whose product overflows give the
// largest cost, never +Inf or a wrapped number.
func TestEstimateSaturates(t *testing.T) {
	sg := shopSupergraph(t)
	tab, err := NewTable(sg, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	doc, op := parseOp(t, sg, `{ me { orders { items { reviews { author { orders { items { id } } } } } } } }`)
	if got, _ := tab.Estimate("saturates", doc, op, nil); got != maxCost {
		t.Errorf("estimate %v, want %v", got, maxCost)
	}
}

// TestEstimateCacheKeyedByVariables: one cached document, different
// values of the variables the estimate reads, different costs; a
// variable it does not read shares the entry.
func TestEstimateCacheKeyedByVariables(t *testing.T) {
	sg := shopSupergraph(t)
	tab, err := NewTable(sg, 10)
	if err != nil {
		t.Fatal(err)
	}
	query := `query($n: Int, $s: Boolean!, $id: ID!) {
  products(first: $n) @skip(if: $s) { id }
  node(id: $id) { id }
  me @include(if: $s) { orders { items @skip(if: $s) { id } } }
}`
	doc, op := parseOp(t, sg, query)
	for _, tc := range []struct {
		vars map[string]any
		want float64
	}{
		// products n × 1 + node 1 (+ me skipped)
		{map[string]any{"n": 20, "s": false, "id": "1"}, 21},
		{map[string]any{"n": 3, "s": false, "id": "2"}, 4},
		// s true: products skipped; node 1; me 1 × (1 + orders 10 × 1) = 11
		{map[string]any{"n": 3, "s": true, "id": "2"}, 12},
		{map[string]any{"n": 20, "s": false, "id": "9"}, 21},
	} {
		if got, _ := tab.Estimate(query, doc, op, tc.vars); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.vars, got, tc.want)
		}
	}
	shape, ok := tab.estimates.Get(estimateKey{op: hash(query) + "\x00"})
	if !ok || len(shape.used) != 2 || shape.used[0] != "n" || shape.used[1] != "s" {
		t.Errorf("variables that matter: %v (cached %v), want [n s]", shape.used, ok)
	}
}

// TestActual: the cost of what a response holds, by hand.
func TestActual(t *testing.T) {
	sg := shopSupergraph(t)
	tab, err := NewTable(sg, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query, data string
		want              float64
	}{
		// Two products (1 each), one review (1) under the first: 3.
		{"lists count their elements", `{ products(first: 7) { id reviews { id } } }`,
			`{"products":[{"id":"1","reviews":[{"id":"r"}]},{"id":"2","reviews":[]}]}`, 3},
		// A null object counts nothing.
		{"null", `{ me { id } }`, `{"me":null}`, 0},
		// Union members by __typename: Product 1 (no reviews), User 1.
		{"typename", `{ search(term: "x") { __typename ... on Product { id reviews { id } } ... on User { id name } } }`,
			`{"search":[{"__typename":"Product","id":"1","reviews":[]},{"__typename":"User","id":"u","name":"n"}]}`, 2},
		// Without __typename, by the keys present: a Product with two
		// reviews (1 + 2) and a User (1): 4.
		{"no typename", `{ search(term: "x") { ... on Product { id reviews { id } } ... on User { name } } }`,
			`{"search":[{"id":"1","reviews":[{"id":"a"},{"id":"b"}]},{"name":"n"}]}`, 4},
		// Weights: Warehouse 5, Status 1, the product 1 each: 2 × 1 + 5 + 1 = 8.
		{"weights", `{ products(first: 2) { stock { id } status } }`,
			`{"products":[{"stock":{"id":"w"},"status":"ACTIVE"},{"stock":null,"status":null}]}`, 8},
		// A mutation: 10 + Order 1, 10 + stars 2: 23.
		{"mutation", `mutation { buy(id: "1") { id } rate(id: "1", stars: 5) }`, `{"buy":{"id":"o"},"rate":true}`, 23},
		{"no data", `{ me { id } }`, `null`, 0},
		// Escapes and brackets inside strings are skipped as strings: 2.
		{"escapes", `{ products(first: 2) { name status } }`,
			`{"products":[{"name":"a \"}]{[\\","status":null},{"name":"\u00e9 ]}","status":null}]}`, 2},
		// Keys in another order than the selection, whitespace anywhere.
		{"order", `{ products(first: 2) { id stock { id } } }`,
			"{ \"products\" : [ { \"stock\" : { \"id\" : \"w\" } , \"id\" : \"1\" } ] }", 6},
		// A mutation field that answers null still ran: 10 + 0.
		{"mutation null", `mutation { buy(id: "1") { id } }`, `{"buy":null}`, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, op := parseOp(t, sg, tc.query)
			got, err := tab.Actual(doc, op, nil, json.RawMessage(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("actual %v, want %v", got, tc.want)
			}
		})
	}
}

// TestActualMalformed: a malformed document is an error, never a panic
// or a hang.
func TestActualMalformed(t *testing.T) {
	sg := shopSupergraph(t)
	tab, err := NewTable(sg, 10)
	if err != nil {
		t.Fatal(err)
	}
	doc, op := parseOp(t, sg, `{ products(first: 2) { id stock { id } } }`)
	for _, data := range []string{`{"products":[{"id":"1"`, `{"products":[{"id":"1"}}`, `{"products" [`, `{"products":[{"stock":{"id":"x}]}`, `[1]`} {
		if _, err := tab.Actual(doc, op, nil, json.RawMessage(data)); err == nil {
			t.Errorf("%s: no error", data)
		}
	}
}

// TestTableRefusesBadWeights: a malformed @cost refuses the supergraph,
// naming the coordinate.
func TestTableRefusesBadWeights(t *testing.T) {
	sdl := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])
type Query { things: [String] @listSize(assumedSize: -2) }
`
	s, err := schema.ParseSubgraph("a", "http://127.0.0.1:1/a", sdl)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.Compose([]*schema.SubgraphSchema{s})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewTable(sg, 10)
	if err == nil || err.Error() != "demand control: @listSize on Query.things: assumedSize -2 is not a size" {
		t.Errorf("err = %v", err)
	}
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
