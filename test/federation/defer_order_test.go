package federation

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/test/fedtest"
)

// deferOrderGraph serves the defer-shareable-order case: products lists
// two products (name, details), catalog and pricing both resolve the
// shareable Product.price and Details.weight and disagree on them (each
// value names its subgraph).
func deferOrderGraph(t *testing.T) (gw *fedtest.Gateway, products, catalog, pricing *fedtest.Subgraph) {
	items := []any{
		obj("Product", "id", "p1", "name", "Table", "details", obj("Details", "id", "d1")),
		obj("Product", "id", "p2", "name", "Chair", "details", obj("Details", "id", "d2")),
	}
	entity := func(sg string, extra func(id string) map[string]any) func(map[string]any) (any, error) {
		return func(rep map[string]any) (any, error) {
			id := rep["id"].(string)
			if rep["__typename"] == "Details" {
				return obj("Details", "id", id, "weight", sg+":"+id), nil
			}
			o := obj("Product", "id", id, "price", sg+":"+id)
			for k, v := range extra(id) {
				o[k] = v
			}
			return o, nil
		}
	}
	products = &fedtest.Subgraph{Name: "products",
		Query: map[string]fedtest.Resolver{"products": func(map[string]any) (any, error) { return items, nil }},
		Entities: func(rep map[string]any) (any, error) {
			for _, it := range items {
				if it.(map[string]any)["id"] == rep["id"] {
					return it, nil
				}
			}
			return nil, nil
		},
	}
	catalog = &fedtest.Subgraph{Name: "catalog", Entities: entity("catalog", func(id string) map[string]any {
		return map[string]any{"rating": len(id), "details": obj("Details", "id", "d"+id[1:])}
	})}
	pricing = &fedtest.Subgraph{Name: "pricing", Entities: entity("pricing", func(id string) map[string]any {
		return map[string]any{"discount": 10}
	})}
	return startCase(t, "defer-shareable-order", products, catalog, pricing), products, catalog, pricing
}

// Two sibling deferred fragments both select the shareable price, the
// first fetched from pricing, the second from catalog, which disagree.
// The blocks are chained in plan order: pricing answers slowly, yet the
// first block's payload comes first with pricing's price, then the
// second's with catalog's, every time; catalog is never asked while the
// first block is in flight.
func TestDeferSiblingsWriteInPlanOrder(t *testing.T) {
	gw, _, catalog, pricing := deferOrderGraph(t)
	var mu sync.Mutex
	inFlight := false
	catalog.Intercept = func(_ http.ResponseWriter, _ *http.Request, _ fedtest.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		if inFlight {
			t.Errorf("catalog asked while the first deferred block (pricing) was in flight")
		}
		return false
	}
	pricing.Intercept = func(_ http.ResponseWriter, _ *http.Request, _ fedtest.Request) bool {
		mu.Lock()
		inFlight = true
		mu.Unlock()
		time.Sleep(30 * time.Millisecond) // catalog, if asked now, answers first
		mu.Lock()
		inFlight = false
		mu.Unlock()
		return false
	}
	for range 5 {
		gw.ExpectParts(`{ products { name ... @defer(label: "a") { discount price } ... @defer(label: "b") { rating price } } }`, nil,
			`{"data":{"products":[{"name":"Table"},{"name":"Chair"}]},"hasNext":true}`,
			`{"hasNext":true,"incremental":[
			  {"label":"a","data":{"discount":10,"price":"pricing:p1"},"path":["products",0]},
			  {"label":"a","data":{"discount":10,"price":"pricing:p2"},"path":["products",1]}]}`,
			`{"hasNext":false,"incremental":[
			  {"label":"b","data":{"rating":2,"price":"catalog:p1"},"path":["products",0]},
			  {"label":"b","data":{"rating":2,"price":"catalog:p2"},"path":["products",1]}]}`)
	}
}

// A deferred fragment re-fetching details (with weight below it) and a
// deferred fragment inside details fetching weight: one writes below the
// other's key, so the plan chains them in plan order (the inner fragment
// comes first) and the payloads come in that order every time. (Here the
// executor's per-request loader also makes the outer block's weight lookup
// wait for the inner block's identical one; the executor's
// TestNestedWriteInPlanOrder is the case only the ordering decides.)
func TestDeferNestedWriteInPlanOrder(t *testing.T) {
	gw, _, _, _ := deferOrderGraph(t)
	for range 5 {
		gw.ExpectParts(`{ products { name ... @defer(label: "outer") { details { weight } } details { ... @defer(label: "inner") { weight } } } }`, nil,
			`{"data":{"products":[{"name":"Table","details":{}},{"name":"Chair","details":{}}]},"hasNext":true}`,
			`{"hasNext":true,"incremental":[
			  {"label":"inner","data":{"weight":"catalog:d1"},"path":["products",0,"details"]},
			  {"label":"inner","data":{"weight":"catalog:d2"},"path":["products",1,"details"]}]}`,
			`{"hasNext":false,"incremental":[
			  {"label":"outer","data":{"details":{"weight":"catalog:d1"}},"path":["products",0]},
			  {"label":"outer","data":{"details":{"weight":"catalog:d2"}},"path":["products",1]}]}`)
	}
}

// A deferred fragment on a type without keys stays in the enclosing
// fetches, one block per subgraph part (nothing left to fetch): those
// blocks are shaped at once in plan order and delivered in one payload,
// never in the order goroutines happen to run.
func TestDeferBlocksWithoutFetchesInPlanOrder(t *testing.T) {
	catalog, pricing, stock := rootsShared()
	gw := startCase(t, "roots-shared", catalog, pricing, stock)
	for range 20 {
		gw.ExpectParts(`{ items { cost ... on Item @defer(label: "d") { title quantity } } }`, nil,
			`{"data":{"items":[{"cost":30},{"cost":30}]},"hasNext":true}`,
			`{"hasNext":false,"incremental":[
			  {"label":"d","data":{"title":"Lamp"},"path":["items",0]},
			  {"label":"d","data":{"title":"Lamp"},"path":["items",1]},
			  {"label":"d","data":{"quantity":4},"path":["items",0]},
			  {"label":"d","data":{"quantity":4},"path":["items",1]}]}`)
	}
}
