package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// ioMedia is the catalog's data: the subgraph that knows the implementations.
var ioMedia = map[string]map[string]any{
	"m1": {"__typename": "Movie", "id": "m1", "title": "Alien", "runtime": 117},
	"s1": {"__typename": "Series", "id": "s1", "title": "Dark", "seasons": 3},
}

var ioMembers = map[string]map[string]any{
	"u1": {"__typename": "Staff", "id": "u1", "level": 3, "active": true},
	"u2": {"__typename": "Guest", "id": "u2", "level": 1},
}

var ioStars = map[string]any{"m1": 5, "s1": 4}

// interfaceObjectBasic serves catalog (Media/Member as interfaces with
// implementations), ratings (both as @interfaceObject, with root fields) and
// status (Member as @interfaceObject). The interfaceObject subgraphs answer
// __typename with the interface's name, which the gateway must never show.
func interfaceObjectBasic(t *testing.T) (*fedtest.Gateway, map[string]*fedtest.Subgraph) {
	catalog := &fedtest.Subgraph{Name: "catalog",
		Query: map[string]fedtest.Resolver{
			"catalog": func(map[string]any) (any, error) { return []any{ioMedia["m1"], ioMedia["s1"]}, nil },
		},
		Entities: func(rep map[string]any) (any, error) {
			id, _ := rep["id"].(string)
			switch rep["__typename"] {
			case "Media", "Movie", "Series":
				if m, ok := ioMedia[id]; ok && (rep["__typename"] == "Media" || rep["__typename"] == m["__typename"]) {
					return m, nil
				}
			case "Member", "Staff", "Guest":
				if m, ok := ioMembers[id]; ok && (rep["__typename"] == "Member" || rep["__typename"] == m["__typename"]) {
					return m, nil
				}
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"Movie": {"Media"}, "Series": {"Media"}, "Staff": {"Member"}, "Guest": {"Member"}},
	}
	ratings := &fedtest.Subgraph{Name: "ratings",
		Query: map[string]fedtest.Resolver{
			"featured": func(map[string]any) (any, error) {
				return []any{
					map[string]any{"__typename": "Media", "id": "m1", "stars": 5},
					map[string]any{"__typename": "Media", "id": "s1", "stars": 4},
				}, nil
			},
			"members": func(map[string]any) (any, error) {
				return []any{
					map[string]any{"__typename": "Member", "id": "u1", "handle": "@one"},
					map[string]any{"__typename": "Member", "id": "u2", "handle": "@two"},
				}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			id, _ := rep["id"].(string)
			switch rep["__typename"] {
			case "Media":
				return map[string]any{"__typename": "Media", "id": id, "stars": ioStars[id]}, nil
			case "Member":
				return map[string]any{"__typename": "Member", "id": id, "handle": "@" + map[string]string{"u1": "one", "u2": "two"}[id]}, nil
			}
			return nil, nil
		},
	}
	status := &fedtest.Subgraph{Name: "status",
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] != "Member" {
				return nil, nil
			}
			return map[string]any{"__typename": "Member", "id": rep["id"], "active": false}, nil
		},
	}
	subs := map[string]*fedtest.Subgraph{"catalog": catalog, "ratings": ratings, "status": status}
	gw := fedtest.Start(t, supergraph(t, "interface-object-basic"), []*fedtest.Subgraph{catalog, ratings, status})
	return gw, subs
}

func TestInterfaceObjectFields(t *testing.T) {
	gw, subs := interfaceObjectBasic(t)
	// A field of the interface object through the interface, from both sides.
	gw.Expect(`{ featured { id title stars } }`, nil,
		`{"data":{"featured":[{"id":"m1","title":"Alien","stars":5},{"id":"s1","title":"Dark","stars":4}]}}`)
	gw.Expect(`{ catalog { id title stars } }`, nil,
		`{"data":{"catalog":[{"id":"m1","title":"Alien","stars":5},{"id":"s1","title":"Dark","stars":4}]}}`)
	// Through a concrete implementation.
	gw.Expect(`{ catalog { ... on Movie { stars runtime } ... on Series { seasons } } }`, nil,
		`{"data":{"catalog":[{"stars":5,"runtime":117},{"seasons":3}]}}`)
	gw.Expect(`{ featured { ... on Movie { runtime stars } } }`, nil,
		`{"data":{"featured":[{"runtime":117,"stars":5},{}]}}`)
	// Only the interface object subgraph is needed.
	subs["catalog"].ResetRequests()
	gw.Expect(`{ members { handle } }`, nil, `{"data":{"members":[{"handle":"@one"},{"handle":"@two"}]}}`)
	if n := len(subs["catalog"].Requests()); n != 0 {
		t.Errorf("catalog got %d requests, want none", n)
	}
	// A field only other interface objects resolve.
	gw.Expect(`{ members { id active } }`, nil,
		`{"data":{"members":[{"id":"u1","active":false},{"id":"u2","active":false}]}}`)
}

func TestInterfaceObjectTypename(t *testing.T) {
	gw, subs := interfaceObjectBasic(t)
	gw.Expect(`{ members { handle __typename } }`, nil,
		`{"data":{"members":[{"handle":"@one","__typename":"Staff"},{"handle":"@two","__typename":"Guest"}]}}`)
	gw.Expect(`{ members { kind: __typename ... on Staff { __typename handle } } }`, nil,
		`{"data":{"members":[{"kind":"Staff","__typename":"Staff","handle":"@one"},{"kind":"Guest"}]}}`)
	gw.Expect(`{ featured { ... on Media { t: __typename } ... on Series { seasons } } }`, nil,
		`{"data":{"featured":[{"t":"Movie"},{"t":"Series","seasons":3}]}}`)
	// The interface's name the status subgraph gives never leaks.
	gw.Expect(`{ members { active __typename } }`, nil,
		`{"data":{"members":[{"active":false,"__typename":"Staff"},{"active":false,"__typename":"Guest"}]}}`)
	gw.Expect(`{ catalog { __typename stars } }`, nil,
		`{"data":{"catalog":[{"__typename":"Movie","stars":5},{"__typename":"Series","stars":4}]}}`)
	// Representations sent to an interface object carry the interface's name.
	subs["ratings"].ResetRequests()
	gw.Expect(`{ catalog { stars } }`, nil, `{"data":{"catalog":[{"stars":5},{"stars":4}]}}`)
	reqs := subs["ratings"].Requests()
	if len(reqs) != 1 {
		t.Fatalf("ratings got %d requests, want 1", len(reqs))
	}
	for _, r := range reqs[0].Variables["representations"].([]any) {
		if tn := r.(map[string]any)["__typename"]; tn != "Media" {
			t.Errorf("representation __typename %v, want Media", tn)
		}
	}
	// A fragment on an implementation needs the concrete type: one extra fetch.
	subs["catalog"].ResetRequests()
	gw.Expect(`{ members { id ... on Staff { active } } }`, nil,
		`{"data":{"members":[{"id":"u1","active":true},{"id":"u2"}]}}`)
	if n := len(subs["catalog"].Requests()); n != 1 {
		t.Errorf("catalog got %d requests, want 1", n)
	}
}
