package federation

import (
	"strings"
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
// to a subgraph already used and then to the ascending name (catalog);
// when none can (no keys below the root), each subgraph gets the part it
// serves and the parts are merged, in objects and lists alike.
func TestRootsSharedField(t *testing.T) {
	catalog, pricing, stock := rootsShared()
	all := []*fedtest.Subgraph{catalog, pricing, stock}
	gw := fedtest.Start(t, supergraph(t, "roots-shared"), all)
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
			"catalog: query{item{sku}}\nstock: query{stockLevel}"},
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
