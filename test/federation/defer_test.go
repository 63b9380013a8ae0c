package federation

import (
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// deferGraph is the defer-basic case over Go data: products (root fields,
// name, price, dimensions), inventory (inStock, warehouse), reviews
// (Product.reviews, Review entities, latestReview) and accounts (me, User).
type deferGraph struct {
	products, inventory, reviews, accounts *fedtest.Subgraph
	gw                                     *fedtest.Gateway
}

var deferProducts = map[string]map[string]any{
	"1": {"__typename": "Product", "upc": "1", "name": "Table", "price": 100,
		"dimensions": map[string]any{"__typename": "Dimensions", "width": 10, "height": 5}},
	"2": {"__typename": "Product", "upc": "2", "name": "Chair", "price": 50,
		"dimensions": map[string]any{"__typename": "Dimensions", "width": 4, "height": nil}},
}

// newDeferGraph starts the graph; inventoryGate, when set, is waited on by
// every inventory request before it answers.
func newDeferGraph(t *testing.T, inventoryGate <-chan struct{}) *deferGraph {
	g := &deferGraph{}
	g.products = &fedtest.Subgraph{Name: "products",
		Query: map[string]fedtest.Resolver{
			"topProducts": func(map[string]any) (any, error) {
				return []any{deferProducts["1"], deferProducts["2"]}, nil
			},
			"product": func(args map[string]any) (any, error) {
				if p, ok := deferProducts[args["upc"].(string)]; ok {
					return p, nil
				}
				return nil, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			if p, ok := deferProducts[rep["upc"].(string)]; ok {
				return p, nil
			}
			return nil, nil
		},
	}
	g.inventory = &fedtest.Subgraph{Name: "inventory",
		Entities: func(rep map[string]any) (any, error) {
			if inventoryGate != nil {
				<-inventoryGate
			}
			upc := rep["upc"].(string)
			stock := map[string]any{"1": true, "2": false}[upc] // upc 3: null
			return map[string]any{"__typename": "Product", "upc": upc, "inStock": stock, "warehouse": "W" + upc}, nil
		},
		Fields: map[string]fedtest.FieldResolver{
			"Product.warehouse": func(p map[string]any, _ map[string]any) (any, error) {
				if p["upc"] == "2" {
					return nil, &fedtest.Error{Message: "warehouse unknown", Extensions: map[string]any{"code": "NOT_FOUND"}}
				}
				return p["warehouse"], nil
			},
		},
	}
	reviewsOf := map[string][]any{
		"1": {map[string]any{"__typename": "Review", "id": "r1", "body": "Solid", "author": map[string]any{"__typename": "User", "id": "u1"}}},
		"2": {
			map[string]any{"__typename": "Review", "id": "r2", "body": "Wobbly", "author": map[string]any{"__typename": "User", "id": "u2"}},
			map[string]any{"__typename": "Review", "id": "r3", "body": "Comfy", "author": map[string]any{"__typename": "User", "id": "u1"}},
		},
	}
	g.reviews = &fedtest.Subgraph{Name: "reviews",
		Query: map[string]fedtest.Resolver{
			"latestReview": func(map[string]any) (any, error) { return reviewsOf["2"][1], nil },
		},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Product":
				return map[string]any{"__typename": "Product", "upc": rep["upc"], "reviews": reviewsOf[rep["upc"].(string)]}, nil
			case "Review":
				for _, rs := range reviewsOf {
					for _, r := range rs {
						if r.(map[string]any)["id"] == rep["id"] {
							return r, nil
						}
					}
				}
			}
			return nil, nil
		},
	}
	users := map[string]map[string]any{
		"u1": {"__typename": "User", "id": "u1", "name": "Ada", "nickname": "ada"},
		"u2": {"__typename": "User", "id": "u2", "name": "Grace", "nickname": nil},
	}
	g.accounts = &fedtest.Subgraph{Name: "accounts",
		Query: map[string]fedtest.Resolver{
			"me": func(map[string]any) (any, error) { return users["u1"], nil },
		},
		Entities: func(rep map[string]any) (any, error) { return users[rep["id"].(string)], nil },
	}
	g.gw = startCase(t, "defer-basic", g.products, g.inventory, g.reviews, g.accounts)
	return g
}

// The primary payload goes out before the slow subgraph of the deferred
// fragment answers; the deferred payload has one entry per list item, with
// the label, and the entity is fetched with one _entities call.
func TestDeferSlowSubgraphStreamsPrimaryFirst(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	g := newDeferGraph(t, gate)
	// Registered after the servers: cleanups run last-first, so the gate
	// opens before a server's Close waits for the blocked handler (a failed
	// check before release() would otherwise hang the test).
	t.Cleanup(release)
	s := g.gw.Stream(`{ topProducts { name ... @defer(label: "stock") { inStock } } }`, nil)
	if s.Status != 200 || s.ContentType != `multipart/mixed;boundary="graphql";deferSpec=20220824` {
		t.Fatalf("status %d, content type %q", s.Status, s.ContentType)
	}
	first, ok := s.Next()
	if want := `{"data":{"topProducts":[{"name":"Table"},{"name":"Chair"}]},"hasNext":true}`; !ok || first != want {
		t.Fatalf("first part\n got: %s\nwant: %s", first, want)
	}
	// The first part arrived while inventory was still held at the gate:
	// its request may have reached it (the deferred fetch starts right
	// after the primary), but it cannot have been answered yet.
	release()
	if got, want := s.Rest(), []string{
		`{"hasNext":false,"incremental":[` +
			`{"label":"stock","data":{"inStock":true},"path":["topProducts",0]},` +
			`{"label":"stock","data":{"inStock":false},"path":["topProducts",1]}]}`,
	}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rest\n got: %s\nwant: %s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	reqs := g.inventory.Requests()
	if len(reqs) != 1 {
		t.Fatalf("inventory got %d requests, want one _entities call", len(reqs))
	}
	if reps := reqs[0].Variables["representations"].([]any); len(reps) != 2 {
		t.Fatalf("inventory got %d representations, want 2", len(reps))
	}
	// The primary fetch selects the key for the deferred jump, not inStock.
	if q := g.products.Requests()[0].Query; strings.Contains(q, "inStock") || !strings.Contains(q, "upc") {
		t.Fatalf("primary products query %q", q)
	}
}

// A fragment deferred in the same subgraph is fetched apart, through the
// entity's key; the root field stays in the primary payload.
func TestDeferSameSubgraphField(t *testing.T) {
	g := newDeferGraph(t, nil)
	g.gw.ExpectParts(`{ product(upc: "1") { upc ... @defer { name price } } }`, nil,
		`{"data":{"product":{"upc":"1"}},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"data":{"name":"Table","price":100},"path":["product"]}]}`)
	if n := len(g.products.Requests()); n != 2 {
		t.Fatalf("products got %d requests, want 2 (primary, deferred entity fetch)", n)
	}
}

// Nested defers: the inner block is delivered after the outer one, each
// with its own label and one entry per object; a named fragment spread may
// be deferred too.
func TestDeferNestedAndLabels(t *testing.T) {
	g := newDeferGraph(t, nil)
	g.gw.ExpectParts(`query {
		  topProducts {
		    name
		    ...Details @defer(label: "details")
		  }
		}
		fragment Details on Product {
		  price
		  reviews { body ... @defer(label: "author") { author { name } } }
		}`, nil,
		`{"data":{"topProducts":[{"name":"Table"},{"name":"Chair"}]},"hasNext":true}`,
		`{"hasNext":true,"incremental":[
		  {"label":"details","data":{"price":100,"reviews":[{"body":"Solid"}]},"path":["topProducts",0]},
		  {"label":"details","data":{"price":50,"reviews":[{"body":"Wobbly"},{"body":"Comfy"}]},"path":["topProducts",1]}]}`,
		`{"hasNext":false,"incremental":[
		  {"label":"author","data":{"author":{"name":"Ada"}},"path":["topProducts",0,"reviews",0]},
		  {"label":"author","data":{"author":{"name":"Grace"}},"path":["topProducts",1,"reviews",0]},
		  {"label":"author","data":{"author":{"name":"Ada"}},"path":["topProducts",1,"reviews",1]}]}`)
	if n := len(g.accounts.Requests()); n != 1 {
		t.Fatalf("accounts got %d requests, want 1", n)
	}
}

// A deferred fragment at the root is fetched by a root fetch of its own and
// delivered at the empty path.
func TestDeferAtRoot(t *testing.T) {
	g := newDeferGraph(t, nil)
	g.gw.ExpectParts(`{ me { name } ... @defer(label: "latest") { latestReview { body author { nickname } } } }`, nil,
		`{"data":{"me":{"name":"Ada"}},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"label":"latest","data":{"latestReview":{"body":"Comfy","author":{"nickname":"ada"}}},"path":[]}]}`)
}

// Null propagation inside a deferred payload stays inside it: a non-null
// field that is null nulls the fragment's data, with the error at the
// field's path; the primary payload is untouched. A subgraph error is
// reported in the entry it belongs to.
func TestDeferNullPropagationAndErrors(t *testing.T) {
	deferProducts["3"] = map[string]any{"__typename": "Product", "upc": "3", "name": "Lamp", "price": 7}
	t.Cleanup(func() { delete(deferProducts, "3") })
	g := newDeferGraph(t, nil)
	g.gw.ExpectParts(`{ product(upc: "3") { name ... @defer { inStock } } }`, nil,
		`{"data":{"product":{"name":"Lamp"}},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"data":null,"path":["product"],"errors":[
		  {"message":"Cannot return null for non-nullable field Product.inStock","path":["product","inStock"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}]}`)
	g.gw.ExpectParts(`{ topProducts { upc ... @defer { warehouse } } }`, nil,
		`{"data":{"topProducts":[{"upc":"1"},{"upc":"2"}]},"hasNext":true}`,
		`{"hasNext":false,"incremental":[
		  {"data":{"warehouse":"W1"},"path":["topProducts",0]},
		  {"data":{"warehouse":null},"path":["topProducts",1],"errors":[
		    {"message":"warehouse unknown","path":["topProducts",1,"warehouse"],"extensions":{"code":"NOT_FOUND","serviceName":"inventory"}}]}]}`)
}

// A deferred fragment on a value type (no key to fetch it apart) is
// fetched with the primary part and still delivered in its own payload.
func TestDeferValueType(t *testing.T) {
	g := newDeferGraph(t, nil)
	g.gw.ExpectParts(`{ product(upc: "1") { dimensions { width ... @defer { height } } } }`, nil,
		`{"data":{"product":{"dimensions":{"width":10}}},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"data":{"height":5},"path":["product","dimensions"]}]}`)
	if n := len(g.products.Requests()); n != 1 {
		t.Fatalf("products got %d requests, want 1", n)
	}
}

// @defer(if: false), literal or through a variable, defers nothing: one
// ordinary response, also for a client that accepts multipart.
func TestDeferIfFalse(t *testing.T) {
	g := newDeferGraph(t, nil)
	full := `{"data":{"product":{"name":"Table","inStock":true}}}`
	g.gw.ExpectParts(`{ product(upc: "1") { name ... @defer(if: false) { inStock } } }`, nil, full)
	q := `query($d: Boolean!) { product(upc: "1") { name ... @defer(if: $d, label: "s") { inStock } } }`
	s := g.gw.ExpectParts(q, map[string]any{"d": false}, full)
	if !strings.HasPrefix(s.ContentType, "application/json") {
		t.Fatalf("content type %q, want application/json", s.ContentType)
	}
	g.gw.Expect(q, map[string]any{"d": false}, full)
	g.gw.ExpectParts(q, map[string]any{"d": true},
		`{"data":{"product":{"name":"Table"}},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"label":"s","data":{"inStock":true},"path":["product"]}]}`)
}

// A client that does not accept multipart/mixed gets Apollo Router's 406
// DEFER_BAD_HEADER for an operation that defers a fragment.
func TestDeferWithoutMultipartAccept(t *testing.T) {
	g := newDeferGraph(t, nil)
	status, body := g.gw.Query(`{ product(upc: "1") { name ... @defer { inStock } } }`, nil)
	want := `{"errors":[{"message":"the router received a query with the @defer directive but the client does not accept multipart/mixed HTTP responses. To enable @defer support, add the HTTP header 'Accept: multipart/mixed;deferSpec=20220824'","extensions":{"code":"DEFER_BAD_HEADER"}}]}`
	if status != 406 || body != want {
		t.Fatalf("got %d %s\nwant 406 %s", status, body, want)
	}
	for _, sg := range []*fedtest.Subgraph{g.products, g.inventory} {
		if n := len(sg.Requests()); n != 0 {
			t.Fatalf("%s got %d requests, want none", sg.Name, n)
		}
	}
}

func newDeferMedia(t *testing.T) (*fedtest.Gateway, *fedtest.Subgraph, *fedtest.Subgraph) {
	items := map[string]map[string]any{
		"b1": {"__typename": "Book", "id": "b1", "title": "Dune"},
		"m1": {"__typename": "Movie", "id": "m1", "title": "Alien"},
	}
	media := &fedtest.Subgraph{Name: "media",
		Query: map[string]fedtest.Resolver{
			"feed": func(map[string]any) (any, error) { return []any{items["b1"], items["m1"]}, nil },
		},
		Entities:   func(rep map[string]any) (any, error) { return items[rep["id"].(string)], nil },
		Supertypes: map[string][]string{"Book": {"Media"}, "Movie": {"Media"}},
	}
	details := &fedtest.Subgraph{Name: "details",
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Book":
				return map[string]any{"__typename": "Book", "id": rep["id"], "pages": 412}, nil
			case "Movie":
				return map[string]any{"__typename": "Movie", "id": rep["id"], "minutes": 117}, nil
			}
			return nil, nil
		},
	}
	return startCase(t, "defer-abstract", media, details), media, details
}

// A deferred fragment with a type condition inside a list of an interface
// type is delivered only for the objects of that type.
func TestDeferAbstractTypeCondition(t *testing.T) {
	gw, _, details := newDeferMedia(t)
	gw.ExpectParts(`{ feed { title ... on Book @defer(label: "book") { pages } } }`, nil,
		`{"data":{"feed":[{"title":"Dune"},{"title":"Alien"}]},"hasNext":true}`,
		`{"hasNext":false,"incremental":[{"label":"book","data":{"pages":412},"path":["feed",0]}]}`)
	reqs := details.Requests()
	if len(reqs) != 1 || len(reqs[0].Variables["representations"].([]any)) != 1 {
		t.Fatalf("details requests %+v, want one with the Book only", reqs)
	}
}

// A deferred fragment without a type condition at an interface position
// applies to every object; fragments inside it still select by type.
func TestDeferAbstractPosition(t *testing.T) {
	gw, _, _ := newDeferMedia(t)
	gw.ExpectParts(`{ feed { id ... @defer { title ... on Movie { minutes } } } }`, nil,
		`{"data":{"feed":[{"id":"b1"},{"id":"m1"}]},"hasNext":true}`,
		`{"hasNext":false,"incremental":[
		  {"data":{"title":"Dune"},"path":["feed",0]},
		  {"data":{"title":"Alien","minutes":117},"path":["feed",1]}]}`)
}

// A client that goes away after the first part does not leave the gateway
// waiting on the slow subgraph: the deferred fetch is canceled and the
// handler returns.
func TestDeferClientGoesAway(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	g := newDeferGraph(t, gate)
	// Registered after the servers: cleanups run last-first, so the gate
	// opens before a server's Close waits for the blocked handler.
	t.Cleanup(release)
	s := g.gw.Stream(`{ topProducts { name ... @defer { inStock } } }`, nil)
	if _, ok := s.Next(); !ok {
		t.Fatal("no first part")
	}
	s.Close()
	// The gateway still answers other requests at once.
	g.gw.Expect(`{ product(upc: "2") { name } }`, nil, `{"data":{"product":{"name":"Chair"}}}`)
}
