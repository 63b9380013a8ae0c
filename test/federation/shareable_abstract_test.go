package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// Shelf.item and Shelf.items are @shareable in a and b, whose Item unions
// only intersect (Common in both, OnlyA in a, OnlyB in b). Only the members
// common to every subgraph that can resolve the path are selected, so the
// answer does not depend on the subgraph picked: an object of another
// member keeps its __typename and its member fields answer null.
func TestShareableAbstractMembers(t *testing.T) {
	sup := map[string][]string{"Common": {"Item"}, "OnlyA": {"Item"}, "OnlyB": {"Item"}}
	shelfOf := func(sub string, id any) map[string]any {
		only := obj("OnlyA", "a", "from a")
		if sub == "b" {
			only = obj("OnlyB", "b", "from b")
		}
		return obj("Shelf", "id", id, "item", only, "items", []any{obj("Common", "name", "c-"+sub), only})
	}
	a := &fedtest.Subgraph{Name: "a", Supertypes: sup,
		Query:    map[string]fedtest.Resolver{"shelfA": func(map[string]any) (any, error) { return shelfOf("a", "s1"), nil }},
		Entities: func(rep map[string]any) (any, error) { return shelfOf("a", rep["id"]), nil }}
	b := &fedtest.Subgraph{Name: "b", Supertypes: sup,
		Entities: func(rep map[string]any) (any, error) { return shelfOf("b", rep["id"]), nil }}
	c := &fedtest.Subgraph{Name: "c",
		Query: map[string]fedtest.Resolver{"shelf": func(map[string]any) (any, error) { return obj("Shelf", "id", "s1"), nil }}}
	gw := startCase(t, "shareable-abstract-members", a, b, c)
	sel := `{ __typename ... on Common { name } ... on OnlyA { a } ... on OnlyB { b } }`
	for _, root := range []string{"shelf", "shelfA"} {
		gw.Expect(`{ `+root+` { item `+sel+` items `+sel+` } }`, nil,
			`{"data":{"`+root+`":{"item":{"__typename":"OnlyA","a":null},`+
				`"items":[{"__typename":"Common","name":"c-a"},{"__typename":"OnlyA","a":null}]}}}`)
	}
	for _, sg := range []*fedtest.Subgraph{a, b, c} {
		for _, r := range sg.Requests() {
			if contains(r.Query, "OnlyA") || contains(r.Query, "OnlyB") {
				t.Errorf("%s was asked about a member only some subgraphs have: %s", sg.Name, r.Query)
			}
		}
	}
}
