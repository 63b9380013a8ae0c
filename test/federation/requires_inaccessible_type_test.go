package federation

import (
	"fmt"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// Item.summary requires data { ... on Foo { foo } ... on Bar { bar } }
// where Foo is @inaccessible: the API schema does not have it, yet an item
// whose data is a Foo must be sent with foo, and with name (a fragment on
// the interface Named, which Foo implements). Type conditions in
// representations follow the supergraph's possible types.
func TestRequiresInaccessibleRuntimeType(t *testing.T) {
	sup := map[string][]string{"Foo": {"Data", "Named"}, "Bar": {"Data", "Named"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: sup, Query: map[string]fedtest.Resolver{"items": func(map[string]any) (any, error) {
		return []any{obj("Item", "id", "1", "data", obj("Foo", "foo", "F", "name", "f")), obj("Item", "id", "2", "data", obj("Bar", "bar", "B", "name", "b"))}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Supertypes: sup, Entities: func(rep map[string]any) (any, error) {
		return obj("Item", "id", rep["id"], "summary", fmt.Sprint(rep["data"])), nil
	}}
	gw := startCase(t, "requires-inaccessible-type", a, b)
	gw.Expect(`{ items { id summary } }`, nil,
		`{"data":{"items":[{"id":"1","summary":"map[foo:F name:f]"},{"id":"2","summary":"map[bar:B name:b]"}]}}`)
	expectReps(t, b, `[{"__typename":"Item","data":{"foo":"F","name":"f"},"id":"1"},{"__typename":"Item","data":{"bar":"B","name":"b"},"id":"2"}]`)
}
