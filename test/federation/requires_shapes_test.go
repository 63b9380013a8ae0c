package federation

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// @requires field sets of every shape: nested objects, fragments on
// interfaces, abstract parents, @interfaceObject, Federation 1.

// Required selections on an interface-typed field with type conditions.
func TestRequiresInterface(t *testing.T) {
	book := map[string]any{"__typename": "Book", "id": "b1", "title": "Dune"}
	movie := map[string]any{"__typename": "Movie", "id": "m1", "minutes": 155}
	shelves := map[string]map[string]any{
		"s1": {"__typename": "Shelf", "id": "s1", "item": book},
		"s2": {"__typename": "Shelf", "id": "s2", "item": movie},
		"s3": {"__typename": "Shelf", "id": "s3", "item": nil},
	}
	super := map[string][]string{"Book": {"Media"}, "Movie": {"Media"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: super,
		Query: map[string]fedtest.Resolver{
			"shelf":   func(map[string]any) (any, error) { return shelves["s1"], nil },
			"shelves": func(map[string]any) (any, error) { return []any{shelves["s1"], shelves["s2"], shelves["s3"]}, nil },
		},
		Entities: func(rep map[string]any) (any, error) { return shelves[rep["id"].(string)], nil },
	}
	b := &fedtest.Subgraph{Name: "b", Supertypes: super, Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Shelf", "id": rep["id"]}
		item, has := rep["item"]
		if !has {
			return out, nil
		}
		m, _ := item.(map[string]any)
		switch {
		case m == nil:
			out["label"], out["bookLabel"] = "empty", "no book"
		case m["title"] != nil:
			out["label"] = fmt.Sprintf("%v:%v", m["__typename"], m["title"])
			out["bookLabel"] = fmt.Sprintf("book %v", m["title"])
		case m["minutes"] != nil:
			out["label"] = fmt.Sprintf("%v:%v", m["__typename"], num(m["minutes"]))
			out["bookLabel"] = "no book"
		default:
			out["label"], out["bookLabel"] = "unknown", fmt.Sprintf("no book %d", len(m))
		}
		return out, nil
	}}
	gw := startCase(t, "requires-interface", a, b)

	gw.Expect(`{ shelf { label } }`, nil, `{"data":{"shelf":{"label":"Book:Dune"}}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Shelf","id":"s1","item":{"__typename":"Book","title":"Dune"}}]`)

	resetAll(a, b)
	gw.Expect(`{ shelves { id label bookLabel } }`, nil,
		`{"data":{"shelves":[{"id":"s1","label":"Book:Dune","bookLabel":"book Dune"},`+
			`{"id":"s2","label":"Movie:155","bookLabel":"no book"},{"id":"s3","label":"empty","bookLabel":"no book"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 1)

	// Only the fragment's fields: a Movie is sent with an empty item.
	resetAll(a, b)
	gw.Expect(`{ shelves { bookLabel } }`, nil,
		`{"data":{"shelves":[{"bookLabel":"book Dune"},{"bookLabel":"no book 0"},{"bookLabel":"no book"}]}}`)
	expectReps(t, b, `[{"__typename":"Shelf","id":"s1","item":{"title":"Dune"}},`+
		`{"__typename":"Shelf","id":"s2","item":{}},{"__typename":"Shelf","id":"s3","item":null}]`)

	// The client's own selection of the required field is answered as asked.
	resetAll(a, b)
	gw.Expect(`{ shelves { item { id ... on Movie { minutes } } label } }`, nil,
		`{"data":{"shelves":[{"item":{"id":"b1"},"label":"Book:Dune"},{"item":{"id":"m1","minutes":155},"label":"Movie:155"},{"item":null,"label":"empty"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 1)
}

// Required selections with nested objects, merged with the client's own
// selection of the same fields and with a client alias on a required name.
func TestRequiresNestedSelection(t *testing.T) {
	parcel := map[string]any{"__typename": "Parcel", "id": "p1", "weight": 5,
		"size": map[string]any{"__typename": "Size", "width": 2, "height": 3,
			"unit": map[string]any{"__typename": "Unit", "name": "cm", "factor": 10}}}
	a := &fedtest.Subgraph{Name: "a",
		Query:    map[string]fedtest.Resolver{"parcel": func(map[string]any) (any, error) { return parcel, nil }},
		Entities: func(rep map[string]any) (any, error) { return parcel, nil },
	}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		size, _ := rep["size"].(map[string]any)
		unit, _ := size["unit"].(map[string]any)
		return map[string]any{"__typename": "Parcel", "id": rep["id"],
			"cost": num(rep["weight"]) * num(size["width"]) * num(size["height"]) * num(unit["factor"])}, nil
	}}
	gw := startCase(t, "requires-nested-selection", a, b)

	gw.Expect(`{ parcel { cost } }`, nil, `{"data":{"parcel":{"cost":300}}}`)
	expectReps(t, b, `[{"__typename":"Parcel","id":"p1","size":{"height":3,"unit":{"factor":10},"width":2},"weight":5}]`)

	resetAll(a, b)
	gw.Expect(`{ parcel { size { unit { name } } cost } }`, nil,
		`{"data":{"parcel":{"size":{"unit":{"name":"cm"}},"cost":300}}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Parcel","id":"p1","size":{"height":3,"unit":{"factor":10},"width":2},"weight":5}]`)

	resetAll(a, b)
	gw.Expect(`{ parcel { weight: id size: weight cost } }`, nil,
		`{"data":{"parcel":{"weight":"p1","size":5,"cost":300}}}`)
	expectReps(t, b, `[{"__typename":"Parcel","id":"p1","size":{"height":3,"unit":{"factor":10},"width":2},"weight":5}]`)

	resetAll(a, b)
	gw.Expect(`{ parcel { size { width: height height: width unit { factor: name } } cost } }`, nil,
		`{"data":{"parcel":{"size":{"width":3,"height":2,"unit":{"factor":"cm"}},"cost":300}}}`)
	expectReps(t, b, `[{"__typename":"Parcel","id":"p1","size":{"height":3,"unit":{"factor":10},"width":2},"weight":5}]`)
}

// Required selections with nested fragments on interfaces and objects,
// the requiring subgraph also serving the root field.
func TestRequiresFragments(t *testing.T) {
	contents := map[string]map[string]any{
		"b1": {"__typename": "Letter", "code": "L1", "label": "urgent", "sender": "ann"},
		"b2": {"__typename": "Blank", "code": "B0"},
		"b3": {"__typename": "Parcel", "code": "P7", "label": "fragile", "weight": 12},
		"b4": nil,
	}
	super := map[string][]string{"Letter": {"Content", "Labeled"}, "Parcel": {"Content", "Labeled"}, "Blank": {"Content"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: super, Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		c := any(contents[id])
		if contents[id] == nil {
			c = nil
		}
		return map[string]any{"__typename": "Box", "id": id, "content": c}, nil
	}}
	b := &fedtest.Subgraph{Name: "b", Supertypes: super,
		Query: map[string]fedtest.Resolver{"otherBoxes": func(map[string]any) (any, error) {
			var out []any
			for _, id := range []string{"b1", "b2", "b3", "b4"} {
				out = append(out, map[string]any{"__typename": "Box", "id": id})
			}
			return out, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			raw, _ := json.Marshal(rep["content"])
			return map[string]any{"__typename": "Box", "id": rep["id"], "summary": string(raw)}, nil
		},
	}
	gw := startCase(t, "requires-fragments", a, b)

	gw.Expect(`{ otherBoxes { id summary } }`, nil, `{"data":{"otherBoxes":[`+
		`{"id":"b1","summary":"{\"code\":\"L1\",\"label\":\"urgent\",\"sender\":\"ann\"}"},`+
		`{"id":"b2","summary":"{\"code\":\"B0\"}"},`+
		`{"id":"b3","summary":"{\"code\":\"P7\",\"label\":\"fragile\",\"weight\":12}"},`+
		`{"id":"b4","summary":"null"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)

	resetAll(a, b)
	gw.Expect(`{ otherBoxes { content { __typename ... on Labeled { code: label } } summary } }`, nil, `{"data":{"otherBoxes":[`+
		`{"content":{"__typename":"Letter","code":"urgent"},"summary":"{\"code\":\"L1\",\"label\":\"urgent\",\"sender\":\"ann\"}"},`+
		`{"content":{"__typename":"Blank"},"summary":"{\"code\":\"B0\"}"},`+
		`{"content":{"__typename":"Parcel","code":"fragile"},"summary":"{\"code\":\"P7\",\"label\":\"fragile\",\"weight\":12}"},`+
		`{"content":null,"summary":"null"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
}

// @requires on fields of the implementations of an interface in a list:
// one fetch carries a representation fragment per type; the requiring
// field selected twice under aliases; a client alias on a required name.
func TestRequiresAbstractParent(t *testing.T) {
	super := map[string][]string{"Book": {"Item"}, "Pen": {"Item"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: super, Query: map[string]fedtest.Resolver{"items": func(map[string]any) (any, error) {
		return []any{
			map[string]any{"__typename": "Book", "id": "b1", "weight": 3},
			map[string]any{"__typename": "Pen", "id": "n1", "weight": 1},
			map[string]any{"__typename": "Book", "id": "b2", "weight": 5},
		}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Supertypes: super, Entities: func(rep map[string]any) (any, error) {
		f := 10
		if rep["__typename"] == "Pen" {
			f = 100
		}
		return map[string]any{"__typename": rep["__typename"], "id": rep["id"], "shipping": f * num(rep["weight"])}, nil
	}}
	gw := startCase(t, "requires-abstract-parent", a, b)
	gw.Expect(`{ items { id ... on Book { s1: shipping s2: shipping } ... on Pen { shipping weight: id } } }`, nil,
		`{"data":{"items":[{"id":"b1","s1":30,"s2":30},{"id":"n1","shipping":100,"weight":"n1"},{"id":"b2","s1":50,"s2":50}]}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Book","id":"b1","weight":3},{"__typename":"Pen","id":"n1","weight":1},{"__typename":"Book","id":"b2","weight":5}]`)
}

// A required interface field that the providing subgraph declares only on
// the implementations: asked per concrete type there.
func TestRequiresInterfaceSpread(t *testing.T) {
	super := map[string][]string{"Book": {"Media"}, "Movie": {"Media"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: super, Query: map[string]fedtest.Resolver{"shelf": func(map[string]any) (any, error) {
		return map[string]any{"__typename": "Shelf", "id": "s1", "item": map[string]any{"__typename": "Movie", "id": "m1", "title": "Heat"}}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Supertypes: super, Entities: func(rep map[string]any) (any, error) {
		item, _ := rep["item"].(map[string]any)
		return map[string]any{"__typename": "Shelf", "id": rep["id"], "label": fmt.Sprintf("[%v]", item["title"])}, nil
	}}
	gw := startCase(t, "requires-interface-spread", a, b)
	gw.Expect(`{ shelf { label } }`, nil, `{"data":{"shelf":{"label":"[Heat]"}}}`)
	expectReps(t, b, `[{"__typename":"Shelf","id":"s1","item":{"title":"Heat"}}]`)
}

// @requires on a field of an @interfaceObject: the required interface
// field comes from the subgraph that knows the implementations, and the
// objects are sent to the interface-object subgraph as the interface.
func TestRequiresInterfaceObject(t *testing.T) {
	people := map[string]map[string]any{
		"m1": {"__typename": "Person", "id": "m1", "nick": "ace", "age": 30},
		"m2": {"__typename": "Person", "id": "m2", "nick": "bo", "age": 40},
	}
	super := map[string][]string{"Person": {"Member"}}
	a := &fedtest.Subgraph{Name: "a", Supertypes: super,
		Query:    map[string]fedtest.Resolver{"members": func(map[string]any) (any, error) { return []any{people["m1"], people["m2"]}, nil }},
		Entities: func(rep map[string]any) (any, error) { return people[rep["id"].(string)], nil },
	}
	b := &fedtest.Subgraph{Name: "b",
		Query: map[string]fedtest.Resolver{"otherMembers": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Member", "id": "m2"}, map[string]any{"__typename": "Member", "id": "m1"}}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] != "Member" {
				return nil, fmt.Errorf("b knows no %v", rep["__typename"])
			}
			nick, ok := rep["nick"]
			if !ok {
				return nil, fmt.Errorf("nick not provided")
			}
			return map[string]any{"__typename": "Member", "id": rep["id"], "handle": fmt.Sprintf("@%v", nick)}, nil
		},
	}
	gw := startCase(t, "requires-interface-object", a, b)

	gw.Expect(`{ members { id handle } }`, nil, `{"data":{"members":[{"id":"m1","handle":"@ace"},{"id":"m2","handle":"@bo"}]}}`)
	expectReps(t, b, `[{"__typename":"Member","id":"m1","nick":"ace"},{"__typename":"Member","id":"m2","nick":"bo"}]`)

	resetAll(a, b)
	gw.Expect(`{ otherMembers { id nick handle } }`, nil, `{"data":{"otherMembers":[{"id":"m2","nick":"bo","handle":"@bo"},{"id":"m1","nick":"ace","handle":"@ace"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)

	resetAll(a, b)
	gw.Expect(`{ otherMembers { ... on Person { age handle } } }`, nil, `{"data":{"otherMembers":[{"age":40,"handle":"@bo"},{"age":30,"handle":"@ace"}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
}

// Federation 1 subgraphs: @requires on an extended type, a value type in
// the required selection.
func TestRequiresFed1(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"products": func(map[string]any) (any, error) {
		return []any{
			map[string]any{"__typename": "Product", "id": "p1", "weight": 2, "size": map[string]any{"__typename": "Size", "w": 3, "h": 4}},
			map[string]any{"__typename": "Product", "id": "p2", "weight": nil, "size": nil},
		}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		size, _ := rep["size"].(map[string]any)
		if size == nil || rep["weight"] == nil {
			return map[string]any{"__typename": "Product", "id": rep["id"], "shipping": 0}, nil
		}
		return map[string]any{"__typename": "Product", "id": rep["id"],
			"shipping": num(rep["weight"]) * num(size["w"]) * num(size["h"])}, nil
	}}
	gw := startCase(t, "requires-fed1", a, b)
	gw.Expect(`{ products { id shipping size { h } } }`, nil,
		`{"data":{"products":[{"id":"p1","shipping":24,"size":{"h":4}},{"id":"p2","shipping":0,"size":null}]}}`)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","size":{"h":4,"w":3},"weight":2},{"__typename":"Product","id":"p2","size":null,"weight":null}]`)
}
