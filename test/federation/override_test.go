package federation

import (
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/test/fedtest"
)

// overrideMoved serves legacy (which once owned every Product field and the
// Post interface) and shop (which took fields over with @override, some
// behind progressive-override labels). legacy still answers the fields it
// lost, with values that must never reach a client.
func overrideMoved(t *testing.T, opts ...gateway.Option) (*fedtest.Gateway, *fedtest.Subgraph, *fedtest.Subgraph) {
	legacyProduct := func(id string) map[string]any {
		return map[string]any{"__typename": "Product", "id": id, "name": "name-" + id, "price": -1, "weight": -1,
			"color": "legacy-" + id, "size": "legacy-" + id, "stock": 3, "rating": 1}
	}
	shopProduct := func(id string) map[string]any {
		return map[string]any{"__typename": "Product", "id": id, "price": 10, "weight": 20,
			"color": "shop-" + id, "size": "shop-" + id, "stock": 7, "rating": 5}
	}
	legacy := &fedtest.Subgraph{Name: "legacy",
		Query: map[string]fedtest.Resolver{
			"products":  func(map[string]any) (any, error) { return []any{legacyProduct("p1"), legacyProduct("p2")}, nil },
			"catalogue": func(map[string]any) (any, error) { return []any{legacyProduct("p1")}, nil },
			"feed": func(map[string]any) (any, error) {
				return []any{
					map[string]any{"__typename": "ImagePost", "id": "i1", "createdAt": "NEVER"},
					map[string]any{"__typename": "ImagePost", "id": "i2", "createdAt": "NEVER"},
				}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Product":
				return legacyProduct(rep["id"].(string)), nil
			case "ImagePost":
				return map[string]any{"__typename": "ImagePost", "id": rep["id"], "createdAt": "NEVER"}, nil
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"ImagePost": {"Post"}},
	}
	shop := &fedtest.Subgraph{Name: "shop",
		Query: map[string]fedtest.Resolver{
			"bestsellers": func(map[string]any) (any, error) { return []any{shopProduct("p2")}, nil },
			"catalogue":   func(map[string]any) (any, error) { return []any{shopProduct("p1")}, nil },
			"otherFeed": func(map[string]any) (any, error) {
				return []any{map[string]any{"__typename": "ImagePost", "id": "i1", "createdAt": "i1-at"}}, nil
			},
			"posts": func(map[string]any) (any, error) {
				return []any{map[string]any{"__typename": "TextPost", "id": "t1", "createdAt": "t1-at", "body": "hello"}}, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) {
			id, _ := rep["id"].(string)
			switch rep["__typename"] {
			case "Product":
				return shopProduct(id), nil
			case "ImagePost":
				return map[string]any{"__typename": "ImagePost", "id": id, "createdAt": id + "-at"}, nil
			}
			return nil, nil
		},
		Supertypes: map[string][]string{"ImagePost": {"OtherPost"}, "TextPost": {"Post"}},
	}
	gw := startCaseWith(t, "override-moved", opts, legacy, shop)
	return gw, legacy, shop
}

// asked reports whether any request sub received selects field.
func asked(sub *fedtest.Subgraph, field string) bool {
	for _, r := range sub.Requests() {
		if strings.Contains(r.Query, field) {
			return true
		}
	}
	return false
}

func TestOverrideMovedField(t *testing.T) {
	gw, legacy, shop := overrideMoved(t)
	gw.Expect(`{ products { id price } }`, nil,
		`{"data":{"products":[{"id":"p1","price":10},{"id":"p2","price":10}]}}`)
	// The override applies whether or not the key is selected.
	gw.Expect(`{ products { price name } }`, nil,
		`{"data":{"products":[{"price":10,"name":"name-p1"},{"price":10,"name":"name-p2"}]}}`)
	if asked(legacy, "price") {
		t.Errorf("legacy was asked for an overridden field: %v", legacy.Requests())
	}
	// An override from a subgraph that does not exist changes nothing: each
	// subgraph resolves its shareable field itself.
	legacy.ResetRequests()
	shop.ResetRequests()
	gw.Expect(`{ products { stock } bestsellers { stock } }`, nil,
		`{"data":{"products":[{"stock":3},{"stock":3}],"bestsellers":[{"stock":7}]}}`)
	if len(legacy.Requests()) != 1 || len(shop.Requests()) != 1 {
		t.Errorf("requests: legacy %d, shop %d; want one each", len(legacy.Requests()), len(shop.Requests()))
	}
	// A shareable root field goes where the overridden field lives: one fetch.
	legacy.ResetRequests()
	shop.ResetRequests()
	gw.Expect(`{ catalogue { price } }`, nil, `{"data":{"catalogue":[{"price":10}]}}`)
	if len(legacy.Requests()) != 0 || len(shop.Requests()) != 1 {
		t.Errorf("requests: legacy %d, shop %d; want shop only", len(legacy.Requests()), len(shop.Requests()))
	}
}

func TestOverrideInterfaceImplementation(t *testing.T) {
	gw, legacy, _ := overrideMoved(t)
	// legacy's feed returns ImagePost, whose createdAt moved to shop (where
	// ImagePost implements another interface).
	gw.Expect(`{ feed { id createdAt } }`, nil,
		`{"data":{"feed":[{"id":"i1","createdAt":"i1-at"},{"id":"i2","createdAt":"i2-at"}]}}`)
	if asked(legacy, "createdAt") {
		t.Errorf("legacy was asked for the overridden createdAt: %v", legacy.Requests())
	}
	// TextPost is never returned by legacy.
	legacy.ResetRequests()
	gw.Expect(`{ feed { ... on TextPost { id body } } }`, nil, `{"data":{"feed":[{},{}]}}`)
	if n := len(legacy.Requests()); n != 1 {
		t.Errorf("legacy got %d requests, want 1", n)
	}
	gw.Expect(`{ otherFeed { createdAt id ... on ImagePost { createdAt id } } }`, nil,
		`{"data":{"otherFeed":[{"createdAt":"i1-at","id":"i1"}]}}`)
	gw.Expect(`{ posts { createdAt ... on TextPost { body } } }`, nil,
		`{"data":{"posts":[{"createdAt":"t1-at","body":"hello"}]}}`)
}

func TestOverrideProgressive(t *testing.T) {
	// percent(100) is always on, percent(0) always off, a custom label off
	// unless configured.
	gw, _, _ := overrideMoved(t)
	gw.Expect(`{ products { weight color size } }`, nil,
		`{"data":{"products":[{"weight":20,"color":"legacy-p1","size":"legacy-p1"},{"weight":20,"color":"legacy-p2","size":"legacy-p2"}]}}`)

	// Labels forced by configuration win over the percentage.
	gw, legacy, _ := overrideMoved(t, gateway.WithOverrideLabels(map[string]bool{"metric-sizes": true, "percent(0)": true, "percent(100)": false}))
	gw.Expect(`{ products { weight color size } }`, nil,
		`{"data":{"products":[{"weight":-1,"color":"shop-p1","size":"shop-p1"},{"weight":-1,"color":"shop-p2","size":"shop-p2"}]}}`)
	if asked(legacy, "size") || asked(legacy, "color") {
		t.Errorf("legacy asked for fields overridden by active labels: %v", legacy.Requests())
	}
}

// percent(50) is drawn per request: both subgraphs serve the field over
// enough requests (a plan is cached per decision, never shared between them).
func TestOverridePercentPerRequest(t *testing.T) {
	gw, _, _ := overrideMoved(t)
	seen := map[string]int{}
	for i := 0; i < 64; i++ {
		_, got := gw.Query(`{ products { rating } }`, nil)
		seen[got]++
	}
	const fromLegacy = `{"data":{"products":[{"rating":1},{"rating":1}]}}`
	const fromShop = `{"data":{"products":[{"rating":5},{"rating":5}]}}`
	if len(seen) != 2 || seen[fromLegacy] == 0 || seen[fromShop] == 0 {
		t.Errorf("answers over 64 requests: %v", seen)
	}
}

// An overridden field required by @requires in the subgraphs that lost it
// (they declare it @external): it is fetched from the overriding subgraph
// and sent in the representations.
func TestOverrideWithRequires(t *testing.T) {
	user := func(id string) map[string]any { return map[string]any{"__typename": "User", "id": id} }
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{"userInA": func(map[string]any) (any, error) { return user("u1"), nil }},
		Entities: func(rep map[string]any) (any, error) {
			name, _ := rep["name"].(string)
			return map[string]any{"__typename": "User", "id": rep["id"], "aName": "a__" + name}, nil
		},
	}
	b := &fedtest.Subgraph{Name: "b",
		Query: map[string]fedtest.Resolver{"userInB": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": "u2", "name": "u2-name"}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": rep["id"], "name": rep["id"].(string) + "-name"}, nil
		},
	}
	c := &fedtest.Subgraph{Name: "c",
		Query: map[string]fedtest.Resolver{"userInC": func(map[string]any) (any, error) { return user("u3"), nil }},
		Entities: func(rep map[string]any) (any, error) {
			name, _ := rep["name"].(string)
			return map[string]any{"__typename": "User", "id": rep["id"], "cName": "c__" + name}, nil
		},
	}
	gw := startCase(t, "override-requires", a, b, c)
	gw.Expect(`{ userInA { id name aName cName } userInB { id name aName cName } userInC { id name aName cName } }`, nil,
		`{"data":{"userInA":{"id":"u1","name":"u1-name","aName":"a__u1-name","cName":"c__u1-name"},`+
			`"userInB":{"id":"u2","name":"u2-name","aName":"a__u2-name","cName":"c__u2-name"},`+
			`"userInC":{"id":"u3","name":"u3-name","aName":"a__u3-name","cName":"c__u3-name"}}}`)
	gw.Expect(`{ userInC { cName } }`, nil, `{"data":{"userInC":{"cName":"c__u3-name"}}}`)
	gw.Expect(`{ userInA { aName } }`, nil, `{"data":{"userInA":{"aName":"a__u1-name"}}}`)
}
