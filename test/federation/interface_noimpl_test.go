package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// Thing is an @interfaceObject in a and an entity interface without any
// implementation in b: the API has no object type for it.
func TestInterfaceWithoutImplementations(t *testing.T) {
	thing := func(id string) map[string]any {
		return obj("Thing", "id", id, "name", "thing "+id, "parent", obj("Thing", "id", "p"+id, "name", "parent of "+id))
	}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"things":  func(map[string]any) (any, error) { return []any{thing("1"), thing("2")}, nil },
		"version": func(map[string]any) (any, error) { return "v1", nil },
	}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return nil, &fedtest.Error{Message: `Abstract type "Thing" must resolve to an Object type at runtime`}
	}}
	gw := startCase(t, "interface-object-no-implementations", a, b)
	// A fragment on the interface itself inside a field of the interface is
	// valid (a type always overlaps itself), even with no possible types.
	gw.Expect(`{ things { id ... on Thing { name parent { ... on Thing { name } } } } }`, nil,
		`{"data":{"things":[{"id":"1","name":"thing 1","parent":{"name":"parent of 1"}},{"id":"2","name":"thing 2","parent":{"name":"parent of 2"}}]}}`)
	gw.Expect(`{ things { ...T } } fragment T on Thing { id }`, nil, `{"data":{"things":[{"id":"1"},{"id":"2"}]}}`)
	// No subgraph can tell a Thing's concrete type: __typename (String!)
	// answers null with an error at its path, the sibling root field is
	// answered, and b (no implementation, no _entities) is never asked.
	gw.Expect(`{ version things { id __typename } }`, nil,
		`{"data":{"version":"v1","things":[null,null]},"errors":[`+
			`{"message":"Cannot resolve the concrete type of Thing: no subgraph that knows its implementations is reachable from subgraph \"a\"","path":["things",0,"__typename"],"extensions":{"code":"QUERY_PLANNING_FAILED"}},`+
			`{"message":"Cannot resolve the concrete type of Thing: no subgraph that knows its implementations is reachable from subgraph \"a\"","path":["things",1,"__typename"],"extensions":{"code":"QUERY_PLANNING_FAILED"}}]}`)
	if n := len(b.Requests()); n != 0 {
		t.Errorf("b got %d requests: %v", n, b.Requests())
	}
}
