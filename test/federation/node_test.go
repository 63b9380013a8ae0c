package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// nodeCorrupt serves two subgraphs that both resolve Query.node but each
// knows the id of only its own type: the other type's id is @external there
// (and the subgraph answers it with garbage). A plan may only read an id
// from the subgraph that owns it.
func nodeCorrupt(t *testing.T) (*fedtest.Gateway, *fedtest.Subgraph, *fedtest.Subgraph) {
	people := &fedtest.Subgraph{Name: "people",
		Query: map[string]fedtest.Resolver{
			"node": func(args map[string]any) (any, error) {
				switch args["id"] {
				case "p1":
					return map[string]any{"__typename": "Person", "id": "p1", "nick": "ann"}, nil
				case "r1":
					return map[string]any{"__typename": "Room", "id": "corrupt", "owner": map[string]any{"__typename": "Person", "id": "p1", "nick": "ann"}}, nil
				}
				return nil, nil
			},
			"person": func(args map[string]any) (any, error) {
				if args["id"] == "p1" {
					return map[string]any{"__typename": "Person", "id": "p1", "nick": "ann"}, nil
				}
				return nil, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			switch {
			case rep["__typename"] == "Person" && rep["id"] == "p1":
				return map[string]any{"__typename": "Person", "id": "p1", "nick": "ann"}, nil
			case rep["__typename"] == "Room" && rep["id"] == "r1":
				return map[string]any{"__typename": "Room", "id": "r1", "owner": map[string]any{"__typename": "Person", "id": "p1", "nick": "ann"}}, nil
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"Person": {"Node"}, "Room": {"Node"}},
	}
	room := map[string]any{"__typename": "Room", "id": "r1", "topic": "go"}
	rooms := &fedtest.Subgraph{Name: "rooms",
		Query: map[string]fedtest.Resolver{
			"node": func(args map[string]any) (any, error) {
				switch args["id"] {
				case "p1":
					return map[string]any{"__typename": "Person", "id": "corrupt", "rooms": []any{room}}, nil
				case "r1":
					return room, nil
				}
				return nil, nil
			},
			"room": func(args map[string]any) (any, error) {
				if args["id"] == "r1" {
					return room, nil
				}
				return nil, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			switch {
			case rep["__typename"] == "Person" && rep["id"] == "p1":
				return map[string]any{"__typename": "Person", "id": "p1", "rooms": []any{room}}, nil
			case rep["__typename"] == "Room" && rep["id"] == "r1":
				return room, nil
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"Person": {"Node"}, "Room": {"Node"}},
	}
	gw := startCase(t, "node-corrupt-id", people, rooms)
	return gw, people, rooms
}

func TestNodeCorruptID(t *testing.T) {
	gw, people, rooms := nodeCorrupt(t)
	// Node.id: no subgraph can give the id of every possible type.
	// Where it cannot be resolved (on a Room) it answers null with an
	// error at its path; on a Person it is answered, and sibling root
	// fields are.
	gw.Expect(`{ node(id: "p1") { id } }`, nil, `{"data":{"node":{"id":"p1"}}}`)
	gw.Expect(`{ node(id: "r1") { id } }`, nil,
		`{"data":{"node":null},"errors":[{"message":"Cannot resolve Room.id: no subgraph can resolve it from subgraph \"people\" at path [node]","path":["node","id"],"extensions":{"code":"QUERY_PLANNING_FAILED"}}]}`)
	gw.Expect(`{ a: node(id: "r1") { id ... on Room { id } } b: node(id: "p1") { __typename id } }`, nil,
		`{"data":{"a":null,"b":{"__typename":"Person","id":"p1"}},"errors":[{"message":"Cannot resolve Room.id: no subgraph can resolve it from subgraph \"people\" at path [a]","path":["a","id"],"extensions":{"code":"QUERY_PLANNING_FAILED"}}]}`)

	// __typename alone: one fetch.
	people.ResetRequests()
	rooms.ResetRequests()
	gw.Expect(`{ a: node(id: "p1") { __typename } b: node(id: "r1") { __typename } }`, nil,
		`{"data":{"a":{"__typename":"Person"},"b":{"__typename":"Room"}}}`)
	if n := len(people.Requests()) + len(rooms.Requests()); n != 1 {
		t.Errorf("%d subgraph requests, want 1", n)
	}

	// Each node from the subgraph that owns the fields asked.
	gw.Expect(`{ a: node(id: "p1") { ... on Person { id nick } } b: node(id: "r1") { ... on Room { id topic } } }`, nil,
		`{"data":{"a":{"id":"p1","nick":"ann"},"b":{"id":"r1","topic":"go"}}}`)
	gw.Expect(`{ a: node(id: "p1") { ... on Room { id } } b: node(id: "r1") { ... on Person { id } } }`, nil,
		`{"data":{"a":{},"b":{}}}`)
	gw.Expect(`{ a: node(id: "p1") { __typename ... on Room { id } } b: node(id: "r1") { __typename ... on Person { id } } }`, nil,
		`{"data":{"a":{"__typename":"Person"},"b":{"__typename":"Room"}}}`)

	// Plain entity jumps between the two.
	gw.Expect(`{ room(id: "r1") { id topic owner { id nick } } }`, nil,
		`{"data":{"room":{"id":"r1","topic":"go","owner":{"id":"p1","nick":"ann"}}}}`)
	gw.Expect(`{ person(id: "p1") { id nick rooms { id topic } } }`, nil,
		`{"data":{"person":{"id":"p1","nick":"ann","rooms":[{"id":"r1","topic":"go"}]}}}`)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// node(id:) resolved by the subgraph that only knows ids; each concrete
// type's fields come from their owners, one batched fetch per subgraph.
func TestNodeLookup(t *testing.T) {
	kind := func(id string) string {
		switch {
		case len(id) > 0 && id[0] == 's':
			return "Shelf"
		case len(id) > 0 && id[0] == 'x':
			return "Ghost" // a corrupt answer: no such type
		}
		return "Book"
	}
	ids := &fedtest.Subgraph{Name: "ids",
		Supertypes: map[string][]string{"Book": {"Node"}, "Shelf": {"Node"}},
		Query: map[string]fedtest.Resolver{
			"node": func(args map[string]any) (any, error) {
				id := args["id"].(string)
				return map[string]any{"__typename": kind(id), "id": id}, nil
			},
			"nodes": func(args map[string]any) (any, error) {
				var out []any
				for _, id := range args["ids"].([]any) {
					out = append(out, map[string]any{"__typename": kind(id.(string)), "id": id})
				}
				return out, nil
			},
		},
	}
	books := &fedtest.Subgraph{Name: "books", Supertypes: ids.Supertypes,
		Entities: func(rep map[string]any) (any, error) {
			id := rep["id"].(string)
			if rep["__typename"] == "Shelf" {
				return map[string]any{"__typename": "Shelf", "id": id, "label": "shelf " + id}, nil
			}
			return map[string]any{"__typename": "Book", "id": id, "title": "title " + id, "pages": len(id) * 100}, nil
		}}
	mirror := &fedtest.Subgraph{Name: "mirror", Supertypes: ids.Supertypes,
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] == "Shelf" {
				return map[string]any{"__typename": "Shelf", "id": rep["id"],
					"books": []any{map[string]any{"__typename": "Book", "id": "b7"}}}, nil
			}
			return map[string]any{"__typename": "Book", "id": rep["id"]}, nil
		}}
	gw := startCase(t, "node-lookup", ids, books, mirror)
	gw.Expect(`{ node(id: "b1") { ... on Book { id title __typename pages } } }`, nil,
		`{"data":{"node":{"id":"b1","title":"title b1","__typename":"Book","pages":200}}}`)
	gw.Expect(`{ node(id: "s1") { id ... on Book { title } ... on Shelf { label books { title } } } }`, nil,
		`{"data":{"node":{"id":"s1","label":"shelf s1","books":[{"title":"title b7"}]}}}`)
	books.ResetRequests()
	gw.Expect(`{ nodes(ids: ["b1", "s2", "b3"]) { __typename id ... on Book { title } ... on Shelf { label } } }`, nil,
		`{"data":{"nodes":[{"__typename":"Book","id":"b1","title":"title b1"},{"__typename":"Shelf","id":"s2","label":"shelf s2"},{"__typename":"Book","id":"b3","title":"title b3"}]}}`)
	if n := len(books.Requests()); n != 1 {
		t.Errorf("books got %d requests, want one batch", n)
	}
	if n := len(mirror.Requests()); n != 1 {
		t.Errorf("mirror got %d requests, want 1 (the shelf's books)", n)
	}
	// A __typename the supergraph does not know: the object is invalid, null
	// with an error at its path, never half-rendered.
	gw.Expect(`{ node(id: "x1") { id ... on Book { title } } }`, nil,
		`{"data":{"node":null},"errors":[{"message":"Invalid value found for field Query.node","path":["node"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`)
	gw.Expect(`{ nodes(ids: ["b1", "x2"]) { id } }`, nil,
		`{"data":{"nodes":[{"id":"b1"},null]},"errors":[{"message":"Invalid value found for field Query.nodes","path":["nodes",1],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`)
}
