package federation

import (
	"strings"
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
	ratings.Fields = map[string]fedtest.FieldResolver{
		// related: the other medium, as the interface object knows it.
		"Media.related": func(p, _ map[string]any) (any, error) {
			other := map[string]string{"m1": "s1", "s1": "m1"}[p["id"].(string)]
			return []any{map[string]any{"__typename": "Media", "id": other, "stars": ioStars[other]}}, nil
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
	gw := startCase(t, "interface-object-basic", catalog, ratings, status)
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

var iorAccounts = map[string]map[string]any{
	"a1": {"__typename": "Admin", "id": "a1", "name": "Ann", "age": 30},
	"v1": {"__typename": "Viewer", "id": "v1", "name": "Vic", "age": 20},
}

// interfaceObjectRequires serves core (Account, Named and Gadget with their
// implementations), extras (Account as an @interfaceObject whose handle
// @requires the name core owns) and hidden (Gadget as a non-resolvable
// @interfaceObject).
func interfaceObjectRequires(t *testing.T) (*fedtest.Gateway, map[string]*fedtest.Subgraph) {
	core := &fedtest.Subgraph{Name: "core",
		Query: map[string]fedtest.Resolver{
			"accounts": func(map[string]any) (any, error) { return []any{iorAccounts["a1"], iorAccounts["v1"]}, nil },
			"named":    func(map[string]any) (any, error) { return []any{iorAccounts["v1"], iorAccounts["a1"]}, nil },
			"gadget": func(map[string]any) (any, error) {
				return map[string]any{"__typename": "Phone", "id": "g1", "model": "X"}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			id, _ := rep["id"].(string)
			if id == "g1" && (rep["__typename"] == "Gadget" || rep["__typename"] == "Phone") {
				return map[string]any{"__typename": "Phone", "id": "g1", "model": "X"}, nil
			}
			if a, ok := iorAccounts[id]; ok && (rep["__typename"] == "Account" || rep["__typename"] == a["__typename"]) {
				return a, nil
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"Admin": {"Account", "Named"}, "Viewer": {"Account", "Named"}, "Phone": {"Gadget"}},
	}
	extras := &fedtest.Subgraph{Name: "extras",
		Query: map[string]fedtest.Resolver{
			"otherAccounts": func(map[string]any) (any, error) {
				return []any{map[string]any{"__typename": "Account", "id": "a1"}, map[string]any{"__typename": "Account", "id": "v1"}}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] != "Account" {
				return nil, nil
			}
			out := map[string]any{"__typename": "Account", "id": rep["id"]}
			if name, ok := rep["name"].(string); ok {
				out["handle"] = "@" + strings.ToLower(name)
			}
			return out, nil
		},
		Fields: map[string]fedtest.FieldResolver{
			"Account.handle": func(p, _ map[string]any) (any, error) {
				h, ok := p["handle"]
				if !ok {
					return nil, &fedtest.Error{Message: "required field name not provided"}
				}
				return h, nil
			},
		},
	}
	hidden := &fedtest.Subgraph{Name: "hidden",
		Query: map[string]fedtest.Resolver{
			"gadgetRef": func(map[string]any) (any, error) { return map[string]any{"__typename": "Gadget", "id": "g1"}, nil },
		},
	}
	subs := map[string]*fedtest.Subgraph{"core": core, "extras": extras, "hidden": hidden}
	return startCase(t, "interface-object-requires", core, extras, hidden), subs
}

func TestInterfaceObjectWithRequires(t *testing.T) {
	gw, _ := interfaceObjectRequires(t)
	gw.Expect(`{ otherAccounts { id name handle } }`, nil,
		`{"data":{"otherAccounts":[{"id":"a1","name":"Ann","handle":"@ann"},{"id":"v1","name":"Vic","handle":"@vic"}]}}`)
	gw.Expect(`{ accounts { id name handle } }`, nil,
		`{"data":{"accounts":[{"id":"a1","name":"Ann","handle":"@ann"},{"id":"v1","name":"Vic","handle":"@vic"}]}}`)
	gw.Expect(`{ otherAccounts { ... on Admin { age } } }`, nil, `{"data":{"otherAccounts":[{"age":30},{}]}}`)
	gw.Expect(`{ accounts { ... on Admin { age } } }`, nil, `{"data":{"accounts":[{"age":30},{}]}}`)
	gw.Expect(`{ otherAccounts { ... on Admin { age id name handle } id name } }`, nil,
		`{"data":{"otherAccounts":[{"age":30,"id":"a1","name":"Ann","handle":"@ann"},{"id":"v1","name":"Vic"}]}}`)
	gw.Expect(`{ accounts { ... on Viewer { age id name handle } id name } }`, nil,
		`{"data":{"accounts":[{"id":"a1","name":"Ann"},{"age":20,"id":"v1","name":"Vic","handle":"@vic"}]}}`)
	gw.Expect(`{ otherAccounts { handle } }`, nil, `{"data":{"otherAccounts":[{"handle":"@ann"},{"handle":"@vic"}]}}`)
}

func TestInterfaceObjectThroughAnotherInterface(t *testing.T) {
	gw, _ := interfaceObjectRequires(t)
	// Named is not the interface extras extends: the implementations' field
	// comes from the Account interface object.
	gw.Expect(`{ named { name ... on Admin { handle } } }`, nil,
		`{"data":{"named":[{"name":"Vic"},{"name":"Ann","handle":"@ann"}]}}`)
	gw.Expect(`{ named { ... on Account { id handle } } }`, nil,
		`{"data":{"named":[{"id":"v1","handle":"@vic"},{"id":"a1","handle":"@ann"}]}}`)
	gw.Expect(`{ named { __typename ... on Account { t: __typename } } }`, nil,
		`{"data":{"named":[{"__typename":"Viewer","t":"Viewer"},{"__typename":"Admin","t":"Admin"}]}}`)
}

func TestInterfaceObjectNotResolvable(t *testing.T) {
	gw, subs := interfaceObjectRequires(t)
	// No type condition: the interface object answers alone.
	gw.Expect(`{ gadgetRef { id } }`, nil, `{"data":{"gadgetRef":{"id":"g1"}}}`)
	if n := len(subs["core"].Requests()); n != 0 {
		t.Errorf("core got %d requests, want none", n)
	}
	// The concrete type comes from core (its key is resolvable there).
	gw.Expect(`{ gadgetRef { __typename ... on Phone { id model } } }`, nil,
		`{"data":{"gadgetRef":{"__typename":"Phone","id":"g1","model":"X"}}}`)
	subs["hidden"].ResetRequests()
	gw.Expect(`{ gadget { id ... on Phone { model } } }`, nil, `{"data":{"gadget":{"id":"g1","model":"X"}}}`)
	if n := len(subs["hidden"].Requests()); n != 0 {
		t.Errorf("hidden got %d requests, want none (its key is not resolvable)", n)
	}
}

// Interface objects returned by an interface object's own field: their
// concrete types and the implementations' fields come from catalog.
func TestInterfaceObjectNested(t *testing.T) {
	gw, _ := interfaceObjectBasic(t)
	gw.Expect(`{ catalog { id related { id title __typename stars } } }`, nil,
		`{"data":{"catalog":[{"id":"m1","related":[{"id":"s1","title":"Dark","__typename":"Series","stars":4}]},`+
			`{"id":"s1","related":[{"id":"m1","title":"Alien","__typename":"Movie","stars":5}]}]}}`)
	gw.Expect(`{ featured { related { ... on Movie { runtime } ... on Series { seasons } } } }`, nil,
		`{"data":{"featured":[{"related":[{"seasons":3}]},{"related":[{"runtime":117}]}]}}`)
	gw.Expect(`{ featured { related { related { id stars } } } }`, nil,
		`{"data":{"featured":[{"related":[{"related":[{"id":"m1","stars":5}]}]},{"related":[{"related":[{"id":"s1","stars":4}]}]}]}}`)
}

// Piece: an interface a declares without implementations, b knows only as a
// non-resolvable @interfaceObject, c owns (with its @key and Pawn).
func TestInterfaceObjectOrphanInterface(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"orphan": func(map[string]any) (any, error) {
			return nil, &fedtest.Error{Message: `Abstract type "Piece" must resolve to an Object type at runtime for field "Query.orphan".`}
		},
	}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"piece": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Piece", "id": "p1", "label": "white pawn"}, nil
		},
	}}
	c := &fedtest.Subgraph{Name: "c", Supertypes: map[string][]string{"Pawn": {"Piece"}},
		Entities: func(rep map[string]any) (any, error) {
			if rep["id"] == "p1" {
				return map[string]any{"__typename": "Pawn", "id": "p1", "kind": "pawn", "rank": 2}, nil
			}
			return nil, nil
		}}
	gw := startCase(t, "interface-object-orphan", a, b, c)
	// a has no implementation of Piece and cannot reach label: label is
	// left out of the plan (no planning failure for the whole request), a
	// is asked for the orphan itself and its error nulls it; the sibling
	// root field is answered.
	gw.Expect(`{ piece { id } orphan { label } }`, nil,
		`{"data":{"piece":{"id":"p1"},"orphan":null},"errors":[{"message":"Abstract type \"Piece\" must resolve to an Object type at runtime for field \"Query.orphan\".","path":["orphan"],"extensions":{"serviceName":"a"}}]}`)
	a.ResetRequests()
	// id is a's own: asked, and a's error is the answer.
	_, got := gw.Query(`{ orphan { id } }`, nil)
	if !contains(got, `{"data":{"orphan":null},"errors":[{"message":"Abstract type \"Piece\" must resolve`) {
		t.Errorf("orphan { id }: got %s", got)
	}
	// No type condition: the interface object answers alone.
	gw.Expect(`{ piece { id label } }`, nil, `{"data":{"piece":{"id":"p1","label":"white pawn"}}}`)
	if n := len(c.Requests()); n != 0 {
		t.Errorf("c got %d requests, want none", n)
	}
	gw.Expect(`{ piece { ... on Pawn { rank } __typename } }`, nil, `{"data":{"piece":{"rank":2,"__typename":"Pawn"}}}`)
	// A field of the entity interface, through its key.
	gw.Expect(`{ piece { label kind } }`, nil, `{"data":{"piece":{"label":"white pawn","kind":"pawn"}}}`)
}
