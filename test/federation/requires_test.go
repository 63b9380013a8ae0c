package federation

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// representations returns, per _entities request sg received, its
// representations as compact JSON (object keys sorted), and fails the test
// when a request is not an _entities call.
func representations(t *testing.T, sg *fedtest.Subgraph) []string {
	t.Helper()
	var out []string
	for _, r := range sg.Requests() {
		reps, ok := r.Variables["representations"]
		if !ok {
			t.Fatalf("%s: request without representations: %s", sg.Name, r.Query)
		}
		raw, _ := json.Marshal(reps)
		out = append(out, string(raw))
	}
	return out
}

// expectReps compares the representations of each request sg received
// with want, in any order (parallel fetches race).
func expectReps(t *testing.T, sg *fedtest.Subgraph, want ...string) {
	t.Helper()
	got := representations(t, sg)
	sort.Strings(got)
	want = append([]string(nil), want...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s representations:\n got: %s\nwant: %s", sg.Name, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

func expectRequests(t *testing.T, sg *fedtest.Subgraph, n int) {
	t.Helper()
	if got := len(sg.Requests()); got != n {
		var qs []string
		for _, r := range sg.Requests() {
			qs = append(qs, r.Query)
		}
		t.Errorf("%s: %d requests, want %d:\n%s", sg.Name, got, n, strings.Join(qs, "\n"))
	}
}

func resetAll(sgs ...*fedtest.Subgraph) {
	for _, s := range sgs {
		s.ResetRequests()
	}
}

func num(v any) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case int:
		return v
	case int64:
		return int(v)
	}
	return -1
}

// A field requires a field that itself requires another, in a third subgraph.
func TestRequiresChain(t *testing.T) {
	products := map[string]map[string]any{
		"p1": {"__typename": "Product", "id": "p1", "name": "one", "price": 100},
		"p2": {"__typename": "Product", "id": "p2", "name": "two", "price": 50},
	}
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{
			"product":  func(map[string]any) (any, error) { return products["p1"], nil },
			"products": func(map[string]any) (any, error) { return []any{products["p1"], products["p2"], products["p1"]}, nil },
		},
		Entities: func(rep map[string]any) (any, error) { return products[rep["id"].(string)], nil },
	}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if p, ok := rep["price"]; ok {
			out["tax"] = num(p) / 10
		}
		return out, nil
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if x, ok := rep["tax"]; ok {
			out["total"] = 1000 + num(x)
		}
		return out, nil
	}}
	gw := startCase(t, "requires-chain", a, b, c)

	gw.Expect(`{ product { total } }`, nil, `{"data":{"product":{"total":1010}}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100}]`)
	expectReps(t, c, `[{"__typename":"Product","id":"p1","tax":10}]`)

	resetAll(a, b, c)
	gw.Expect(`{ product { total tax name } }`, nil, `{"data":{"product":{"total":1010,"tax":10,"name":"one"}}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 1)
	expectRequests(t, c, 1)

	resetAll(a, b, c)
	gw.Expect(`{ products { id total } }`, nil,
		`{"data":{"products":[{"id":"p1","total":1010},{"id":"p2","total":1005},{"id":"p1","total":1010}]}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100},{"__typename":"Product","id":"p2","price":50}]`)
	expectReps(t, c, `[{"__typename":"Product","id":"p1","tax":10},{"__typename":"Product","id":"p2","tax":5}]`)
}

// a's field requires a field of b which requires a field of a.
func TestRequiresCircular(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{
			"account": func(map[string]any) (any, error) {
				return map[string]any{"__typename": "Account", "id": "x1", "balance": 700}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			out := map[string]any{"__typename": "Account", "id": rep["id"], "balance": 700}
			if l, ok := rep["limit"]; ok {
				out["status"] = fmt.Sprintf("limit=%d", num(l))
			}
			return out, nil
		},
	}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Account", "id": rep["id"]}
		if x, ok := rep["balance"]; ok {
			out["limit"] = 2 * num(x)
		}
		return out, nil
	}}
	gw := startCase(t, "requires-circular", a, b)

	gw.Expect(`{ account { status } }`, nil, `{"data":{"account":{"status":"limit=1400"}}}`)
	expectRequests(t, a, 2)
	expectReps(t, b, `[{"__typename":"Account","balance":700,"id":"x1"}]`)
	if r := a.Requests(); len(r) == 2 {
		raw, _ := json.Marshal(r[1].Variables["representations"])
		if string(raw) != `[{"__typename":"Account","id":"x1","limit":1400}]` {
			t.Errorf("a representations: %s", raw)
		}
	}

	resetAll(a, b)
	gw.Expect(`{ account { id limit status balance } }`, nil,
		`{"data":{"account":{"id":"x1","limit":1400,"status":"limit=1400","balance":700}}}`)
	expectRequests(t, a, 2)
	expectRequests(t, b, 1)
}

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

// Required fields with arguments: the same field required with different
// arguments by two fields, and selected by the client with other arguments.
func TestRequiresArguments(t *testing.T) {
	prices := map[string]int{"USD": 100, "EUR": 90, "GBP": 80}
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{"products": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Product", "id": "p1"}}, nil
		}},
		Fields: map[string]fedtest.FieldResolver{"Product.price": func(_ map[string]any, args map[string]any) (any, error) {
			c, _ := args["currency"].(string)
			if c == "" {
				c = "USD"
			}
			return prices[c], nil
		}},
	}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		p, ok := rep["price"]
		if !ok {
			return map[string]any{"__typename": "Product", "id": rep["id"]}, nil
		}
		// Without knowing which field is asked, answer both from the one price.
		return map[string]any{"__typename": "Product", "id": rep["id"], "shipping": num(p) + 1, "duty": num(p) + 2}, nil
	}}
	gw := startCase(t, "requires-args", a, b)

	gw.Expect(`{ products { shipping } }`, nil, `{"data":{"products":[{"shipping":101}]}}`)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100}]`)

	resetAll(a, b)
	gw.Expect(`{ products { price(currency: "GBP") shipping } }`, nil, `{"data":{"products":[{"price":80,"shipping":101}]}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100}]`)

	resetAll(a, b)
	gw.Expect(`query($c: String!) { products { shipping duty p: price(currency: $c) price } }`, map[string]any{"c": "GBP"},
		`{"data":{"products":[{"shipping":101,"duty":92,"p":80,"price":100}]}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100}]`, `[{"__typename":"Product","id":"p1","price":90}]`)

	resetAll(a, b)
	gw.Expect(`{ products { price(currency: "EUR") duty shipping } }`, nil,
		`{"data":{"products":[{"price":90,"duty":92,"shipping":101}]}}`)
	expectRequests(t, a, 1)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":90}]`, `[{"__typename":"Product","id":"p1","price":100}]`)
}

// @skip/@include on variables (with defaults) decide whether the @requires
// fetch happens at all.
func TestRequiresConditional(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"product": func(map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "id": "p1", "name": "one", "weight": 4}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "id": rep["id"],
			"shipping": 10 * num(rep["weight"]), "insurance": num(rep["value"]) / 100}, nil
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "id": rep["id"], "value": 5000}, nil
	}}
	gw := startCase(t, "requires-conditional", a, b, c)

	cases := []struct {
		query string
		vars  map[string]any
		want  string
		bReqs int
	}{
		{`query($s: Boolean!) { product { name shipping @include(if: $s) } }`, map[string]any{"s": true},
			`{"data":{"product":{"name":"one","shipping":40}}}`, 1},
		{`query($s: Boolean!) { product { name shipping @include(if: $s) } }`, map[string]any{"s": false},
			`{"data":{"product":{"name":"one"}}}`, 0},
		{`query($s: Boolean!) { product { name shipping @skip(if: $s) } }`, map[string]any{"s": true},
			`{"data":{"product":{"name":"one"}}}`, 0},
		{`query($s: Boolean!) { product { name shipping @skip(if: $s) } }`, map[string]any{"s": false},
			`{"data":{"product":{"name":"one","shipping":40}}}`, 1},
		{`query($s: Boolean = false) { product { name ... @include(if: $s) { shipping } } }`, nil,
			`{"data":{"product":{"name":"one"}}}`, 0},
		{`query($s: Boolean = false) { product { name ... @include(if: $s) { shipping } } }`, map[string]any{"s": true},
			`{"data":{"product":{"name":"one","shipping":40}}}`, 1},
		{`query($s: Boolean = true) { product @include(if: $s) { shipping } }`, nil,
			`{"data":{"product":{"shipping":40}}}`, 1},
		{`query($s: Boolean = true) { product @include(if: $s) { shipping } }`, map[string]any{"s": false},
			`{"data":{}}`, 0},
		// The client skips the required field itself: it is still fetched and sent.
		{`query($s: Boolean!) { product { shipping weight @skip(if: $s) } }`, map[string]any{"s": true},
			`{"data":{"product":{"shipping":40}}}`, 1},
		{`query($s: Boolean!) { product { shipping weight @skip(if: $s) } }`, map[string]any{"s": false},
			`{"data":{"product":{"shipping":40,"weight":4}}}`, 1},
	}
	for _, tc := range cases {
		resetAll(a, b, c)
		gw.Expect(tc.query, tc.vars, tc.want)
		expectRequests(t, b, tc.bReqs)
		expectRequests(t, c, 0)
		if tc.bReqs == 1 {
			expectReps(t, b, `[{"__typename":"Product","id":"p1","weight":4}]`)
		}
	}

	// The required field comes from a third subgraph: its fetch is under
	// the same condition as the field that requires it.
	const q = `query($s: Boolean! = false) { product { name insurance @include(if: $s) } }`
	for _, s := range []bool{false, true} {
		resetAll(a, b, c)
		want := `{"data":{"product":{"name":"one"}}}`
		if s {
			want = `{"data":{"product":{"name":"one","insurance":50}}}`
		}
		gw.Expect(q, map[string]any{"s": s}, want)
		n := 0
		if s {
			n = 1
		}
		expectRequests(t, c, n)
		expectRequests(t, b, n)
		if s {
			expectReps(t, c, `[{"__typename":"Product","id":"p1"}]`)
			expectReps(t, b, `[{"__typename":"Product","id":"p1","value":5000}]`)
		}
	}
}

// A required field that is @inaccessible: not in the API schema, still
// fetched and sent.
func TestRequiresInaccessible(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"product": func(map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "id": "p1", "name": "one", "cost": 30}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "id": rep["id"], "margin": 50 - num(rep["cost"])}, nil
	}}
	gw := startCase(t, "requires-inaccessible", a, b)
	gw.Expect(`{ product { name margin } }`, nil, `{"data":{"product":{"name":"one","margin":20}}}`)
	expectReps(t, b, `[{"__typename":"Product","cost":30,"id":"p1"}]`)

	// The client cannot select it.
	resetAll(a, b)
	_, got := gw.Query(`{ product { cost } }`, nil)
	if !strings.Contains(got, `Cannot query field \"cost\" on type \"Product\"`) || !strings.Contains(got, `GRAPHQL_VALIDATION_FAILED`) {
		t.Errorf("inaccessible field selected: %s", got)
	}
	expectRequests(t, a, 0)
}

// @requires on entities reached through lists and nested entities; a
// required field that is null; the requiring subgraph erroring.
func TestRequiresLists(t *testing.T) {
	order := func(id string, amount any) map[string]any {
		return map[string]any{"__typename": "Order", "id": id, "amount": amount}
	}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"stores": func(map[string]any) (any, error) {
		return []any{
			map[string]any{"__typename": "Store", "id": "s1", "name": "north"},
			map[string]any{"__typename": "Store", "id": "s2", "name": "south"},
		}, nil
	}}}
	orders := map[string][]any{
		"s1": {order("o1", 10), order("o2", nil)},
		"s2": {order("o3", 30), order("o1", 10)},
	}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		switch rep["__typename"] {
		case "Store":
			return map[string]any{"__typename": "Store", "id": rep["id"], "orders": orders[rep["id"].(string)]}, nil
		}
		return nil, fmt.Errorf("unexpected %v", rep)
	}}
	c := &fedtest.Subgraph{Name: "c",
		Entities: func(rep map[string]any) (any, error) { return rep, nil },
		Fields: map[string]fedtest.FieldResolver{
			"Order.fee": func(o map[string]any, _ map[string]any) (any, error) {
				if o["id"] == "o3" {
					return nil, &fedtest.Error{Message: "fee unavailable", Extensions: map[string]any{"code": "FEE_DOWN"}}
				}
				if o["amount"] == nil {
					return nil, nil
				}
				return 2 * num(o["amount"]), nil
			},
			"Order.feeStrict": func(o map[string]any, _ map[string]any) (any, error) {
				if o["amount"] == nil {
					return nil, nil
				}
				return 3 * num(o["amount"]), nil
			},
		},
	}
	gw := startCase(t, "requires-lists", a, b, c)

	gw.Expect(`{ stores { name orders { id fee } } }`, nil,
		`{"data":{"stores":[{"name":"north","orders":[{"id":"o1","fee":20},{"id":"o2","fee":null}]},`+
			`{"name":"south","orders":[{"id":"o3","fee":null},{"id":"o1","fee":20}]}]},`+
			`"errors":[{"message":"fee unavailable","path":["stores",1,"orders",0,"fee"],"extensions":{"code":"FEE_DOWN","serviceName":"c"}}]}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 1)
	// The null amount is sent as null; o1, needed twice, is sent once.
	expectReps(t, c, `[{"__typename":"Order","amount":10,"id":"o1"},{"__typename":"Order","amount":null,"id":"o2"},{"__typename":"Order","amount":30,"id":"o3"}]`)

	// A non-null requiring field that is null nulls the nearest nullable parent.
	resetAll(a, b, c)
	gw.Expect(`{ stores { name orders { id feeStrict } } }`, nil,
		`{"data":{"stores":[{"name":"north","orders":null},{"name":"south","orders":[{"id":"o3","feeStrict":90},{"id":"o1","feeStrict":30}]}]},`+
			`"errors":[{"message":"Cannot return null for non-nullable field Order.feeStrict","path":["stores",0,"orders",1,"feeStrict"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`)
	expectRequests(t, c, 1)
}

// A required field local to the requiring subgraph whose nested fields come
// from a third one: the local part is fetched first, then the nested fields,
// then the requiring field, in three fetches.
func TestRequiresLocalNested(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"posts": func(map[string]any) (any, error) {
		return []any{
			map[string]any{"__typename": "Post", "id": "p1", "title": "first"},
			map[string]any{"__typename": "Post", "id": "p2", "title": "second"},
		}, nil
	}}}
	comments := map[string][]any{
		"p1": {map[string]any{"__typename": "Comment", "id": "c1", "text": "hi"}, map[string]any{"__typename": "Comment", "id": "c2", "text": "yo"},
			map[string]any{"__typename": "Comment", "id": "c3", "text": "late"}},
		"p2": {map[string]any{"__typename": "Comment", "id": "c3", "text": "late"}},
	}
	b := &fedtest.Subgraph{Name: "b",
		Entities: func(rep map[string]any) (any, error) {
			out := map[string]any{"__typename": "Post", "id": rep["id"]}
			if cs, ok := rep["comments"].([]any); ok {
				var ids []string
				for _, c := range cs {
					ids = append(ids, fmt.Sprint(c.(map[string]any)["authorId"]))
				}
				out["author"] = map[string]any{"__typename": "Author", "id": "x", "name": strings.Join(ids, "+")}
			}
			return out, nil
		},
		Fields: map[string]fedtest.FieldResolver{"Post.comments": func(p map[string]any, args map[string]any) (any, error) {
			cs := comments[p["id"].(string)]
			if n := num(args["limit"]); n < len(cs) {
				cs = cs[:n]
			}
			return cs, nil
		}},
	}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Comment", "id": rep["id"], "authorId": "u-" + rep["id"].(string)}, nil
	}}
	gw := startCase(t, "requires-local-nested", a, b, c)

	gw.Expect(`{ posts { title author { name } } }`, nil,
		`{"data":{"posts":[{"title":"first","author":{"name":"u-c1+u-c2"}},{"title":"second","author":{"name":"u-c3"}}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
	expectReps(t, c, `[{"__typename":"Comment","id":"c1"},{"__typename":"Comment","id":"c2"},{"__typename":"Comment","id":"c3"}]`)

	resetAll(a, b, c)
	gw.Expect(`{ posts { comments(limit: 3) { text } author { name } } }`, nil,
		`{"data":{"posts":[{"comments":[{"text":"hi"},{"text":"yo"},{"text":"late"}],"author":{"name":"u-c1+u-c2"}},`+
			`{"comments":[{"text":"late"}],"author":{"name":"u-c3"}}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
	expectRequests(t, c, 1)
}

// Two requiring fields of one subgraph, each requiring a field of a second
// subgraph that itself requires a field of a third (one @inaccessible) or
// of the root subgraph: every fetch happens once, in dependency order.
func TestRequiresDeep(t *testing.T) {
	costs := map[string]int{"p1": 40, "p2": 700}
	a := &fedtest.Subgraph{Name: "a", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return map[string]any{"__typename": "Product", "id": id, "cost": costs[id]}, nil
	}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"products": func(map[string]any) (any, error) {
			return []any{
				map[string]any{"__typename": "Product", "id": "p1", "name": "one", "onSale": true},
				map[string]any{"__typename": "Product", "id": "p2", "name": "two", "onSale": false},
			}, nil
		},
		"product": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Product", "id": "p2", "name": "two", "onSale": false}, nil
		},
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if v, ok := rep["cost"]; ok {
			out["markup"] = num(v) / 2
		}
		if v, ok := rep["onSale"]; ok {
			out["listPrice"] = 100
			if v == true {
				out["listPrice"] = 80
			}
		}
		return out, nil
	}}
	d := &fedtest.Subgraph{Name: "d", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if v, ok := rep["markup"]; ok {
			out["premium"] = num(v) > 100
		}
		if v, ok := rep["listPrice"]; ok {
			out["bargain"] = num(v) < 90
		}
		return out, nil
	}}
	gw := startCase(t, "requires-deep", a, b, c, d)

	gw.Expect(`{ products { premium bargain name } }`, nil,
		`{"data":{"products":[{"premium":false,"bargain":true,"name":"one"},{"premium":true,"bargain":false,"name":"two"}]}}`)
	expectRequests(t, b, 1)
	expectReps(t, a, `[{"__typename":"Product","id":"p1"},{"__typename":"Product","id":"p2"}]`)
	expectReps(t, c, `[{"__typename":"Product","cost":40,"id":"p1","onSale":true},{"__typename":"Product","cost":700,"id":"p2","onSale":false}]`)
	expectReps(t, d, `[{"__typename":"Product","id":"p1","listPrice":80,"markup":20},{"__typename":"Product","id":"p2","listPrice":100,"markup":350}]`)

	resetAll(a, b, c, d)
	gw.Expect(`{ product { bargain } }`, nil, `{"data":{"product":{"bargain":false}}}`)
	expectRequests(t, a, 0)
	expectReps(t, c, `[{"__typename":"Product","id":"p2","onSale":false}]`)
	expectReps(t, d, `[{"__typename":"Product","id":"p2","listPrice":100}]`)

	resetAll(a, b, c, d)
	gw.Expect(`{ product { markup premium } }`, nil, `{"data":{"product":{"markup":350,"premium":true}}}`)
	expectRequests(t, a, 1)
	expectRequests(t, c, 1)
	expectReps(t, d, `[{"__typename":"Product","id":"p2","markup":350}]`)
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

// The subgraph that resolves a required field errors: the error is
// reported, the requiring subgraph is still asked (the nullable required
// field sent as null) and answers from what it got.
func TestRequiresProviderError(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"product": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Product", "id": "p1", "name": "one", "price": 100}, nil
		},
	}}
	b := &fedtest.Subgraph{Name: "b",
		Entities: func(rep map[string]any) (any, error) { return rep, nil },
		Fields: map[string]fedtest.FieldResolver{"Product.tax": func(map[string]any, map[string]any) (any, error) {
			return nil, &fedtest.Error{Message: "tax service down", Extensions: map[string]any{"code": "TAX_DOWN"}}
		}},
	}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"], "total": nil}
		if x, ok := rep["tax"]; ok && x != nil {
			out["total"] = 1000 + num(x)
		}
		return out, nil
	}}
	gw := startCase(t, "requires-chain", a, b, c)
	gw.Expect(`{ product { name total } }`, nil,
		`{"data":{"product":{"name":"one","total":null}},`+
			`"errors":[{"message":"tax service down","path":["product","tax"],"extensions":{"code":"TAX_DOWN","serviceName":"b"}}]}`)
	expectReps(t, c, `[{"__typename":"Product","id":"p1","tax":null}]`)

	resetAll(a, b, c)
	gw.Expect(`{ product { tax total } }`, nil,
		`{"data":{"product":{"tax":null,"total":null}},`+
			`"errors":[{"message":"tax service down","path":["product","tax"],"extensions":{"code":"TAX_DOWN","serviceName":"b"}}]}`)
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

// a's field requires a field of b that requires a nested entity field of a:
// a → b (the nested entity) → a (its field) → b (the required field) → a.
func TestRequiresRelay(t *testing.T) {
	years := map[string]int{"w1": 1, "w2": 12}
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{"articles": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Article", "id": "r1"}, map[string]any{"__typename": "Article", "id": "r2"}}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Writer":
				return map[string]any{"__typename": "Writer", "id": rep["id"], "years": years[rep["id"].(string)]}, nil
			}
			out := map[string]any{"__typename": "Article", "id": rep["id"]}
			if j, ok := rep["junior"].(bool); ok {
				out["senior"] = !j
			}
			return out, nil
		},
	}
	writers := map[string]string{"r1": "w1", "r2": "w2"}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		out := map[string]any{"__typename": "Article", "id": id,
			"writer": map[string]any{"__typename": "Writer", "id": writers[id]}}
		if w, ok := rep["writer"].(map[string]any); ok {
			out["junior"] = num(w["years"]) < 5
		}
		return out, nil
	}}
	gw := startCase(t, "requires-relay", a, b)
	gw.Expect(`{ articles { id senior } }`, nil, `{"data":{"articles":[{"id":"r1","senior":false},{"id":"r2","senior":true}]}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 2)

	resetAll(a, b)
	gw.Expect(`{ articles { junior writer { id } senior } }`, nil,
		`{"data":{"articles":[{"junior":true,"writer":{"id":"w1"},"senior":false},{"junior":false,"writer":{"id":"w2"},"senior":true}]}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 2)
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

// A required field overridden away from the requiring subgraphs: it comes
// from the overriding subgraph, whichever subgraph served the root.
func TestRequiresOverride(t *testing.T) {
	names := map[string]string{"u1": "Ann", "u2": "Bob", "u3": "Cy"}
	root := func(id string) fedtest.Resolver {
		return func(map[string]any) (any, error) { return map[string]any{"__typename": "User", "id": id}, nil }
	}
	prefixed := func(prefix string) func(map[string]any) (any, error) {
		return func(rep map[string]any) (any, error) {
			out := map[string]any{"__typename": "User", "id": rep["id"]}
			if n, ok := rep["name"]; ok {
				out[prefix+"Name"] = fmt.Sprintf("%s:%v", prefix, n)
			}
			return out, nil
		}
	}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"userInA": root("u1")}, Entities: prefixed("a")}
	b := &fedtest.Subgraph{Name: "b",
		Query: map[string]fedtest.Resolver{"userInB": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": "u2", "name": names["u2"]}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": rep["id"], "name": names[rep["id"].(string)]}, nil
		},
	}
	c := &fedtest.Subgraph{Name: "c", Query: map[string]fedtest.Resolver{"userInC": root("u3")}, Entities: prefixed("c")}
	gw := startCase(t, "requires-override", a, b, c)

	gw.Expect(`{ userInA { id name aName cName } userInB { id name aName cName } userInC { cName } }`, nil,
		`{"data":{"userInA":{"id":"u1","name":"Ann","aName":"a:Ann","cName":"c:Ann"},`+
			`"userInB":{"id":"u2","name":"Bob","aName":"a:Bob","cName":"c:Bob"},"userInC":{"cName":"c:Cy"}}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 3)
	expectRequests(t, c, 4)
}

// The subgraph that resolves a nullable required field is down: the
// requiring subgraph still gets the object, the field sent as null.
func TestRequiresProviderDown(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"product": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Product", "id": "p1", "name": "one", "price": 100}, nil
		},
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"], "total": -1}
		if x, ok := rep["tax"]; ok && x != nil {
			out["total"] = 1000 + num(x)
		}
		return out, nil
	}}
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(down.Close)
	sdl := strings.Replace(supergraph(t, "requires-chain"), `url: "http://b.invalid/graphql"`, `url: "`+down.URL+`"`, 1)
	gw := fedtest.Start(t, sdl, []*fedtest.Subgraph{a, c})
	_, got := gw.Query(`{ product { name total } }`, nil)
	if !strings.HasPrefix(got, `{"data":{"product":{"name":"one","total":-1}},"errors":[{"message":`) ||
		!strings.Contains(got, `"serviceName":"b"`) || strings.Count(got, `"message"`) != 1 {
		t.Errorf("got %s", got)
	}
	expectReps(t, c, `[{"__typename":"Product","id":"p1","tax":null}]`)
}
