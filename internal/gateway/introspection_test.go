package gateway

import (
	"context"
	"strings"
	"testing"
)

func TestIntrospectionDisabled(t *testing.T) {
	off, demo := startDemo(t, WithPlugins(DisableIntrospection()))
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ topProducts(first: 1) { name } __type(name: "Product") { name } }`,
		`query { ...F } fragment F on Query { ... on Query { __schema { types { name } } } }`,
	} {
		r := off.Serve(context.Background(), &Request{Query: q})
		if r.Data != nil || len(r.Errors) != 1 {
			t.Fatalf("%s: want a refusal without data, got %s", q, answer(t, r))
		}
		e := r.Errors[0]
		if e.Extensions["code"] != IntrospectionDisabledCode || !strings.Contains(e.Message, "introspection") {
			t.Fatalf("%s: error %v %v", q, e.Message, e.Extensions)
		}
	}
	if n := demo.Servers["products"].Requests(); n != 0 {
		t.Fatalf("refused operations reached the products subgraph %d times", n)
	}
	// __typename is not introspection of the schema: it still answers.
	got := answer(t, off.Serve(context.Background(), &Request{Query: `{ __typename topProducts(first: 1) { __typename name } }`}))
	if got != `{"__typename":"Query","topProducts":[{"__typename":"Product","name":"Table"}]}` {
		t.Fatalf("__typename with introspection off: %s", got)
	}

	on, _ := startDemo(t)
	got = answer(t, on.Serve(context.Background(), &Request{Query: `{ __type(name: "Product") { name } }`}))
	if got != `{"__type":{"name":"Product"}}` {
		t.Fatalf("introspection on: %s", got)
	}
}
