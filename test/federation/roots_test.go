package federation

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// rootsShared serves roots-shared: Query.item and Query.items are
// @shareable in catalog, pricing and stock; Item and Info have no key, so
// a field only one subgraph resolves can only come through that subgraph's
// own root field.
func rootsShared() (catalog, pricing, stock *fedtest.Subgraph) {
	item := func(fields ...string) fedtest.Resolver {
		return func(map[string]any) (any, error) {
			all := map[string]any{"__typename": "Item", "sku": "s1", "title": "Lamp", "cost": 30, "quantity": 4,
				"info": map[string]any{"__typename": "Info", "weight": 2, "color": "red"}}
			out := map[string]any{"__typename": "Item"}
			for _, f := range fields {
				out[f] = all[f]
			}
			return out, nil
		}
	}
	list := func(r fedtest.Resolver) fedtest.Resolver {
		return func(args map[string]any) (any, error) {
			v, _ := r(args)
			return []any{v, v}, nil
		}
	}
	ci, pi, si := item("sku", "title", "info"), item("sku", "cost", "info"), item("sku", "quantity")
	catalog = &fedtest.Subgraph{Name: "catalog", Query: map[string]fedtest.Resolver{"item": ci, "items": list(ci)}}
	pricing = &fedtest.Subgraph{Name: "pricing", Query: map[string]fedtest.Resolver{"item": pi, "items": list(pi)}}
	stock = &fedtest.Subgraph{Name: "stock", Query: map[string]fedtest.Resolver{"item": si, "items": list(si),
		"stockLevel": func(map[string]any) (any, error) { return 9, nil }}}
	return
}

func requestQueries(sgs ...*fedtest.Subgraph) string {
	var out []string
	for _, s := range sgs {
		for _, r := range s.Requests() {
			out = append(out, s.Name+": "+r.Query)
		}
	}
	return strings.Join(out, "\n")
}

// A shareable root field served by three subgraphs: when one subgraph can
// serve the whole selection it serves it alone, the cheapest choice, ties
// to a subgraph the operation uses anyway (for another root field) and then
// to the ascending name (catalog);
// when none can (no keys below the root), each subgraph gets the part it
// serves and the parts are merged, in objects and lists alike.
func TestRootsSharedField(t *testing.T) {
	catalog, pricing, stock := rootsShared()
	all := []*fedtest.Subgraph{catalog, pricing, stock}
	gw := startCase(t, "roots-shared", all...)
	reset := func() {
		for _, s := range all {
			s.ResetRequests()
		}
	}
	cases := []struct {
		query, want, fetches string
	}{
		{`{ item { sku } }`, `{"data":{"item":{"sku":"s1"}}}`,
			`catalog: query{item{sku}}`},
		{`{ item { quantity } }`, `{"data":{"item":{"quantity":4}}}`,
			`stock: query{item{quantity}}`},
		{`{ stockLevel item { sku } }`, `{"data":{"stockLevel":9,"item":{"sku":"s1"}}}`,
			`stock: query{stockLevel item{sku}}`},
		{`{ item { sku } stockLevel }`, `{"data":{"item":{"sku":"s1"},"stockLevel":9}}`,
			`stock: query{item{sku} stockLevel}`},
		{`{ item { sku title cost quantity } }`, `{"data":{"item":{"sku":"s1","title":"Lamp","cost":30,"quantity":4}}}`,
			"catalog: query{item{sku title}}\npricing: query{item{cost}}\nstock: query{item{quantity}}"},
		{`{ items { quantity title sku } }`, `{"data":{"items":[{"quantity":4,"title":"Lamp","sku":"s1"},{"quantity":4,"title":"Lamp","sku":"s1"}]}}`,
			"catalog: query{items{title}}\nstock: query{items{quantity sku}}"},
		{`{ item { info { weight color } cost } }`, `{"data":{"item":{"info":{"weight":2,"color":"red"},"cost":30}}}`,
			"catalog: query{item{info{weight}}}\npricing: query{item{info{color} cost}}"},
		{`{ a: item { ... on Item { title } } b: item { quantity } }`, `{"data":{"a":{"title":"Lamp"},"b":{"quantity":4}}}`,
			"catalog: query{a:item{title}}\nstock: query{b:item{quantity}}"},
	}
	for _, c := range cases {
		reset()
		gw.Expect(c.query, nil, c.want)
		if got := requestQueries(all...); got != c.fetches {
			t.Errorf("%s: fetches\n%s\nwant\n%s", c.query, got, c.fetches)
		}
	}
}

// counters is the state the roots-mutations subgraphs share, with a log of
// every operation in the order the subgraphs ran them.
type counters struct {
	mu     sync.Mutex
	vals   map[string]int
	log    []string
	orders map[string]bool // orders not yet fetched as entities by math
	placed int
}

func (c *counters) do(entry string, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
	c.log = append(c.log, entry)
}

func mutationSubgraphs(c *counters) []*fedtest.Subgraph {
	num := func(v any) int {
		switch n := v.(type) {
		case int64:
			return int(n)
		case float64:
			return int(n)
		}
		return 0
	}
	ledger := &fedtest.Subgraph{Name: "ledger", Query: map[string]fedtest.Resolver{
		"total": func(args map[string]any) (any, error) {
			var v int
			c.do("total", func() { v = c.vals[toString(args["key"])] })
			return v, nil
		},
	}, Mutation: map[string]fedtest.Resolver{
		"addTo": func(args map[string]any) (any, error) {
			var v int
			c.do(fmt.Sprintf("addTo(%d)", num(args["n"])), func() {
				c.vals[toString(args["key"])] += num(args["n"])
				v = c.vals[toString(args["key"])]
			})
			return v, nil
		},
		"placeOrder": func(args map[string]any) (any, error) {
			var id string
			c.do("placeOrder", func() {
				c.placed++
				id = fmt.Sprintf("o%d", c.placed)
				c.orders[id] = true
			})
			return map[string]any{"__typename": "Order", "id": id, "qty": args["qty"]}, nil
		},
	}}
	math := &fedtest.Subgraph{Name: "math", Mutation: map[string]fedtest.Resolver{
		"scaleBy": func(args map[string]any) (any, error) {
			var v int
			c.do(fmt.Sprintf("scaleBy(%d)", num(args["f"])), func() {
				c.vals[toString(args["key"])] *= num(args["f"])
				v = c.vals[toString(args["key"])]
			})
			return v, nil
		},
	}, Entities: func(rep map[string]any) (any, error) {
		// An order is handed out once, like a queue: a second fetch of the
		// same entity would get null.
		var out any
		id := toString(rep["id"])
		c.do("Order("+id+")", func() {
			if !c.orders[id] {
				return
			}
			delete(c.orders, id)
			out = map[string]any{"__typename": "Order", "id": id,
				"seen": fmt.Sprintf("k=%d", c.vals["k"]), "double": 2 * num(rep["qty"])}
		})
		return out, nil
	}}
	admin := &fedtest.Subgraph{Name: "admin", Mutation: map[string]fedtest.Resolver{
		"reset": func(args map[string]any) (any, error) {
			var v int
			c.do("reset", func() {
				v = c.vals[toString(args["key"])]
				c.vals[toString(args["key"])] = 0
			})
			return v, nil
		},
	}}
	return []*fedtest.Subgraph{ledger, math, admin}
}

// Mutation fields run strictly in order across subgraphs, each seeing the
// effects of the previous one, and the entity fetches below a mutation
// field run before the next mutation field; an entity needed by two fields
// of one subgraph (one with @requires) is fetched once.
func TestRootsMutationsInOrder(t *testing.T) {
	c := &counters{vals: map[string]int{}, orders: map[string]bool{}}
	sgs := mutationSubgraphs(c)
	gw := startCase(t, "roots-mutations", sgs...)
	gw.Expect(`mutation {
		five: addTo(n: 5, key: "k")
		ten: scaleBy(f: 2, key: "k")
		twelve: addTo(n: 2, key: "k")
		order: placeOrder(qty: 3, key: "k") { id qty seen double }
		thirty: scaleBy(f: 3, key: "k")
		was: reset(key: "k")
		one: addTo(n: 1, key: "k")
	}`, nil, `{"data":{"five":5,"ten":10,"twelve":12,"order":{"id":"o1","qty":3,"seen":"k=12","double":6},"thirty":36,"was":36,"one":1}}`)
	want := "addTo(5) scaleBy(2) addTo(2) placeOrder Order(o1) scaleBy(3) reset addTo(1)"
	if got := strings.Join(c.log, " "); got != want {
		t.Errorf("order of operations\n got: %s\nwant: %s", got, want)
	}
	// Consecutive fields of one subgraph go in one request, in order.
	if n := len(sgs[1].Requests()); n != 3 {
		t.Errorf("math got %d requests, want 3 (scaleBy, Order entity, scaleBy): %s", n, requestQueries(sgs[1]))
	}
	if n := len(sgs[0].Requests()); n != 3 {
		t.Errorf("ledger got %d requests, want 3: %s", n, requestQueries(sgs[0]))
	}
	c.log = nil
	gw.Expect(`mutation Two($k: String!) { a: placeOrder(qty: 1, key: $k) { double } b: placeOrder(qty: 2, key: $k) { seen double } }`,
		map[string]any{"k": "k"}, `{"data":{"a":{"double":2},"b":{"seen":"k=1","double":4}}}`)
	// Both fields are one ledger request; their entity fetches (at two
	// paths) may run in either order, after it.
	if got := strings.Join(c.log, " "); got != "placeOrder placeOrder Order(o2) Order(o3)" && got != "placeOrder placeOrder Order(o3) Order(o2)" {
		t.Errorf("order of operations: %s", got)
	}
}
