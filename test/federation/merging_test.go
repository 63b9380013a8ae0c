package federation

import (
	"strings"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// enumSubgraphs serves merging-enum: a owns Member.kind (Kind, used as input
// and output, GUEST @inaccessible), kinds, strictKinds and mood (Mood, output
// only: the API has the union of a's and b's values); b owns moodB. Order is
// input only: the API keeps the values both subgraphs know.
func enumSubgraphs() (a, b *fedtest.Subgraph) {
	members := []any{
		map[string]any{"__typename": "Member", "id": "1", "kind": "BASIC", "kinds": []any{"BASIC", "GUEST"},
			"strictKinds": []any{"PREMIUM", "GUEST"}, "mood": "ANGRY"},
		map[string]any{"__typename": "Member", "id": "2", "kind": "GUEST", "kinds": []any{"PREMIUM"},
			"strictKinds": []any{"BASIC"}, "mood": "CALM"},
	}
	a = &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"members": func(map[string]any) (any, error) { return members, nil },
		"membersByKind": func(args map[string]any) (any, error) {
			var out []any
			for _, m := range members {
				if m.(map[string]any)["kind"] == args["kind"] {
					out = append(out, m)
				}
			}
			return out, nil
		},
		"search": func(args map[string]any) (any, error) { return []any{"a:" + toString(args["order"])}, nil },
	}}
	b = &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"list": func(args map[string]any) (any, error) { return []any{"b:" + toString(args["order"])}, nil },
		"membersB": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Member", "id": "1"}}, nil
		},
	}, Entities: func(rep map[string]any) (any, error) {
		mood := map[string]any{"1": "HAPPY", "2": "SAD"}[rep["id"].(string)]
		return map[string]any{"__typename": "Member", "id": rep["id"], "moodB": mood}, nil
	}}
	return a, b
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

// An enum value a subgraph returns that the API schema does not have (an
// @inaccessible one, or one no subgraph declares) does not exist for the
// client: it is null, silently where null is allowed (as Apollo Router and
// Hive Gateway answer), with a non-null violation at its path where it is
// not; in a list of nullable items only the item is nulled, in a list of
// non-null items the list is.
func TestMergingEnumOutputValues(t *testing.T) {
	a, b := enumSubgraphs()
	gw := startCase(t, "merging-enum", a, b)
	gw.Expect(`{ members { id kind } }`, nil, `{"data":{"members":[{"id":"1","kind":"BASIC"},{"id":"2","kind":null}]}}`)
	gw.Expect(`{ members { kinds strictKinds } }`, nil, `{"data":{"members":[{"kinds":["BASIC",null],"strictKinds":null},{"kinds":["PREMIUM"],"strictKinds":["BASIC"]}]},
		"errors":[{"message":"Cannot return null for non-nullable field Member.strictKinds","path":["members",0,"strictKinds",1],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`)
	// Mood is output-only: every value of either subgraph is in the API.
	gw.Expect(`{ members { mood moodB } }`, nil, `{"data":{"members":[{"mood":"ANGRY","moodB":"HAPPY"},{"mood":"CALM","moodB":null}]}}`)
}

// Enum values that are not in the API schema (@inaccessible, or input-only
// values not every subgraph knows) are refused by validation, literal or in
// variables; nothing reaches a subgraph.
func TestMergingEnumInputValues(t *testing.T) {
	a, b := enumSubgraphs()
	gw := startCase(t, "merging-enum", a, b)
	gw.Expect(`{ membersByKind(kind: PREMIUM) { id kind } }`, nil, `{"data":{"membersByKind":[]}}`)
	gw.Expect(`{ membersByKind(kind: BASIC) { id kind } }`, nil, `{"data":{"membersByKind":[{"id":"1","kind":"BASIC"}]}}`)
	gw.Expect(`{ search(order: ASC) list(order: ASC) }`, nil, `{"data":{"search":["a:ASC"],"list":["b:ASC"]}}`)
	a.ResetRequests()
	b.ResetRequests()
	for _, q := range []string{
		`{ membersByKind(kind: GUEST) { id } }`,
		`{ search(order: DESC) }`,
		`{ list(order: DESC) }`,
	} {
		status, body := gw.Query(q, nil)
		if status != 422 || !strings.HasPrefix(body, `{"errors":[`) || !strings.Contains(body, `"GRAPHQL_VALIDATION_FAILED"`) {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	for _, tc := range []struct {
		q    string
		vars map[string]any
	}{
		{`query($k: Kind!) { membersByKind(kind: $k) { id } }`, map[string]any{"k": "GUEST"}},
		{`query($o: Order) { search(order: $o) }`, map[string]any{"o": "DESC"}},
	} {
		status, body := gw.Query(tc.q, tc.vars)
		if status != 422 || !strings.HasPrefix(body, `{"errors":[`) {
			t.Errorf("%s: %d %s", tc.q, status, body)
		}
	}
	if n := len(a.Requests()) + len(b.Requests()); n != 0 {
		t.Errorf("%d subgraph requests for invalid documents", n)
	}
}

// Input object fields that are not in every subgraph (and @inaccessible
// ones) are not in the API: a literal or a variable carrying one is refused
// before any subgraph is called, so no subgraph receives a field it does not
// know.
func TestMergingInputObjects(t *testing.T) {
	echo := func(prefix string) fedtest.Resolver {
		return func(args map[string]any) (any, error) {
			w, _ := args["window"].(map[string]any)
			out := []any{}
			for _, k := range []string{"first", "last", "limit", "skip"} {
				if v, ok := w[k]; ok {
					out = append(out, v)
				}
			}
			return out, nil
		}
	}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"pagesA": echo("a")}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{"pagesB": echo("b")}}
	gw := startCase(t, "merging-input", a, b)
	gw.Expect(`{ pagesA(window: {first: 3}) pagesB(window: {first: 4}) }`, nil, `{"data":{"pagesA":[3],"pagesB":[4]}}`)
	gw.Expect(`query($w: Window) { pagesA(window: $w) pagesB(window: $w) }`, map[string]any{"w": map[string]any{"first": 5}},
		`{"data":{"pagesA":[5],"pagesB":[5]}}`)
	a.ResetRequests()
	b.ResetRequests()
	for _, q := range []string{
		`{ pagesA(window: {first: 1, limit: 2}) }`,
		`{ pagesB(window: {first: 1, last: 2}) }`,
		`{ pagesA(window: {first: 1, skip: 2}) }`,
	} {
		status, body := gw.Query(q, nil)
		if status != 422 || !strings.HasPrefix(body, `{"errors":[`) || !strings.Contains(body, `"GRAPHQL_VALIDATION_FAILED"`) {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	for _, w := range []map[string]any{{"first": 1, "limit": 2}, {"first": 1, "last": 2}, {"skip": 1}} {
		status, body := gw.Query(`query($w: Window) { pagesA(window: $w) pagesB(window: $w) }`, map[string]any{"w": w})
		if status != 422 || !strings.HasPrefix(body, `{"errors":[`) {
			t.Errorf("%v: %d %s", w, status, body)
		}
	}
	if n := len(a.Requests()) + len(b.Requests()); n != 0 {
		t.Errorf("%d subgraph requests for invalid input: %v %v", n, a.Requests(), b.Requests())
	}
}

// @inaccessible types, fields, arguments and enum values are absent from
// introspection and refused by validation; an @inaccessible enum value a
// subgraph returns is null (silently where null is allowed), in lists too,
// and a null in a non-null position bubbles no further than the nearest
// nullable parent, with the error at the value's path.
func TestMergingInaccessible(t *testing.T) {
	widget := map[string]any{"__typename": "Widget", "id": "w1", "sku": "S-1", "name": "gear", "internalCode": "x",
		"states": []any{"ON", "BROKEN", "OFF"}, "strictStates": []any{"ON", "BROKEN"}, "state": "BROKEN"}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"widget": func(map[string]any) (any, error) { return widget, nil },
		"widgets": func(map[string]any) (any, error) {
			return []any{widget, map[string]any{"__typename": "Widget", "id": "w2", "sku": "S-2", "state": "ON"}}, nil
		},
		"state": func(map[string]any) (any, error) { return "BROKEN", nil },
	}, Fields: map[string]fedtest.FieldResolver{
		// The @inaccessible argument's default (BROKEN) applies when the
		// client cannot pass it.
		"Widget.friends": func(_, args map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Widget", "id": "w9", "sku": "S-9", "name": "pal"}}, nil
		},
	}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		// b knows widgets only by their @inaccessible sku.
		return map[string]any{"__typename": "Widget", "sku": rep["sku"], "price": len(toString(rep["sku"]))}, nil
	}}
	gw := startCase(t, "merging-inaccessible", a, b)

	gw.Expect(`{ w: __type(name: "Widget") { fields { name args { name } } }
		q: __type(name: "Query") { fields { name args { name } } }
		s: __type(name: "State") { enumValues(includeDeprecated: true) { name } }
		secret: __type(name: "Secret") { name } }`, nil,
		`{"data":{"w":{"fields":[{"name":"id","args":[]},{"name":"friends","args":[]},{"name":"name","args":[]},{"name":"states","args":[]},{"name":"strictStates","args":[]},{"name":"state","args":[]},{"name":"price","args":[]}]},
		"q":{"fields":[{"name":"widget","args":[{"name":"id"}]},{"name":"widgets","args":[]},{"name":"state","args":[]}]},
		"s":{"enumValues":[{"name":"ON"},{"name":"OFF"}]},"secret":null}}`)
	status, body := gw.Query(`{ __schema { types { name } } }`, nil)
	if status != 200 || strings.Contains(body, `"Secret"`) || strings.Contains(body, "join__") || strings.Contains(body, "link__") {
		t.Errorf("__schema: %d %s", status, body)
	}

	a.ResetRequests()
	for _, q := range []string{
		`{ widget(id: "w1") { internalCode } }`,
		`{ widget(id: "w1") { sku } }`,
		`{ widget(id: "w1") { friends(kind: ON) { id } } }`,
		`{ widget(id: "w1", debug: true) { id } }`,
		`{ secretThing { value } }`,
		`{ widgets { ... on Secret { value } } }`,
		`query($s: Secret) { state }`,
	} {
		status, body := gw.Query(q, nil)
		if status != 422 || !strings.HasPrefix(body, `{"errors":[`) || !strings.Contains(body, `"GRAPHQL_VALIDATION_FAILED"`) {
			t.Errorf("%s: %d %s", q, status, body)
		}
	}
	if n := len(a.Requests()); n != 0 {
		t.Errorf("%d subgraph requests for invalid documents", n)
	}

	gw.Expect(`{ state widget(id: "w1") { id states price } }`, nil, `{"data":{"state":null,"widget":{"id":"w1","states":["ON",null,"OFF"],"price":3}}}`)
	// The key into b is the @inaccessible sku: fetched and sent, never shown.
	gw.Expect(`{ widgets { name price } widget(id: "w1") { friends { name price } } }`, nil,
		`{"data":{"widgets":[{"name":"gear","price":3},{"name":null,"price":3}],"widget":{"friends":[{"name":"pal","price":3}]}}}`)
	// strictStates is [State!]!: the bad item nulls the list, the list nulls the widget.
	gw.Expect(`{ widget(id: "w1") { id strictStates } }`, nil, `{"data":{"widget":null},
		"errors":[{"message":"Cannot return null for non-nullable field Widget.strictStates","path":["widget","strictStates",1],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`)
	// state is State!: the widget becomes null, its list item only.
	gw.Expect(`{ widgets { id state } }`, nil, `{"data":{"widgets":[null,{"id":"w2","state":"ON"}]},
		"errors":[{"message":"Cannot return null for non-nullable field Widget.state","path":["widgets",0,"state"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`)
}

// Union members differ per subgraph: a fragment on a member the serving
// subgraph does not know is dropped from its query and gives {} for the
// object; a field only another subgraph resolves (Shelf has no key) is
// fetched through that subgraph's shareable root field.
func TestMergingUnionMembers(t *testing.T) {
	novel := map[string]any{"__typename": "Novel", "title": "Dune"}
	track := map[string]any{"__typename": "Track", "title": "Song"}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"feature": func(map[string]any) (any, error) { return novel, nil },
		"shelf": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Shelf", "featured": novel, "other": novel}, nil
		},
	}, Supertypes: map[string][]string{"Novel": {"Feature", "ShelfItem"}, "Film": {"Feature", "ShelfItem"}}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"feature": func(map[string]any) (any, error) { return novel, nil },
		"shelf": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Shelf", "featured": novel, "other": novel, "track": track}, nil
		},
	}, Supertypes: map[string][]string{"Novel": {"Feature", "ShelfItem"}, "Track": {"Feature", "ShelfItem"}}}
	gw := startCase(t, "merging-union", a, b)
	gw.Expect(`{ feature { ... on Film { title } } }`, nil, `{"data":{"feature":{}}}`)
	gw.Expect(`{ feature { ... on Track { title } } }`, nil, `{"data":{"feature":{}}}`)
	gw.Expect(`{ feature { ... on Novel { title } ... on Film { title } } }`, nil, `{"data":{"feature":{"title":"Dune"}}}`)
	gw.Expect(`{ feature { __typename ... on Track { title } ... on Film { title } ... on Novel { title } } }`, nil,
		`{"data":{"feature":{"__typename":"Novel","title":"Dune"}}}`)
	gw.Expect(`{ shelf { featured { ... on Film { title } } } }`, nil, `{"data":{"shelf":{"featured":{}}}}`)
	gw.Expect(`{ shelf {
		featured { __typename ... on Track { title } ... on Film { title } ... on Novel { title } }
		track { __typename ... on Track { title } ... on Film { title } ... on Novel { title } }
		other { ... on Film { title } } } }`, nil,
		`{"data":{"shelf":{"featured":{"__typename":"Novel","title":"Dune"},"track":{"__typename":"Track","title":"Song"},"other":{}}}}`)
	gw.Expect(`{ shelf { track { ... on Film { title } } } }`, nil, `{"data":{"shelf":{"track":{}}}}`)
}

// A field whose nullability differs between subgraphs (String! in a, String
// in b) has the supergraph's (nullable) type: a null from either subgraph is
// a plain null, never a non-null violation.
func TestMergingNullability(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"books": func(map[string]any) (any, error) {
			return []any{
				map[string]any{"__typename": "Book", "id": "1", "title": "One", "tags": []any{"x", nil}},
				map[string]any{"__typename": "Book", "id": "2", "title": nil, "tags": nil},
			}, nil
		},
		"book": func(args map[string]any) (any, error) {
			return map[string]any{"__typename": "Book", "id": args["id"], "title": nil, "tags": []any{nil}}, nil
		},
	}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"book": func(args map[string]any) (any, error) {
			return map[string]any{"__typename": "Book", "id": args["id"], "title": nil, "tags": []any{nil}, "pages": 9}, nil
		},
	}, Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Book", "id": rep["id"], "pages": 10}, nil
	}}
	gw := startCase(t, "merging-nullability", a, b)
	gw.Expect(`{ books { id title tags pages } }`, nil,
		`{"data":{"books":[{"id":"1","title":"One","tags":["x",null],"pages":10},{"id":"2","title":null,"tags":null,"pages":10}]}}`)
	gw.Expect(`{ book(id: "3") { title tags } }`, nil, `{"data":{"book":{"title":null,"tags":[null]}}}`)
	gw.Expect(`{ book(id: "3") { title tags pages } }`, nil, `{"data":{"book":{"title":null,"tags":[null],"pages":9}}}`)
}
