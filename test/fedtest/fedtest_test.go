package fedtest

import (
	"strings"
	"testing"
)

const supergraph = `schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  A @join__graph(name: "a", url: "http://unused")
  B @join__graph(name: "b", url: "http://unused")
}
type Query @join__type(graph: A) @join__type(graph: B) {
  items(first: Int): [Item] @join__field(graph: A)
}
type Item @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  name: String @join__field(graph: A)
  price: Int @join__field(graph: B)
}
`

// TestHarness checks the harness itself: root fields with arguments,
// aliases and fragments in subgraph A, batched entities in subgraph B.
func TestHarness(t *testing.T) {
	items := []any{
		map[string]any{"__typename": "Item", "id": "1", "name": "one"},
		map[string]any{"__typename": "Item", "id": "2", "name": "two"},
	}
	a := &Subgraph{Name: "a", Query: map[string]Resolver{
		"items": func(args map[string]any) (any, error) {
			n := len(items)
			if f, ok := args["first"].(int64); ok && int(f) < n {
				n = int(f)
			}
			return items[:n], nil
		},
	}}
	b := &Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Item", "id": rep["id"], "price": len(rep["id"].(string)) * 10}, nil
	}}
	gw := Start(t, supergraph, []*Subgraph{a, b})
	gw.Expect(`{ items(first: 2) { n: name ... on Item { price } } }`, nil,
		`{"data":{"items":[{"n":"one","price":10},{"n":"two","price":10}]}}`)
	if got := len(b.Requests()); got != 1 {
		t.Fatalf("b got %d requests, want one batched _entities call", got)
	}
	if q := b.Requests()[0].Query; !strings.Contains(q, "_entities") {
		t.Errorf("b query %q", q)
	}
	reps := b.Requests()[0].Variables["representations"].([]any)
	if len(reps) != 2 {
		t.Errorf("representations %v", reps)
	}
}

// TestSchemaValidation: a subgraph with a Schema rejects what its server
// would reject (here fields of one response key with different types) and
// accepts federation operations.
func TestSchemaValidation(t *testing.T) {
	sg := &Subgraph{Name: "s", Schema: `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { things: [Thing] }
union Thing = A | B
type A @key(fields: "id") { id: ID! }
type B { id: ID }
`, Query: map[string]Resolver{"things": func(map[string]any) (any, error) {
		return []any{map[string]any{"__typename": "A", "id": "1"}}, nil
	}}, Entities: func(rep map[string]any) (any, error) { return rep, nil }}
	if got := string(sg.Execute(`{things{...on A{id} ...on B{id}}}`, "", nil)); !strings.Contains(got, `"errors"`) || strings.Contains(got, `"data"`) {
		t.Errorf("conflicting types accepted: %s", got)
	}
	if got := string(sg.Execute(`{things{...on A{id} ...on B{bid:id}}}`, "", nil)); got != `{"data":{"things":[{"id":"1"}]}}` {
		t.Errorf("got %s", got)
	}
	q := `query($representations:[_Any!]!){_entities(representations:$representations){...on A{id}}}`
	vars := map[string]any{"representations": []any{map[string]any{"__typename": "A", "id": "2"}}}
	if got := string(sg.Execute(q, "", vars)); got != `{"data":{"_entities":[{"id":"2"}]}}` {
		t.Errorf("got %s", got)
	}
}
