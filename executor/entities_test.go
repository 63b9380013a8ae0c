package executor

import (
	"testing"

	"github.com/junction-gateway/junction/planner"
)

func TestFlattenDedupeSkipOneCall(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc}}"}`: `{"data":{"products":[` +
			`{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"2"},{"__typename":"Product","upc":"1"},` +
			`{"__typename":"Product","upc":null},null,{"__typename":"Product"}]}}`,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{inStock}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"2"}]`): `{"data":{"_entities":[{"inStock":true},{"inStock":false}]}}`,
	})
	sg := testSupergraph(t, products, inventory)
	// QueryPlan { Sequence {
	//   Fetch(service: "products") {products{__typename upc}},
	//   Flatten(path: "products.@") { Fetch(service: "inventory") { ... on Product {__typename upc} } => {...on Product{inStock}} }
	// } }
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc}}`},
		&planner.Flatten{Path: []string{"products", "@"}, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock}`),
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ products { upc inStock } }`, nil, plan))
	want := `{"data":{"products":[{"upc":"1","inStock":true},{"upc":"2","inStock":false},{"upc":"1","inStock":true},null,null,null]},` +
		`"errors":[{"message":"Cannot return null for non-nullable field Product.upc","path":["products",3,"upc"],"extensions":{"code":"NON_NULL_VIOLATION"}},` +
		`{"message":"Cannot return null for non-nullable field Product.upc","path":["products",5,"upc"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	if n := inventory.calls.Load(); n != 1 {
		t.Errorf("inventory called %d times, want exactly 1", n)
	}
}

func TestFlattenNoRepresentationsNoCall(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc}}"}`: `{"data":{"products":[null,{"__typename":"Product","upc":null}]}}`,
	})
	inventory := newFake(t, "inventory", nil)
	sg := testSupergraph(t, products, inventory)
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc}}`},
		&planner.Flatten{Path: []string{"products", "@"}, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{inStock}`),
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ products { inStock } }`, nil, plan))
	want := `{"data":{"products":[null,{"inStock":null}]}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	if n := inventory.calls.Load(); n != 0 {
		t.Errorf("inventory called %d times, want 0", n)
	}
}

func TestFlattenNestedLists(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{topProducts{__typename upc name}}"}`: `{"data":{"topProducts":[{"__typename":"Product","upc":"1","name":"Table"},{"__typename":"Product","upc":"2","name":"Chair"}]}}`,
	})
	reviews := newFake(t, "reviews", map[string]string{
		entitiesBody(`...on Product{reviews{body author{__typename id}}}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"2"}]`): `{"data":{"_entities":[` +
			`{"reviews":[{"body":"Nice","author":{"__typename":"User","id":"u1"}},{"body":"Meh","author":{"__typename":"User","id":"u2"}}]},` +
			`{"reviews":[{"body":"Ok","author":{"__typename":"User","id":"u1"}}]}]}}`,
	})
	accounts := newFake(t, "accounts", map[string]string{
		entitiesBody(`...on User{name}`, `[{"__typename":"User","id":"u1"},{"__typename":"User","id":"u2"}]`): `{"data":{"_entities":[{"name":"Ada"},{"name":"Bob"}]}}`,
	})
	sg := testSupergraph(t, products, reviews, accounts)
	// QueryPlan { Sequence {
	//   Fetch(service: "products") {topProducts{__typename upc name}},
	//   Flatten(path: "topProducts.@") { Fetch(service: "reviews") { ... on Product {__typename upc} } => {...on Product{reviews{body author{__typename id}}}} },
	//   Flatten(path: "topProducts.@.reviews.@.author") { Fetch(service: "accounts") { ... on User {__typename id} } => {...on User{name}} }
	// } }
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{topProducts{__typename upc name}}`},
		&planner.Flatten{Path: []string{"topProducts", "@"}, Node: &planner.Fetch{
			Service: "reviews", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{reviews{body author{__typename id}}}`),
		}},
		&planner.Flatten{Path: []string{"topProducts", "@", "reviews", "@", "author"}, Node: &planner.Fetch{
			Service: "accounts", Requires: requires(t, `... on User { __typename id }`),
			Operation: entitiesOp(`...on User{name}`),
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ topProducts { name reviews { body author { name } } } }`, nil, plan))
	want := `{"data":{"topProducts":[{"name":"Table","reviews":[{"body":"Nice","author":{"name":"Ada"}},{"body":"Meh","author":{"name":"Bob"}}]},` +
		`{"name":"Chair","reviews":[{"body":"Ok","author":{"name":"Ada"}}]}]}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	for _, f := range []*fakeSubgraph{products, reviews, accounts} {
		if n := f.calls.Load(); n != 1 {
			t.Errorf("%s called %d times, want 1", f.name, n)
		}
	}
}

func TestEntityErrorsAndNulls(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{products{__typename upc}}"}`: `{"data":{"products":[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"2"},{"__typename":"Product","upc":"1"}]}}`,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Product{name price}`, `[{"__typename":"Product","upc":"1"},{"__typename":"Product","upc":"2"}]`): `{"data":{"_entities":[null,{"name":"Chair","price":null}]},` +
			`"errors":[{"message":"not found","path":["_entities",0]},{"message":"price failed","path":["_entities",1,"price"],"extensions":{"code":"E1"}},{"message":"general"}]}`,
	})
	sg := testSupergraph(t, products, inventory)
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{products{__typename upc}}`},
		&planner.Flatten{Path: []string{"products", "@"}, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation: entitiesOp(`...on Product{name price}`),
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ products { upc name price } }`, nil, plan))
	want := `{"data":{"products":[{"upc":"1","name":null,"price":null},{"upc":"2","name":"Chair","price":null},{"upc":"1","name":null,"price":null}]},"errors":[` +
		`{"message":"not found","path":["products",0],"extensions":{"serviceName":"inventory"}},` +
		`{"message":"not found","path":["products",2],"extensions":{"serviceName":"inventory"}},` +
		`{"message":"price failed","path":["products",1,"price"],"extensions":{"code":"E1","serviceName":"inventory"}},` +
		`{"message":"general","path":["products"],"extensions":{"serviceName":"inventory"}}]}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

func TestEntityNullPropagatesToData(t *testing.T) {
	reviews := newFake(t, "reviews", map[string]string{
		`{"query":"{viewer{__typename id}}"}`: `{"data":{"viewer":{"__typename":"User","id":"u1"}}}`,
	})
	accounts := newFake(t, "accounts", map[string]string{
		entitiesBody(`...on User{name}`, `[{"__typename":"User","id":"u1"}]`): `{"data":{"_entities":[null]}}`,
	})
	sg := testSupergraph(t, reviews, accounts)
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "reviews", Operation: `{viewer{__typename id}}`},
		&planner.Flatten{Path: []string{"viewer"}, Node: &planner.Fetch{
			Service: "accounts", Requires: requires(t, `... on User { __typename id }`),
			Operation: entitiesOp(`...on User{name}`),
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ viewer { id name } }`, nil, plan))
	want := `{"data":null,"errors":[{"message":"Cannot return null for non-nullable field User.name","path":["viewer","name"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

func TestUnionMembersFromTwoSubgraphs(t *testing.T) {
	reviews := newFake(t, "reviews", map[string]string{
		`{"query":"{search{__typename ...on User{id} ...on Product{upc}}}"}`: `{"data":{"search":[` +
			`{"__typename":"User","id":"u1"},{"__typename":"Product","upc":"1"},{"__typename":"User","id":"u2"}]}}`,
	})
	accounts := newFake(t, "accounts", map[string]string{
		entitiesBody(`...on User{name}`, `[{"__typename":"User","id":"u1"},{"__typename":"User","id":"u2"}]`): `{"data":{"_entities":[{"name":"Ada"},{"name":"Bob"}]}}`,
	})
	products := newFake(t, "products", map[string]string{
		entitiesBody(`...on Product{name price}`, `[{"__typename":"Product","upc":"1"}]`): `{"data":{"_entities":[{"name":"Table","price":10}]}}`,
	})
	sg := testSupergraph(t, reviews, accounts, products)
	// QueryPlan { Sequence {
	//   Fetch(service: "reviews") {search{__typename ...on User{id} ...on Product{upc}}},
	//   Parallel {
	//     Flatten(path: "search.@") { Fetch(service: "accounts") { ... on User {__typename id} } => {...on User{name}} },
	//     Flatten(path: "search.@") { Fetch(service: "products") { ... on Product {__typename upc} } => {...on Product{name price}} }
	//   }
	// } }
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "reviews", Operation: `{search{__typename ...on User{id} ...on Product{upc}}}`},
		&planner.Parallel{Nodes: []planner.Node{
			&planner.Flatten{Path: []string{"search", "@"}, Node: &planner.Fetch{
				Service: "accounts", Requires: requires(t, `... on User { __typename id }`),
				Operation: entitiesOp(`...on User{name}`),
			}},
			&planner.Flatten{Path: []string{"search", "@"}, Node: &planner.Fetch{
				Service: "products", Requires: requires(t, `... on Product { __typename upc }`),
				Operation: entitiesOp(`...on Product{name price}`),
			}},
		}},
	}}
	tests := []struct{ query, want string }{{
		`{ search { __typename ... on User { name } ... on Product { price } } }`,
		`{"data":{"search":[{"__typename":"User","name":"Ada"},{"__typename":"Product","price":10},{"__typename":"User","name":"Bob"}]}}`,
	}, {
		`{ search { ... on Product { price name } ... on User { id } } }`,
		`{"data":{"search":[{"id":"u1"},{"price":10,"name":"Table"},{"id":"u2"}]}}`,
	}}
	for _, tc := range tests {
		got := execute(t, New(sg), request(t, sg, tc.query, nil, plan))
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
}

func TestUnknownTypenameInAbstractPosition(t *testing.T) {
	reviews := newFake(t, "reviews", map[string]string{
		`{"query":"{search{__typename}}"}`: `{"data":{"search":[{"__typename":"Node"}]}}`,
	})
	sg := testSupergraph(t, reviews)
	plan := &planner.Fetch{Service: "reviews", Operation: `{search{__typename}}`}
	got := execute(t, New(sg), request(t, sg, `{ search { __typename } }`, nil, plan))
	want := `{"data":null,"errors":[{"message":"Cannot determine the concrete type of SearchResult","path":["search",0,"__typename"],"extensions":{"code":"INVALID_VALUE"}}]}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

func TestRewrites(t *testing.T) {
	products := newFake(t, "products", map[string]string{
		`{"query":"{product(upc:\"1\"){__typename upc}}"}`: `{"data":{"product":{"__typename":"Product","upc":"1"}}}`,
	})
	inventory := newFake(t, "inventory", map[string]string{
		entitiesBody(`...on Item{title}`, `[{"__typename":"Item","upc":"1"}]`): `{"data":{"_entities":[{"__typename":"Product","title":"Table"}]}}`,
	})
	sg := testSupergraph(t, products, inventory)
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "products", Operation: `{product(upc:"1"){__typename upc}}`},
		&planner.Flatten{Path: []string{"product"}, Node: &planner.Fetch{
			Service: "inventory", Requires: requires(t, `... on Product { __typename upc }`),
			Operation:      entitiesOp(`...on Item{title}`),
			InputRewrites:  []planner.Rewrite{{Path: []string{"... on Product", "__typename"}, SetValueTo: "Item"}},
			OutputRewrites: []planner.Rewrite{{Path: []string{"... on Product", "title"}, RenameKeyTo: "name"}},
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ product(upc: "1") { name } }`, nil, plan))
	want := `{"data":{"product":{"name":"Table"}}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}

// An entity answer naming an interface as __typename (what an
// @interfaceObject subgraph says) never replaces the concrete type the
// object already has.
func TestInterfaceTypenameKeepsConcrete(t *testing.T) {
	reviews := newFake(t, "reviews", map[string]string{
		`{"query":"{search{__typename ...on User{id}}}"}`: `{"data":{"search":[{"__typename":"User","id":"u1"}]}}`,
	})
	accounts := newFake(t, "accounts", map[string]string{
		entitiesBody(`...on Node{__typename name}`, `[{"__typename":"Node","id":"u1"}]`): `{"data":{"_entities":[{"__typename":"Node","name":"Ada"}]}}`,
	})
	sg := testSupergraph(t, reviews, accounts)
	plan := &planner.Sequence{Nodes: []planner.Node{
		&planner.Fetch{Service: "reviews", Operation: `{search{__typename ...on User{id}}}`},
		&planner.Flatten{Path: []string{"search", "@"}, Node: &planner.Fetch{
			Service: "accounts", Requires: requires(t, `... on User { __typename id }`),
			Operation:     entitiesOp(`...on Node{__typename name}`),
			InputRewrites: []planner.Rewrite{{Path: []string{"... on User", "__typename"}, SetValueTo: "Node"}},
		}},
	}}
	got := execute(t, New(sg), request(t, sg, `{ search { __typename ... on User { name } } }`, nil, plan))
	if want := `{"data":{"search":[{"__typename":"User","name":"Ada"}]}}`; got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}
