package federation

import (
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// The abstract-seven case: an interface (Vehicle) and an interface it does
// not extend (Comparable) spread over seven subgraphs, a union (Owner)
// whose members differ per subgraph, @requires on interface
// implementations, and value types shared between subgraphs.

type vehicle struct {
	id, typ, sku, model, label, driver string
	weight                             float64
	owner                              map[string]any
}

var fleetVehicles = []vehicle{
	{"v1", "Car", "sku-1", "C-One", "small", "d1", 0.5, map[string]any{"__typename": "Person", "contact": "pat@example.com"}},
	{"v3", "Car", "sku-3", "C-Three", "small", "d2", 0.6, map[string]any{"__typename": "Company", "id": "co1"}},
	{"v2", "Truck", "sku-2", "T-Two", "small", "d1", 0.2, map[string]any{"__typename": "Company", "id": "co1"}},
	{"v4", "Truck", "sku-4", "T-Four", "large", "d2", 1.5, nil},
}

var garageServices = []map[string]any{
	{"id": 1, "note": "oil", "vehicle": "v1"},
	{"id": 2, "note": "tyres", "vehicle": "v1"},
	{"id": 3, "note": "brakes", "vehicle": "v2"},
}

func vehicleByID(id string) *vehicle {
	for i := range fleetVehicles {
		if fleetVehicles[i].id == id {
			return &fleetVehicles[i]
		}
	}
	return nil
}

func (v *vehicle) fleet() map[string]any {
	var owner any
	if v.owner != nil {
		owner = v.owner
	}
	return map[string]any{"__typename": v.typ, "id": v.id, "sku": v.sku, "secret": true,
		"size":   map[string]any{"__typename": "Size", "label": v.label, "weight": v.weight},
		"driver": map[string]any{"__typename": "Driver", "email": v.driver + "@example.com"},
		"owner":  owner}
}

func servicesOf(ids ...string) []any {
	out := []any{}
	for _, s := range garageServices {
		for _, id := range ids {
			if s["vehicle"] == id {
				v := vehicleByID(id)
				out = append(out, map[string]any{"__typename": "Service", "id": s["id"], "note": s["note"],
					"vehicle": map[string]any{"__typename": v.typ, "id": v.id}})
			}
		}
	}
	return out
}

func lookalikesOf(id string) []any {
	v := vehicleByID(id)
	out := []any{}
	for i := range fleetVehicles {
		if o := &fleetVehicles[i]; o.typ == v.typ && o.id != id {
			out = append(out, o.fleet())
		}
	}
	return out
}

func abstractSeven(t *testing.T) (*fedtest.Gateway, map[string]*fedtest.Subgraph) {
	supertypes := map[string][]string{"Car": {"Vehicle", "Comparable"}, "Truck": {"Vehicle", "Comparable"},
		"Company": {"Owner"}, "Person": {"Owner"}, "Club": {"Owner"}}
	fleet := &fedtest.Subgraph{Name: "fleet", Supertypes: supertypes,
		Query: map[string]fedtest.Resolver{
			"vehicles": func(map[string]any) (any, error) {
				out := []any{}
				for i := range fleetVehicles {
					out = append(out, fleetVehicles[i].fleet())
				}
				return out, nil
			},
			"lookalikes": func(args map[string]any) (any, error) { return lookalikesOf(args["id"].(string)), nil },
		},
		Fields: map[string]fedtest.FieldResolver{
			"Car.lookalikes":   func(p, _ map[string]any) (any, error) { return lookalikesOf(p["id"].(string)), nil },
			"Truck.lookalikes": func(p, _ map[string]any) (any, error) { return lookalikesOf(p["id"].(string)), nil },
			"Driver.tripCount": func(map[string]any, map[string]any) (any, error) { return 2, nil },
		},
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] == "Driver" {
				return map[string]any{"__typename": "Driver", "email": rep["email"]}, nil
			}
			if v := vehicleByID(rep["id"].(string)); v != nil && v.typ == rep["__typename"] {
				return v.fleet(), nil
			}
			return nil, nil
		},
	}
	model := func(typ string) *fedtest.Subgraph {
		return &fedtest.Subgraph{Name: map[string]string{"Car": "cars", "Truck": "trucks"}[typ],
			Entities: func(rep map[string]any) (any, error) {
				if v := vehicleByID(rep["id"].(string)); v != nil && v.typ == typ && rep["__typename"] == typ {
					return map[string]any{"__typename": typ, "id": v.id, "model": v.model}, nil
				}
				return nil, nil
			}}
	}
	count := func(p, _ map[string]any) (any, error) { return len(servicesOf(p["id"].(string))), nil }
	garage := &fedtest.Subgraph{Name: "garage", Supertypes: supertypes,
		Fields: map[string]fedtest.FieldResolver{"Car.serviceCount": count, "Truck.serviceCount": count},
		Entities: func(rep map[string]any) (any, error) {
			v := vehicleByID(rep["id"].(string))
			if v == nil || v.typ != rep["__typename"] {
				return nil, nil
			}
			out := map[string]any{"__typename": v.typ, "id": v.id, "services": servicesOf(v.id)}
			if ls, ok := rep["lookalikes"].([]any); ok {
				var ids []string
				for _, l := range ls {
					ids = append(ids, l.(map[string]any)["id"].(string))
				}
				out["lookalikeServices"] = servicesOf(ids...)
			}
			return out, nil
		}}
	shipping := &fedtest.Subgraph{Name: "shipping",
		Entities: func(rep map[string]any) (any, error) {
			return map[string]any{"__typename": rep["__typename"], "id": rep["id"], "size": rep["size"]}, nil
		},
		Fields: map[string]fedtest.FieldResolver{},
	}
	estimate := func(p, args map[string]any) (any, error) {
		size, _ := p["size"].(map[string]any)
		if args["zip"] == nil || size == nil {
			return nil, nil
		}
		if size["label"] == "small" && size["weight"].(float64) < 1 {
			return map[string]any{"days": "1 day", "fastest": "same day"}, nil
		}
		return map[string]any{"days": "3 days", "fastest": "2 days"}, nil
	}
	shipping.Fields["Car.shipping"] = estimate
	shipping.Fields["Truck.shipping"] = estimate
	drivers := &fedtest.Subgraph{Name: "drivers",
		Entities: func(rep map[string]any) (any, error) {
			names := map[any]string{"d1@example.com": "Dee", "d2@example.com": "Dan"}
			return map[string]any{"__typename": "Driver", "email": rep["email"], "name": names[rep["email"]], "tripCount": 2}, nil
		}}
	makers := &fedtest.Subgraph{Name: "makers", Supertypes: supertypes,
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] == "Company" && rep["id"] == "co1" {
				return map[string]any{"__typename": "Company", "id": "co1", "title": "Acme",
					"contact": map[string]any{"__typename": "Contact", "address": "1 Road"}}, nil
			}
			return nil, nil
		}}
	subs := []*fedtest.Subgraph{fleet, model("Car"), model("Truck"), garage, shipping, drivers, makers}
	byName := map[string]*fedtest.Subgraph{}
	for _, s := range subs {
		byName[s.Name] = s
	}
	return fedtest.Start(t, supergraph(t, "abstract-seven"), validating(t, "abstract-seven", subs...)), byName
}

func TestAbstractSevenSubgraphs(t *testing.T) {
	gw, subs := abstractSeven(t)
	// A shared value type below an interface.
	gw.Expect(`{ vehicles { id size { label weight } } }`, nil,
		`{"data":{"vehicles":[{"id":"v1","size":{"label":"small","weight":0.5}},{"id":"v3","size":{"label":"small","weight":0.6}},`+
			`{"id":"v2","size":{"label":"small","weight":0.2}},{"id":"v4","size":{"label":"large","weight":1.5}}]}}`)
	gw.Expect(`{ lookalikes(id: "v1") { id sku } }`, nil, `{"data":{"lookalikes":[{"id":"v3","sku":"sku-3"}]}}`)
	// An interface field with @requires (and arguments) on each implementation.
	gw.Expect(`{ a: lookalikes(id: "v1") { id sku shipping(zip: "1234") { fastest days } } b: lookalikes(id: "v2") { id shipping(zip: "1234") { days } } }`, nil,
		`{"data":{"a":[{"id":"v3","sku":"sku-3","shipping":{"fastest":"same day","days":"1 day"}}],"b":[{"id":"v4","shipping":{"days":"3 days"}}]}}`)
	// The same field through the interface, each implementation and another interface.
	gw.Expect(`{ vehicles { sku ... on Vehicle { sku } ... on Car { sku } ... on Truck { sku } ... on Comparable { __typename kind: __typename } } }`, nil,
		`{"data":{"vehicles":[{"sku":"sku-1","__typename":"Car","kind":"Car"},{"sku":"sku-3","__typename":"Car","kind":"Car"},`+
			`{"sku":"sku-2","__typename":"Truck","kind":"Truck"},{"sku":"sku-4","__typename":"Truck","kind":"Truck"}]}}`)
	// An entity below the interface and a field of one implementation from its own subgraph.
	gw.Expect(`{ vehicles { d: driver { email name tripCount } ... on Truck { model } } }`, nil,
		`{"data":{"vehicles":[{"d":{"email":"d1@example.com","name":"Dee","tripCount":2}},{"d":{"email":"d2@example.com","name":"Dan","tripCount":2}},`+
			`{"d":{"email":"d1@example.com","name":"Dee","tripCount":2},"model":"T-Two"},{"d":{"email":"d2@example.com","name":"Dan","tripCount":2},"model":"T-Four"}]}}`)
	// Interface fields of another subgraph, and back through the interface:
	// one fetch per subgraph and path, whatever the concrete types.
	for _, sub := range subs {
		sub.ResetRequests()
	}
	gw.Expect(`{ vehicles { id services { vehicle { sku ... on Truck { model } ... on Car { serviceCount } } } } }`, nil,
		`{"data":{"vehicles":[{"id":"v1","services":[{"vehicle":{"sku":"sku-1","serviceCount":2}},{"vehicle":{"sku":"sku-1","serviceCount":2}}]},`+
			`{"id":"v3","services":[]},{"id":"v2","services":[{"vehicle":{"sku":"sku-2","model":"T-Two"}}]},{"id":"v4","services":[]}]}}`)
	for name, want := range map[string]int{"fleet": 2, "garage": 1, "trucks": 1, "cars": 0, "shipping": 0} {
		if n := len(subs[name].Requests()); n != want {
			t.Errorf("%s got %d requests, want %d", name, n, want)
		}
	}
	gw.Expect(`{ vehicles { id services { id } } }`, nil,
		`{"data":{"vehicles":[{"id":"v1","services":[{"id":1},{"id":2}]},{"id":"v3","services":[]},{"id":"v2","services":[{"id":3}]},{"id":"v4","services":[]}]}}`)
	// @requires of a list of the implementation's own type.
	gw.Expect(`{ lookalikes(id: "v3") { id ... on Car { lookalikeServices { note } } } }`, nil,
		`{"data":{"lookalikes":[{"id":"v1","lookalikeServices":[]}]}}`)
	gw.Expect(`{ vehicles { ... on Truck { id lookalikeServices { note } } } }`, nil,
		`{"data":{"vehicles":[{},{},{"id":"v2","lookalikeServices":[]},{"id":"v4","lookalikeServices":[{"note":"brakes"}]}]}}`)
}

func TestAbstractFragmentConditions(t *testing.T) {
	gw, _ := abstractSeven(t)
	q := `query ($m: Boolean = true) { vehicles { id services { vehicle { id ... on Car @include(if: $m) { model } ... on Truck { sku } } } } }`
	gw.Expect(q, nil,
		`{"data":{"vehicles":[{"id":"v1","services":[{"vehicle":{"id":"v1","model":"C-One"}},{"vehicle":{"id":"v1","model":"C-One"}}]},`+
			`{"id":"v3","services":[]},{"id":"v2","services":[{"vehicle":{"id":"v2","sku":"sku-2"}}]},{"id":"v4","services":[]}]}}`)
	gw.Expect(q, map[string]any{"m": false},
		`{"data":{"vehicles":[{"id":"v1","services":[{"vehicle":{"id":"v1"}},{"vehicle":{"id":"v1"}}]},`+
			`{"id":"v3","services":[]},{"id":"v2","services":[{"vehicle":{"id":"v2","sku":"sku-2"}}]},{"id":"v4","services":[]}]}}`)
	q = `query ($m: Boolean = true) { lookalikes(id: "v3") { id ... on Car @skip(if: $m) { model } ... on Car { sku } ... on Car @include(if: $m) { ... on Car @skip(if: $m) { secretless: sku } } } }`
	gw.Expect(q, nil, `{"data":{"lookalikes":[{"id":"v1","sku":"sku-1"}]}}`)
	gw.Expect(q, map[string]any{"m": false}, `{"data":{"lookalikes":[{"id":"v1","model":"C-One","sku":"sku-1"}]}}`)
}

func TestAbstractPartialUnion(t *testing.T) {
	gw, subs := abstractSeven(t)
	// Owner is Company | Person in fleet and Company | Club in makers: the
	// fragment on Club never reaches fleet, Company's fields come from makers.
	q := `{ vehicles { id ... on Car { owner { ...O } } ... on Truck { owner { ...O } } } }
	fragment O on Owner { ... on Company { id title } ... on Person { contact } ... on Club { name } }`
	gw.Expect(q, nil,
		`{"data":{"vehicles":[{"id":"v1","owner":{"contact":"pat@example.com"}},{"id":"v3","owner":{"id":"co1","title":"Acme"}},`+
			`{"id":"v2","owner":{"id":"co1","title":"Acme"}},{"id":"v4","owner":null}]}}`)
	for _, r := range subs["fleet"].Requests() {
		if contains(r.Query, "Club") {
			t.Errorf("fleet was asked about a type it does not have: %s", r.Query)
		}
	}
	if n := len(subs["makers"].Requests()); n != 1 {
		t.Errorf("makers got %d requests, want 1 (the company, fetched once)", n)
	}
	// Fields of one name and different types per member, aliased apart.
	q = `{ vehicles { ... on Car { owner { ...C } } ... on Truck { owner { ...C } } } }
	fragment C on Owner { ... on Company { co: contact { address } } ... on Person { c: contact } ... on Club { c: contact } }`
	gw.Expect(q, nil,
		`{"data":{"vehicles":[{"owner":{"c":"pat@example.com"}},{"owner":{"co":{"address":"1 Road"}}},{"owner":{"co":{"address":"1 Road"}}},{"owner":null}]}}`)
}

// Two subgraphs share a union whose members only intersect (Article in
// both, Podcast only in x, Video only in y): a fragment on a member one
// subgraph lacks is simply not asked there, and the concrete type decides.
func TestAbstractUnionIntersection(t *testing.T) {
	article := map[string]any{"__typename": "Article", "headline": "Go 2"}
	podcast := map[string]any{"__typename": "Podcast", "headline": "Episode 9"}
	sup := map[string][]string{"Article": {"Content", "BoardItem"}, "Podcast": {"Content", "BoardItem"}, "Video": {"Content", "BoardItem"}}
	x := &fedtest.Subgraph{Name: "x", Supertypes: sup, Query: map[string]fedtest.Resolver{
		"content": func(map[string]any) (any, error) { return article, nil },
		"pinned":  func(map[string]any) (any, error) { return article, nil },
		"board": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Board", "latest": article, "pinned": article, "audio": podcast}, nil
		},
	}}
	y := &fedtest.Subgraph{Name: "y", Supertypes: sup, Query: map[string]fedtest.Resolver{
		"content": func(map[string]any) (any, error) { return article, nil },
		"pinned":  func(map[string]any) (any, error) { return article, nil },
		"board": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Board", "latest": article, "pinned": article}, nil
		},
	}}
	gw := startCase(t, "abstract-union-intersection", x, y)
	gw.Expect(`{ content { ... on Video { headline } } }`, nil, `{"data":{"content":{}}}`)
	gw.Expect(`{ content { ... on Article { headline } } }`, nil, `{"data":{"content":{"headline":"Go 2"}}}`)
	gw.Expect(`{ content { ... on Article { headline } ... on Video { headline } ... on Podcast { headline } } }`, nil,
		`{"data":{"content":{"headline":"Go 2"}}}`)
	all := `{ __typename ... on Podcast { headline } ... on Video { headline } ... on Article { headline } }`
	gw.Expect(`{ board { latest `+all+` pinned `+all+` audio `+all+` } }`, nil,
		`{"data":{"board":{"latest":{"__typename":"Article","headline":"Go 2"},"pinned":{"__typename":"Article","headline":"Go 2"},`+
			`"audio":{"__typename":"Podcast","headline":"Episode 9"}}}}`)
	gw.Expect(`{ board { latest { ... on Video { headline } } } }`, nil, `{"data":{"board":{"latest":{}}}}`)
	gw.Expect(`{ content { __typename } pinned { ... on Article { headline } } }`, nil,
		`{"data":{"content":{"__typename":"Article"},"pinned":{"headline":"Go 2"}}}`)
	for _, s := range []*fedtest.Subgraph{x, y} {
		for _, r := range s.Requests() {
			if (s == x && contains(r.Query, "Video")) || (s == y && contains(r.Query, "Podcast")) {
				t.Errorf("%s asked about a member it does not have: %s", s.Name, r.Query)
			}
		}
	}
}

// Lamp implements Thing only in lab; shop returns Lamps only through the
// Good union. Fragments on the interface apply to Lamp wherever it is
// returned, and a Lamp shop cannot return as a Thing is shop's error.
func TestAbstractDistributed(t *testing.T) {
	goods := []any{
		map[string]any{"__typename": "Lamp", "id": "lamp1"},
		map[string]any{"__typename": "Lamp", "id": "lamp2"},
		map[string]any{"__typename": "Gadget", "id": "gadget1", "warranty": 3},
		map[string]any{"__typename": "Gadget", "id": "gadget2", "warranty": 4},
	}
	shop := &fedtest.Subgraph{Name: "shop",
		Supertypes: map[string][]string{"Lamp": {"Good"}, "Gadget": {"Good", "Thing"}},
		Query: map[string]fedtest.Resolver{
			"goods":   func(map[string]any) (any, error) { return goods, nil },
			"things":  func(map[string]any) (any, error) { return goods[2:], nil },
			"gadgets": func(map[string]any) (any, error) { return goods[2:], nil },
			"item": func(args map[string]any) (any, error) {
				for _, g := range goods {
					if g := g.(map[string]any); g["id"] == args["id"] {
						if g["__typename"] == "Lamp" {
							return nil, &fedtest.Error{Message: `Runtime Object type "Lamp" is not a possible type for "Thing".`}
						}
						return g, nil
					}
				}
				return nil, nil
			},
		},
		Entities: func(rep map[string]any) (any, error) { return nil, nil },
	}
	lab := &fedtest.Subgraph{Name: "lab", Supertypes: map[string][]string{"Lamp": {"Thing"}},
		Entities: func(rep map[string]any) (any, error) {
			return map[string]any{"__typename": "Lamp", "id": rep["id"], "warranty": 10}, nil
		}}
	gw := startCase(t, "abstract-distributed", shop, lab)
	gw.Expect(`{ goods { ... on Thing { id } } }`, nil,
		`{"data":{"goods":[{"id":"lamp1"},{"id":"lamp2"},{"id":"gadget1"},{"id":"gadget2"}]}}`)
	gw.Expect(`{ goods { ... on Thing { id ... on Lamp { warranty } } } }`, nil,
		`{"data":{"goods":[{"id":"lamp1","warranty":10},{"id":"lamp2","warranty":10},{"id":"gadget1"},{"id":"gadget2"}]}}`)
	gw.Expect(`{ things { ... on Gadget { warranty } ... on Lamp { id } } }`, nil,
		`{"data":{"things":[{"warranty":3},{"warranty":4}]}}`)
	gw.Expect(`{ things { id } }`, nil, `{"data":{"things":[{"id":"gadget1"},{"id":"gadget2"}]}}`)
	gw.Expect(`{ gadgets { ...G ...T } } fragment G on Gadget { id } fragment T on Thing { id __typename }`, nil,
		`{"data":{"gadgets":[{"id":"gadget1","__typename":"Gadget"},{"id":"gadget2","__typename":"Gadget"}]}}`)
	gw.Expect(`{ item(id: "gadget1") { ... on Gadget { warranty } } }`, nil, `{"data":{"item":{"warranty":3}}}`)
	for _, q := range []string{`{ item(id: "lamp1") { ... on Lamp { warranty } } }`, `{ item(id: "lamp1") { ... on Gadget { warranty } } }`} {
		_, got := gw.Query(q, nil)
		if !contains(got, `{"data":{"item":null},"errors":[{"message":"Runtime Object type \"Lamp\" is not a possible type for \"Thing\".","path":["item"]`) {
			t.Errorf("%s: got %s", q, got)
		}
	}
}

// An interface field returning the interface, narrowed to the object type
// (with a @provides) on its implementation, selected both ways at once.
func TestAbstractCircularInterface(t *testing.T) {
	novels := map[string]map[string]any{
		"n1": {"__typename": "Novel", "id": "n1", "cost": 9.5, "twinID": "n3"},
		"n3": {"__typename": "Novel", "id": "n3", "cost": 9.5, "twinID": "n1"},
	}
	shelf := &fedtest.Subgraph{Name: "shelf", Supertypes: map[string][]string{"Novel": {"Item"}},
		Query: map[string]fedtest.Resolver{"item": func(map[string]any) (any, error) { return novels["n1"], nil }},
		Fields: map[string]fedtest.FieldResolver{
			"Novel.twin": func(p, _ map[string]any) (any, error) { return novels[p["twinID"].(string)], nil },
		},
	}
	prices := &fedtest.Subgraph{Name: "prices", Entities: func(rep map[string]any) (any, error) {
		if n, ok := novels[rep["id"].(string)]; ok {
			return map[string]any{"__typename": "Novel", "id": n["id"], "cost": n["cost"]}, nil
		}
		return nil, nil
	}}
	gw := startCase(t, "abstract-circular", shelf, prices)
	gw.Expect(`{ item { twin { ... on Item { twin { __typename } } } } }`, nil,
		`{"data":{"item":{"twin":{"twin":{"__typename":"Novel"}}}}}`)
	gw.Expect(`{ item { __typename twin { __typename ... on Novel { id } twin { __typename ... on Novel { id } } }
	  ... on Novel { __typename id cost twin { id cost } } } }`, nil,
		`{"data":{"item":{"__typename":"Novel","twin":{"__typename":"Novel","id":"n3","twin":{"__typename":"Novel","id":"n1"},"cost":9.5},"id":"n1","cost":9.5}}}`)
	// item.cost is external in shelf (provided only below twin): prices gives it.
	reqs := prices.Requests()
	if len(reqs) != 1 || len(reqs[0].Variables["representations"].([]any)) != 1 {
		t.Errorf("prices requests %v, want one for the item", reqs)
	}
	for _, r := range shelf.Requests() {
		if contains(r.Query, "item{cost") || contains(r.Query, "Novel{cost") {
			t.Errorf("shelf asked for an external field: %s", r.Query)
		}
	}
}
