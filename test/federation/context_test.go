package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/fedtest"
	"github.com/vektah/gqlparser/v2"
)

// bothSupergraphs runs fn against the committed @apollo/composition
// supergraph, then against Junction's own composition of the case.
func bothSupergraphs(t *testing.T, fn func(t *testing.T)) {
	t.Run("apollo", fn)
	t.Run("junction", func(t *testing.T) {
		serveComposed = true
		t.Cleanup(func() { serveComposed = false })
		fn(t)
	})
}

// contextParent serves context-parent: catalog lists stores, their
// products and shelves; pricing sets context "store" on Store (its currency
// and discount) and prices a Product with the store's values.
func contextParent(t *testing.T) (*fedtest.Gateway, *fedtest.Subgraph, *fedtest.Subgraph) {
	t.Helper()
	p1 := obj("Product", "id", "p1", "name", "pen")
	p2 := obj("Product", "id", "p2", "name", "ink")
	stores := map[string]map[string]any{
		"s1": obj("Store", "id", "s1", "name", "Paris", "products", []any{p1, p2},
			"shelves", []any{obj("Shelf", "label", "top", "products", []any{p2})}),
		"s2": obj("Store", "id", "s2", "name", "Tokyo", "products", []any{p1},
			"shelves", []any{obj("Shelf", "label", "low", "products", []any{p1, p2})}),
		"s3": obj("Store", "id", "s3", "name", "Oslo", "products", []any{p2}, "shelves", []any{}),
	}
	catalog := &fedtest.Subgraph{Name: "catalog",
		Query: map[string]fedtest.Resolver{
			"stores": func(map[string]any) (any, error) { return []any{stores["s1"], stores["s2"], stores["s3"]}, nil },
			"store":  func(a map[string]any) (any, error) { return stores[a["id"].(string)], nil },
		},
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] == "Store" {
				return stores[rep["id"].(string)], nil
			}
			return nil, nil
		},
	}
	currency := map[string]any{"s1": "EUR", "s2": "JPY", "s3": "EUR"}
	discount := map[string]any{"s1": 10, "s2": nil, "s3": 10}
	pricing := &fedtest.Subgraph{Name: "pricing",
		Entities: func(rep map[string]any) (any, error) {
			id := rep["id"].(string)
			switch rep["__typename"] {
			case "Store":
				return obj("Store", "id", id, "currency", currency[id], "discount", discount[id]), nil
			case "Product":
				return obj("Product", "id", id), nil
			}
			return nil, nil
		},
		Fields: map[string]fedtest.FieldResolver{
			"Product.price": func(parent, args map[string]any) (any, error) {
				return fmt.Sprintf("%s:%s:%s:%s", parent["id"], orNone(args["currency"]), orNone(args["discount"]), orNone(args["quantity"])), nil
			},
		},
	}
	return startCase(t, "context-parent", catalog, pricing), catalog, pricing
}

// The context is set on a parent entity whose fields come from another
// subgraph: the store's currency is fetched from pricing first, then each
// product's price is asked with its own store's values.
func TestContextFromParentEntity(t *testing.T) {
	bothSupergraphs(t, func(t *testing.T) {
		gw, catalog, pricing := contextParent(t)
		gw.Expect(`{ store(id: "s2") { name products { name price } } }`, nil,
			`{"data":{"store":{"name":"Tokyo","products":[{"name":"pen","price":"p1:JPY:none:none"}]}}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 2})

		// The client's own argument and the contextual ones side by side.
		gw.Expect(`{ store(id: "s1") { products { price(quantity: 3) } } }`, nil,
			`{"data":{"store":{"products":[{"price":"p1:EUR:10:3"},{"price":"p2:EUR:10:3"}]}}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 2})
	})
}

// Siblings in one list carry different context values: one request to
// pricing, one aliased _entities selection per distinct set of values, in
// order of first appearance; equal values share a selection.
func TestContextSiblingValues(t *testing.T) {
	bothSupergraphs(t, func(t *testing.T) {
		gw, catalog, pricing := contextParent(t)
		gw.Expect(`{ stores { name products { id price } } }`, nil,
			`{"data":{"stores":[`+
				`{"name":"Paris","products":[{"id":"p1","price":"p1:EUR:10:none"},{"id":"p2","price":"p2:EUR:10:none"}]},`+
				`{"name":"Tokyo","products":[{"id":"p1","price":"p1:JPY:none:none"}]},`+
				`{"name":"Oslo","products":[{"id":"p2","price":"p2:EUR:10:none"}]}]}}`)
		reqs := pricing.Requests()
		if len(reqs) != 2 {
			t.Fatalf("pricing: %d requests, want 2 (stores, then products)", len(reqs))
		}
		last := reqs[1]
		if !strings.Contains(last.Query, "_0:_entities(representations:$__junction_reps_0)") ||
			!strings.Contains(last.Query, "_1:_entities(representations:$__junction_reps_1)") ||
			strings.Contains(last.Query, "_2:") {
			t.Errorf("pricing's product request is not two aliased _entities selections: %s", last.Query)
		}
		got := fmt.Sprintf("%v %v %v %v", last.Variables["__junction_ctx_0_0"], last.Variables["__junction_ctx_1_0"],
			last.Variables["__junction_ctx_0_1"], last.Variables["__junction_ctx_1_1"])
		if got != "EUR 10 JPY <nil>" {
			t.Errorf("context variables = %s, want EUR 10 JPY <nil>", got)
		}
		// p2 appears under Paris and Oslo with the same values: sent once.
		if reps := fmt.Sprint(last.Variables["__junction_reps_0"]); strings.Count(reps, "p2") != 1 {
			t.Errorf("representations of the first set: %s", reps)
		}
		wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 2})
	})
}

// The object that sets the context is two levels up (Store > Shelf >
// Product), and the same product sits under two stores.
func TestContextTwoLevelsUp(t *testing.T) {
	bothSupergraphs(t, func(t *testing.T) {
		gw, catalog, pricing := contextParent(t)
		gw.Expect(`{ stores { shelves { label products { price } } } }`, nil,
			`{"data":{"stores":[`+
				`{"shelves":[{"label":"top","products":[{"price":"p2:EUR:10:none"}]}]},`+
				`{"shelves":[{"label":"low","products":[{"price":"p1:JPY:none:none"},{"price":"p2:JPY:none:none"}]}]},`+
				`{"shelves":[]}]}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 2})
	})
}

// A plan shows where each context variable comes from.
func TestContextPlanText(t *testing.T) {
	sg, err := schema.ParseSupergraph(supergraph(t, "context-parent"))
	if err != nil {
		t.Fatal(err)
	}
	doc, gerr := gqlparser.LoadQuery(sg.API, `{ stores { shelves { products { price } } } }`)
	if gerr != nil {
		t.Fatal(gerr)
	}
	p, err := planner.New(sg).Plan(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	plan := planner.Print(p)
	for _, want := range []string{
		`Flatten(path: "stores.@.shelves.@.products.@")`,
		`$__junction_ctx_0: String = "stores.@" { currency }`,
		`$__junction_ctx_1: Int = "stores.@" { discount }`,
		`price(currency: $__junction_ctx_0, discount: $__junction_ctx_1)`,
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %s:\n%s", want, plan)
		}
	}
}

// contextAbstract serves context-abstract: shop's sellers (interface
// Seller, context "seller") and venues (union Venue, context "venue") of
// Markets and Outlets list Items whose label and note take a field of the
// seller or venue per type; stock adds Item.stock.
func contextAbstract(t *testing.T) (*fedtest.Gateway, *fedtest.Subgraph, *fedtest.Subgraph) {
	t.Helper()
	i1, i2 := obj("Item", "id", "i1"), obj("Item", "id", "i2")
	sellers := map[string]map[string]any{
		"m1": obj("Market", "id", "m1", "currency", "CHF", "items", []any{i1, i2}),
		"o1": obj("Outlet", "id", "o1", "region", "north", "items", []any{i2}),
		"m2": obj("Market", "id", "m2", "currency", "CHF", "items", []any{i1}),
	}
	all := func(map[string]any) (any, error) { return []any{sellers["m1"], sellers["o1"], sellers["m2"]}, nil }
	shop := &fedtest.Subgraph{Name: "shop",
		Query:    map[string]fedtest.Resolver{"sellers": all, "venues": all},
		Entities: func(rep map[string]any) (any, error) { return obj("Item", "id", rep["id"]), nil },
		Fields: map[string]fedtest.FieldResolver{
			"Item.label": func(parent, args map[string]any) (any, error) {
				return fmt.Sprintf("%s@%v", parent["id"], args["tag"]), nil
			},
			"Item.note": func(parent, args map[string]any) (any, error) {
				return fmt.Sprintf("%s in %s", parent["id"], orNone(args["where"])), nil
			},
		},
		Supertypes: map[string][]string{"Market": {"Seller", "Venue"}, "Outlet": {"Seller", "Venue"}},
	}
	stock := &fedtest.Subgraph{Name: "stock",
		Entities: func(rep map[string]any) (any, error) { return obj("Item", "id", rep["id"], "stock", 5), nil },
	}
	return startCase(t, "context-abstract", shop, stock), shop, stock
}

// The context is set on a union: each member gives another field, through
// fragments on the members in the query.
func TestContextThroughUnion(t *testing.T) {
	bothSupergraphs(t, func(t *testing.T) {
		gw, shop, _ := contextAbstract(t)
		gw.Expect(`{ venues { ... on Market { id items { note } } ... on Outlet { items { note } } } }`, nil,
			`{"data":{"venues":[{"id":"m1","items":[{"note":"i1 in CHF"},{"note":"i2 in CHF"}]},`+
				`{"items":[{"note":"i2 in north"}]},{"id":"m2","items":[{"note":"i1 in CHF"}]}]}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{shop: 2})
		// At the interface Seller, which is no member of Venue: the
		// implementations are, and each object's own type decides.
		gw.Expect(`{ sellers { items { note } } }`, nil,
			`{"data":{"sellers":[{"items":[{"note":"i1 in CHF"},{"note":"i2 in CHF"}]},`+
				`{"items":[{"note":"i2 in north"}]},{"items":[{"note":"i1 in CHF"}]}]}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{shop: 2})
	})
}

// The context is set on an interface; its selection takes a different
// field per implementation (... on Market { currency } ... on Outlet {
// region }).
func TestContextThroughInterface(t *testing.T) {
	bothSupergraphs(t, func(t *testing.T) {
		gw, shop, stock := contextAbstract(t)
		gw.Expect(`{ sellers { id items { id label stock } } }`, nil,
			`{"data":{"sellers":[`+
				`{"id":"m1","items":[{"id":"i1","label":"i1@CHF","stock":5},{"id":"i2","label":"i2@CHF","stock":5}]},`+
				`{"id":"o1","items":[{"id":"i2","label":"i2@north","stock":5}]},`+
				`{"id":"m2","items":[{"id":"i1","label":"i1@CHF","stock":5}]}]}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{shop: 2, stock: 1})
		// Through a fragment on one implementation.
		gw.Expect(`{ sellers { ... on Outlet { region items { label } } } }`, nil,
			`{"data":{"sellers":[{},{"region":"north","items":[{"label":"i2@north"}]},{}]}}`)
		wantCalls(t, map[*fedtest.Subgraph]int{shop: 2})
	})
}

// orNone prints an argument value, "none" when absent or null.
func orNone(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprint(v)
}

// A subgraph error on one entity of an aliased set lands at that entity's
// client path; the other entities keep their values.
func TestContextErrorPaths(t *testing.T) {
	gw, _, pricing := contextParent(t)
	pricing.Fields["Product.price"] = func(parent, args map[string]any) (any, error) {
		if parent["id"] == "p1" && args["currency"] == "JPY" {
			return nil, fmt.Errorf("no yen for p1")
		}
		return fmt.Sprintf("%s:%s", parent["id"], orNone(args["currency"])), nil
	}
	// price is non-null up to the root: the data is null, the error is at
	// Tokyo's p1 (the second set of values, its first entity).
	gw.Expect(`{ stores { name products { id price } } }`, nil,
		`{"data":null,"errors":[{"message":"no yen for p1","path":["stores",1,"products",0,"price"],"extensions":{"serviceName":"pricing"}}]}`)
}

// A field whose context no enclosing object sets (possible only in a
// supergraph not checked for satisfiability) answers null with an error;
// the rest of the query is answered.
func TestContextNotSetAnswersNull(t *testing.T) {
	var subs []*schema.SubgraphSchema
	for name, sdl := range map[string]string{
		"catalog": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key"])
			type Query { product: Product } type Product @key(fields: "id") { id: ID! name: String }`,
		"pricing": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@context", "@fromContext"])
			type Store @key(fields: "id") @context(name: "store") { id: ID! currency: String products: [Product] }
			type Product @key(fields: "id") { id: ID! price(currency: String @fromContext(field: "$store { currency }")): String }`,
	} {
		s, err := schema.ParseSubgraph(name, "http://"+name+".invalid/graphql", sdl)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	sg, err := schema.Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	catalog := &fedtest.Subgraph{Name: "catalog", Query: map[string]fedtest.Resolver{
		"product": func(map[string]any) (any, error) { return obj("Product", "id", "p1", "name", "pen"), nil },
	}}
	pricing := &fedtest.Subgraph{Name: "pricing"}
	gw := fedtest.Start(t, schema.Print(sg), []*fedtest.Subgraph{catalog, pricing})
	_, got := gw.Query(`{ product { name price } }`, nil)
	if !strings.HasPrefix(got, `{"data":{"product":{"name":"pen","price":null}},"errors":[{"message":`) ||
		!strings.Contains(got, `"path":["product","price"]`) || !strings.Contains(got, `pricing__store`) {
		t.Errorf("got %s", got)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 0})
}

// @include on a contextual field: the context fetch and the field's fetch
// run only when it holds.
func TestContextUnderCondition(t *testing.T) {
	gw, catalog, pricing := contextParent(t)
	q := `query($p: Boolean!) { store(id: "s3") { name products { price @include(if: $p) } } }`
	gw.Expect(q, map[string]any{"p": false}, `{"data":{"store":{"name":"Oslo","products":[{}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 0})
	gw.Expect(q, map[string]any{"p": true}, `{"data":{"store":{"name":"Oslo","products":[{"price":"p2:EUR:10:none"}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, pricing: 2})
}

// In a deferred fragment: the deferred part fetches the context and the
// field; the answer merges as without @defer.
func TestContextDeferred(t *testing.T) {
	gw, _, _ := contextParent(t)
	body, _ := json.Marshal(map[string]any{"query": `{ store(id: "s2") { name ... @defer { products { price } } } }`})
	req, _ := http.NewRequest("POST", gw.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "multipart/mixed;deferSpec=20220824")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(raw), `"price":"p1:JPY:none:none"`) || !strings.Contains(string(raw), `"name":"Tokyo"`) {
		t.Errorf("got %s", raw)
	}
}

// A non-null contextual argument whose value is missing (the fetch of the
// enclosing object's field failed) is never sent as null: that entity is
// left out of the fetch, its field answers null, the others are fetched.
func TestContextMissingNonNullValue(t *testing.T) {
	var subs []*schema.SubgraphSchema
	for name, sdl := range map[string]string{
		"catalog": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key"])
			type Query { stores: [Store] } type Store @key(fields: "id") { id: ID! products: [Product] }
			type Product @key(fields: "id") { id: ID! }`,
		"pricing": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@context", "@fromContext"])
			type Store @key(fields: "id") @context(name: "store") { id: ID! currency: String! }
			type Product @key(fields: "id") { id: ID! price(currency: String! @fromContext(field: "$store { currency }")): String }`,
	} {
		s, err := schema.ParseSubgraph(name, "http://"+name+".invalid/graphql", sdl)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	sg, err := schema.Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	catalog := &fedtest.Subgraph{Name: "catalog", Query: map[string]fedtest.Resolver{
		"stores": func(map[string]any) (any, error) {
			return []any{
				obj("Store", "id", "s1", "products", []any{obj("Product", "id", "p1")}),
				obj("Store", "id", "s2", "products", []any{obj("Product", "id", "p2")}),
			}, nil
		},
	}}
	pricing := &fedtest.Subgraph{Name: "pricing",
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] == "Store" {
				if rep["id"] == "s2" {
					return obj("Store", "id", "s2", "currency", nil), nil // a broken subgraph
				}
				return obj("Store", "id", rep["id"], "currency", "EUR"), nil
			}
			return obj("Product", "id", rep["id"]), nil
		},
		Fields: map[string]fedtest.FieldResolver{
			"Product.price": func(parent, args map[string]any) (any, error) {
				if args["currency"] == nil {
					return nil, fmt.Errorf("price asked without a currency")
				}
				return fmt.Sprintf("%s:%s", parent["id"], args["currency"]), nil
			},
		},
	}
	gw := fedtest.Start(t, schema.Print(sg), []*fedtest.Subgraph{catalog, pricing})
	_, got := gw.Query(`{ stores { products { price } } }`, nil)
	if !strings.HasPrefix(got, `{"data":{"stores":[{"products":[{"price":"p1:EUR"}]},{"products":[{"price":null}]}]}`) ||
		strings.Contains(got, "without a currency") {
		t.Errorf("got %s", got)
	}
	last := pricing.Requests()[len(pricing.Requests())-1]
	if reps := fmt.Sprint(last.Variables["representations"]); strings.Contains(reps, "p2") {
		t.Errorf("p2 was sent without its currency: %s", reps)
	}
}
