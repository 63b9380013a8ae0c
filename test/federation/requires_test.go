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

	// The client's price(EUR) sits under a sibling selection of the same
	// response key (another @include): the subgraph merges both, so the
	// required price(USD) must be aliased apart from it too.
	resetAll(a, b)
	gw.Expect(`query($v: Boolean!) { products { shipping } products @include(if: $v) { price(currency: "EUR") } }`,
		map[string]any{"v": true}, `{"data":{"products":[{"shipping":101,"price":90}]}}`)
	expectReps(t, b, `[{"__typename":"Product","id":"p1","price":100}]`)
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

	// A chain under a condition decided by a variable's default value:
	// neither the required field's subgraph nor the requiring one is asked.
	for _, q := range []string{
		`query($s: Boolean = true) { product { name insurance @skip(if: $s) } }`,
		`query($s: Boolean = false) { product { name insurance @include(if: $s) } }`,
	} {
		resetAll(a, b, c)
		gw.Expect(q, nil, `{"data":{"product":{"name":"one"}}}`)
		expectRequests(t, a, 1)
		expectRequests(t, b, 0)
		expectRequests(t, c, 0)
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
	gw := fedtest.Start(t, sdl, validating(t, "requires-chain", a, c))
	_, got := gw.Query(`{ product { name total } }`, nil)
	if !strings.HasPrefix(got, `{"data":{"product":{"name":"one","total":-1}},"errors":[{"message":`) ||
		!strings.Contains(got, `"serviceName":"b"`) || strings.Count(got, `"message"`) != 1 {
		t.Errorf("got %s", got)
	}
	expectReps(t, c, `[{"__typename":"Product","id":"p1","tax":null}]`)
}
