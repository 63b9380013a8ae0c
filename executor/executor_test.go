package executor

import (
	"net/http"
	"testing"

	"github.com/junction-gateway/junction/planner"
)

// entitiesOp is the subgraph operation of an entity fetch selecting sel.
func entitiesOp(sel string) string {
	return `query($representations:[_Any!]!){_entities(representations:$representations){` + sel + `}}`
}

// entitiesBody is the request body of entitiesOp(sel) with reps.
func entitiesBody(sel, reps string) string {
	return `{"query":"query($representations:[_Any!]!){_entities(representations:$representations){` + sel + `}}","variables":{"representations":` + reps + `}}`
}

func TestRootFetch(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		fetch    planner.Fetch // Service is always "accounts"
		wantBody string
		answer   string
		want     string
	}{{
		name:     "selection order is the client's",
		query:    `{ me { id name } }`,
		fetch:    planner.Fetch{Operation: `{me{id name}}`},
		wantBody: `{"query":"{me{id name}}"}`,
		answer:   `{"data":{"me":{"name":"Ada","id":"1"}}}`,
		want:     `{"data":{"me":{"id":"1","name":"Ada"}}}`,
	}, {
		name:     "client aliases",
		query:    `{ who: me { ident: id name } }`,
		fetch:    planner.Fetch{Operation: `{who:me{ident:id name}}`},
		wantBody: `{"query":"{who:me{ident:id name}}"}`,
		answer:   `{"data":{"who":{"ident":"1","name":"Ada"}}}`,
		want:     `{"data":{"who":{"ident":"1","name":"Ada"}}}`,
	}, {
		name:     "typename, fragments, skip false",
		query:    `query($s: Boolean!) { __typename me { ...U @skip(if: $s) ... on User { id } n: __typename } } fragment U on User { name id }`,
		vars:     map[string]any{"s": false},
		fetch:    planner.Fetch{Operation: `{me{name id}}`},
		wantBody: `{"query":"{me{name id}}"}`,
		answer:   `{"data":{"me":{"id":"1","name":"Ada"}}}`,
		want:     `{"data":{"__typename":"Query","me":{"name":"Ada","id":"1","n":"User"}}}`,
	}, {
		name:     "typename, fragments, skip true",
		query:    `query($s: Boolean!) { __typename me { ...U @skip(if: $s) ... on User { id } n: __typename } } fragment U on User { name id }`,
		vars:     map[string]any{"s": true},
		fetch:    planner.Fetch{Operation: `{me{id}}`},
		wantBody: `{"query":"{me{id}}"}`,
		answer:   `{"data":{"me":{"id":"1"}}}`,
		want:     `{"data":{"__typename":"Query","me":{"id":"1","n":"User"}}}`,
	}, {
		name:     "typename of an object type is static, never the subgraph's",
		query:    `{ me { __typename id } }`,
		fetch:    planner.Fetch{Operation: `{me{__typename id}}`},
		wantBody: `{"query":"{me{__typename id}}"}`,
		answer:   `{"data":{"me":{"__typename":"Node","id":"1"}}}`,
		want:     `{"data":{"me":{"__typename":"User","id":"1"}}}`,
	}, {
		name:     "variables and operation name",
		query:    `query($u: String!) { product(upc: $u) { name } }`,
		vars:     map[string]any{"u": "p1", "unused": 3},
		fetch:    planner.Fetch{Operation: `query Q($u:String!){product(upc:$u){name}}`, OperationName: "Q", Variables: []string{"u"}},
		wantBody: `{"query":"query Q($u:String!){product(upc:$u){name}}","operationName":"Q","variables":{"u":"p1"}}`,
		answer:   `{"data":{"product":{"name":"Table"}}}`,
		want:     `{"data":{"product":{"name":"Table"}}}`,
	}, {
		name:     "same response key merged",
		query:    `{ me { id } me { name } }`,
		fetch:    planner.Fetch{Operation: `{me{id name}}`},
		wantBody: `{"query":"{me{id name}}"}`,
		answer:   `{"data":{"me":{"id":"1","name":"A\"da\u00e9"}}}`,
		want:     `{"data":{"me":{"id":"1","name":"A\"da\u00e9"}}}`,
	}, {
		name:     "enum value",
		query:    `{ me { role } }`,
		fetch:    planner.Fetch{Operation: `{me{role}}`},
		wantBody: `{"query":"{me{role}}"}`,
		answer:   `{"data":{"me":{"role":"ADMIN"}}}`,
		want:     `{"data":{"me":{"role":"ADMIN"}}}`,
	}, {
		name:     "an enum value the API schema does not have is null",
		query:    `{ me { role } }`,
		fetch:    planner.Fetch{Operation: `{me{role}}`},
		wantBody: `{"query":"{me{role}}"}`,
		answer:   `{"data":{"me":{"role":"SUPERUSER"}}}`,
		want:     `{"data":{"me":{"role":null}}}`,
	}, {
		name:     "an enum value that is not a string is invalid",
		query:    `{ me { role } }`,
		fetch:    planner.Fetch{Operation: `{me{role}}`},
		wantBody: `{"query":"{me{role}}"}`,
		answer:   `{"data":{"me":{"role":7}}}`,
		want:     `{"data":{"me":{"role":null}},"errors":[{"message":"Invalid value found for field User.role","path":["me","role"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`,
	}, {
		name:     "object where a scalar is expected nulls the non-null field's parent",
		query:    `{ me { id name } }`,
		fetch:    planner.Fetch{Operation: `{me{id name}}`},
		wantBody: `{"query":"{me{id name}}"}`,
		answer:   `{"data":{"me":{"id":"1","name":{"first":"Ada"}}}}`,
		want:     `{"data":{"me":null},"errors":[{"message":"Invalid value found for field User.name","path":["me","name"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`,
	}, {
		name:     "scalar where an object is expected",
		query:    `{ me { id } }`,
		fetch:    planner.Fetch{Operation: `{me{id}}`},
		wantBody: `{"query":"{me{id}}"}`,
		answer:   `{"data":{"me":"u1"}}`,
		want:     `{"data":{"me":null},"errors":[{"message":"Invalid value found for field Query.me","path":["me"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`,
	}, {
		name:     "object where a list is expected",
		query:    `{ products { upc } }`,
		fetch:    planner.Fetch{Operation: `{products{upc}}`},
		wantBody: `{"query":"{products{upc}}"}`,
		answer:   `{"data":{"products":{"upc":"1"}}}`,
		want:     `{"data":{"products":null},"errors":[{"message":"Invalid value found for field Query.products","path":["products"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`,
	}, {
		name:     "list where Int is expected is invalid",
		query:    `{ product(upc: "1") { price weight } }`,
		fetch:    planner.Fetch{Operation: `{product(upc:"1"){price weight}}`},
		wantBody: `{"query":"{product(upc:\"1\"){price weight}}"}`,
		answer:   `{"data":{"product":{"price":12,"weight":[1]}}}`,
		want:     `{"data":{"product":{"price":12,"weight":null}},"errors":[{"message":"Invalid value found for field Product.weight","path":["product","weight"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`,
	}, {
		name:     "subgraph error keeps its path and gets serviceName",
		query:    `{ me { id } }`,
		fetch:    planner.Fetch{Operation: `{me{id}}`},
		wantBody: `{"query":"{me{id}}"}`,
		answer:   `{"data":{"me":null},"errors":[{"message":"denied","path":["me"],"extensions":{"code":"FORBIDDEN"}}]}`,
		want:     `{"data":{"me":null},"errors":[{"message":"denied","path":["me"],"extensions":{"code":"FORBIDDEN","serviceName":"accounts"}}]}`,
	}, {
		name:     "subgraph error covers the null it explains",
		query:    `{ viewer { id } }`,
		fetch:    planner.Fetch{Operation: `{viewer{id}}`},
		wantBody: `{"query":"{viewer{id}}"}`,
		answer:   `{"data":null,"errors":[{"message":"denied","path":["viewer"]}]}`,
		want:     `{"data":null,"errors":[{"message":"denied","path":["viewer"],"extensions":{"serviceName":"accounts"}}]}`,
	}, {
		name:     "subgraph error below a null covers it",
		query:    `{ viewer { id name } }`,
		fetch:    planner.Fetch{Operation: `{viewer{id name}}`},
		wantBody: `{"query":"{viewer{id name}}"}`,
		answer:   `{"data":{"viewer":null},"errors":[{"message":"name failed","path":["viewer","name"]}]}`,
		want:     `{"data":null,"errors":[{"message":"name failed","path":["viewer","name"],"extensions":{"serviceName":"accounts"}}]}`,
	}, {
		name:     "non-null propagation to data",
		query:    `{ viewer { id name } }`,
		fetch:    planner.Fetch{Operation: `{viewer{id name}}`},
		wantBody: `{"query":"{viewer{id name}}"}`,
		answer:   `{"data":{"viewer":{"id":"1","name":null}}}`,
		want:     `{"data":null,"errors":[{"message":"Cannot return null for non-nullable field User.name","path":["viewer","name"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`,
	}, {
		name:     "null item in [T!]! nulls the list and data",
		query:    `{ topProducts { upc } }`,
		fetch:    planner.Fetch{Operation: `{topProducts{upc}}`},
		wantBody: `{"query":"{topProducts{upc}}"}`,
		answer:   `{"data":{"topProducts":[{"upc":"1"},{"upc":null}]}}`,
		want:     `{"data":null,"errors":[{"message":"Cannot return null for non-nullable field Product.upc","path":["topProducts",1,"upc"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`,
	}, {
		name:     "non-null propagation to a nullable parent",
		query:    `{ product(upc: "x") { upc name } me { id } }`,
		fetch:    planner.Fetch{Operation: `{product(upc:"x"){upc name}me{id}}`},
		wantBody: `{"query":"{product(upc:\"x\"){upc name}me{id}}"}`,
		answer:   `{"data":{"product":{"name":"Table"},"me":{"id":"1"}}}`,
		want:     `{"data":{"product":null,"me":{"id":"1"}},"errors":[{"message":"Cannot return null for non-nullable field Product.upc","path":["product","upc"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			accounts := newFake(t, "accounts", map[string]string{tc.wantBody: tc.answer})
			sg := testSupergraph(t, accounts)
			f := tc.fetch
			f.Service = "accounts"
			req := request(t, sg, tc.query, tc.vars, &f)
			req.Header = http.Header{"Authorization": {"Bearer t"}, "Content-Length": {"99"}}
			got := execute(t, New(sg), req)
			if got != tc.want {
				t.Errorf("response\n got %s\nwant %s", got, tc.want)
			}
			if n := accounts.calls.Load(); n != 1 {
				t.Errorf("accounts called %d times, want 1", n)
			}
			if len(accounts.headers) == 1 && accounts.headers[0].Get("Authorization") != "Bearer t" {
				t.Errorf("Authorization not forwarded: %v", accounts.headers[0])
			}
		})
	}
}

func TestParallelRootFetches(t *testing.T) {
	accounts := newFake(t, "accounts", map[string]string{
		`{"query":"{me{name}}"}`: `{"data":{"me":{"name":"Ada"}}}`,
	})
	products := newFake(t, "products", map[string]string{
		`{"query":"{topProducts{upc name}}"}`: `{"data":{"topProducts":[{"upc":"1","name":"Table"},{"upc":"2","name":"Chair"}]}}`,
	})
	sg := testSupergraph(t, accounts, products)
	// QueryPlan { Parallel { Fetch(service: "accounts") {me{name}}, Fetch(service: "products") {topProducts{upc name}} } }
	plan := &planner.Parallel{Nodes: []planner.Node{
		&planner.Fetch{Service: "accounts", Operation: `{me{name}}`},
		&planner.Fetch{Service: "products", Operation: `{topProducts{upc name}}`},
	}}
	got := execute(t, New(sg), request(t, sg, `{ topProducts { name upc } me { name } }`, nil, plan))
	want := `{"data":{"topProducts":[{"name":"Table","upc":"1"},{"name":"Chair","upc":"2"}],"me":{"name":"Ada"}}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

func TestNoPlan(t *testing.T) {
	sg := testSupergraph(t)
	tests := []struct{ query, want string }{
		{`{ __typename }`, `{"data":{"__typename":"Query"}}`},
		{`mutation { t: __typename }`, `{"data":{"t":"Mutation"}}`},
		{`{ __type(name: "Role") { name kind } }`, `{"data":{"__type":{"name":"Role","kind":"ENUM"}}}`},
	}
	for _, tc := range tests {
		got := execute(t, New(sg), request(t, sg, tc.query, nil, nil))
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
}

func TestCondition(t *testing.T) {
	accounts := newFake(t, "accounts", map[string]string{
		`{"query":"{me{id}}"}`:      `{"data":{"me":{"id":"1"}}}`,
		`{"query":"{me{id name}}"}`: `{"data":{"me":{"id":"1","name":"Ada"}}}`,
	})
	sg := testSupergraph(t, accounts)
	// QueryPlan { Include(if: $n) { Fetch {me{id name}} } Else { Fetch {me{id}} } }
	plan := &planner.Condition{Variable: "n",
		If:   &planner.Fetch{Service: "accounts", Operation: `{me{id name}}`},
		Else: &planner.Fetch{Service: "accounts", Operation: `{me{id}}`},
	}
	q := `query($n: Boolean!) { me { id name @include(if: $n) } }`
	for _, tc := range []struct {
		n    bool
		want string
	}{
		{true, `{"data":{"me":{"id":"1","name":"Ada"}}}`},
		{false, `{"data":{"me":{"id":"1"}}}`},
	} {
		got := execute(t, New(sg), request(t, sg, q, map[string]any{"n": tc.n}, plan))
		if got != tc.want {
			t.Errorf("n=%v\n got %s\nwant %s", tc.n, got, tc.want)
		}
	}
}
