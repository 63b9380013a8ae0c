package federation

import (
	"encoding/json"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// reps returns the representations of the only request sg received.
func reps(t *testing.T, sg *fedtest.Subgraph) string {
	t.Helper()
	rs := sg.Requests()
	if len(rs) != 1 {
		t.Fatalf("subgraph %s: %d requests, want 1", sg.Name, len(rs))
	}
	raw, _ := json.Marshal(rs[0].Variables["representations"])
	return string(raw)
}

func TestKeysComposite(t *testing.T) {
	members := &fedtest.Subgraph{Name: "members", Query: map[string]fedtest.Resolver{
		"members": func(map[string]any) (any, error) {
			return []any{
				obj("Member", "id", "m1", "name", "Ann", "org", obj("Org", "id", "o1")),
				obj("Member", "id", "m1", "name", "Ann (o2)", "org", obj("Org", "id", "o2")),
			}, nil
		},
	}}
	roles := &fedtest.Subgraph{Name: "roles", Entities: func(rep map[string]any) (any, error) {
		switch rep["__typename"] {
		case "Member":
			org := rep["org"].(map[string]any)["id"].(string)
			return obj("Member", "id", rep["id"], "org", obj("Org", "id", org), "role", "role in "+org), nil
		case "Org":
			return obj("Org", "id", rep["id"], "title", "Org "+rep["id"].(string)), nil
		}
		return nil, nil
	}}
	gw := startCase(t, "keys-composite", members, roles)
	gw.Expect(`{ members { id name role } }`, nil,
		`{"data":{"members":[{"id":"m1","name":"Ann","role":"role in o1"},{"id":"m1","name":"Ann (o2)","role":"role in o2"}]}}`)
	if got, want := reps(t, roles), `[{"__typename":"Member","id":"m1","org":{"id":"o1"}},{"__typename":"Member","id":"m1","org":{"id":"o2"}}]`; got != want {
		t.Errorf("representations %s, want %s", got, want)
	}
	roles.ResetRequests()
	gw.Expect(`{ members { role org { id title } } }`, nil,
		`{"data":{"members":[{"role":"role in o1","org":{"id":"o1","title":"Org o1"}},{"role":"role in o2","org":{"id":"o2","title":"Org o2"}}]}}`)
}

func TestKeysMashup(t *testing.T) {
	type rec struct{ sku, ref, a, b, c, label string }
	items := map[string]rec{"k1": {"k1", "r1", "a1", "b1", "c1", "Label 1"}, "k2": {"k2", "r2", "a2", "b2", "c2", "Label 2"}}
	full := func(r rec) map[string]any {
		return obj("Item", "sku", r.sku, "ref", r.ref, "code", obj("Code", "a", r.a, "b", r.b, "c", r.c))
	}
	shop := &fedtest.Subgraph{Name: "shop",
		Query: map[string]fedtest.Resolver{"shop": func(map[string]any) (any, error) {
			return obj("Shop", "id", "s1", "items", []any{full(items["k1"]), full(items["k2"])}), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			if rep["__typename"] != "Item" {
				return nil, nil
			}
			r, ok := items[rep["sku"].(string)]
			code, _ := rep["code"].(map[string]any)
			if !ok || code["b"] != r.b || code["c"] != r.c {
				return nil, nil
			}
			o := full(r)
			if l, ok := rep["label"].(string); ok {
				o["shelfLabel"] = "shelf: " + l
			}
			return o, nil
		},
	}
	inv := &fedtest.Subgraph{Name: "inv", Entities: func(rep map[string]any) (any, error) {
		r, ok := items[rep["sku"].(string)]
		if !ok || len(rep) != 2 {
			return nil, nil
		}
		o := full(r)
		o["label"] = r.label
		return o, nil
	}}
	gw := startCase(t, "keys-mashup", shop, inv)
	gw.Expect(`{ shop { id items { sku label shelfLabel } } }`, nil,
		`{"data":{"shop":{"id":"s1","items":[{"sku":"k1","label":"Label 1","shelfLabel":"shelf: Label 1"},{"sku":"k2","label":"Label 2","shelfLabel":"shelf: Label 2"}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shop: 2, inv: 1})
	gw.Expect(`{ shop { items { shelfLabel code { a } } } }`, nil,
		`{"data":{"shop":{"items":[{"shelfLabel":"shelf: Label 1","code":{"a":"a1"}},{"shelfLabel":"shelf: Label 2","code":{"a":"a2"}}]}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shop: 2, inv: 1})
}

func TestKeysMultiHop(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"users": func(map[string]any) (any, error) {
		return []any{obj("User", "id", "u1"), obj("User", "id", "u2")}, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		id, _ := rep["id"].(string)
		return obj("User", "id", id, "email", id+"@example.com"), nil
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		e, _ := rep["email"].(string)
		return obj("User", "email", e, "nickname", "nick of "+e), nil
	}}
	gw := startCase(t, "keys-multihop", a, b, c)
	gw.Expect(`{ users { id nickname } }`, nil,
		`{"data":{"users":[{"id":"u1","nickname":"nick of u1@example.com"},{"id":"u2","nickname":"nick of u2@example.com"}]}}`)
	if got, want := reps(t, c), `[{"__typename":"User","email":"u1@example.com"},{"__typename":"User","email":"u2@example.com"}]`; got != want {
		t.Errorf("c representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{a: 1, b: 1, c: 1})
}

func TestKeysNull(t *testing.T) {
	books := map[string]map[string]any{
		"i1": obj("Book", "isbn", "i1", "id", "1"),
		"i2": obj("Book", "isbn", "i2", "id", "2"),
		// i3 is unknown to catalog: its entity is null.
	}
	shelves := &fedtest.Subgraph{Name: "shelves", Query: map[string]fedtest.Resolver{"shelves": func(map[string]any) (any, error) {
		return []any{
			obj("Shelf", "label", "one", "book", obj("Book", "isbn", "i1")),
			obj("Shelf", "label", "null key", "book", obj("Book", "isbn", nil)),
			obj("Shelf", "label", "two", "book", obj("Book", "isbn", "i2")),
			obj("Shelf", "label", "unknown", "book", obj("Book", "isbn", "i3")),
			obj("Shelf", "label", "no book", "book", nil),
		}, nil
	}}}
	catalog := &fedtest.Subgraph{Name: "catalog", Entities: func(rep map[string]any) (any, error) {
		if b, ok := books[rep["isbn"].(string)]; ok {
			return b, nil
		}
		return nil, nil
	}}
	authors := &fedtest.Subgraph{Name: "authors", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return obj("Book", "id", id, "author", obj("Author", "name", "Author "+id)), nil
	}}
	gw := startCase(t, "keys-null", shelves, catalog, authors)
	gw.Expect(`{ shelves { label book { isbn author { name } } } }`, nil,
		`{"data":{"shelves":[`+
			`{"label":"one","book":{"isbn":"i1","author":{"name":"Author 1"}}},`+
			`{"label":"null key","book":{"isbn":null,"author":null}},`+
			`{"label":"two","book":{"isbn":"i2","author":{"name":"Author 2"}}},`+
			`{"label":"unknown","book":{"isbn":"i3","author":null}},`+
			`{"label":"no book","book":null}]}}`)
	if got, want := reps(t, catalog), `[{"__typename":"Book","isbn":"i1"},{"__typename":"Book","isbn":"i2"},{"__typename":"Book","isbn":"i3"}]`; got != want {
		t.Errorf("catalog representations %s, want %s", got, want)
	}
	if got, want := reps(t, authors), `[{"__typename":"Book","id":"1"},{"__typename":"Book","id":"2"}]`; got != want {
		t.Errorf("authors representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{shelves: 1, catalog: 1, authors: 1})

	// No key left: no call at all.
	shelves.Query["shelves"] = func(map[string]any) (any, error) {
		return []any{obj("Shelf", "label", "null key", "book", obj("Book", "isbn", nil))}, nil
	}
	gw.Expect(`{ shelves { label book { isbn author { name } } } }`, nil,
		`{"data":{"shelves":[{"label":"null key","book":{"isbn":null,"author":null}}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shelves: 1, catalog: 0, authors: 0})
}

func TestEntityCallMixedTypes(t *testing.T) {
	posts := &fedtest.Subgraph{Name: "posts", Supertypes: map[string][]string{"Post": {"Content"}, "Video": {"Content"}},
		Query: map[string]fedtest.Resolver{
			"posts": func(map[string]any) (any, error) {
				return []any{obj("Post", "id", "p1", "title", "One"), obj("Post", "id", "p2", "title", "Two")}, nil
			},
			"feed": func(map[string]any) (any, error) {
				return []any{obj("Post", "id", "p1"), obj("Video", "id", "v1", "url", "u1"), obj("Post", "id", "p2"), obj("Video", "id", "v1", "url", "u1")}, nil
			},
		}}
	stats := &fedtest.Subgraph{Name: "stats", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		switch rep["__typename"] {
		case "Post":
			return obj("Post", "id", id, "views", len(id)*10), nil
		case "Video":
			return obj("Video", "id", id, "views", 7, "plays", 3), nil
		}
		return nil, nil
	}}
	media := &fedtest.Subgraph{Name: "media", Entities: func(rep map[string]any) (any, error) {
		return obj("Video", "id", rep["id"], "codec", "av1"), nil
	}}
	gw := startCase(t, "keys-entity-call", posts, stats, media)
	gw.Expect(`{ posts { title views } }`, nil, `{"data":{"posts":[{"title":"One","views":20},{"title":"Two","views":20}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{posts: 1, stats: 1})
	gw.Expect(`{ feed { id ... on Post { views } ... on Video { views plays } } }`, nil,
		`{"data":{"feed":[{"id":"p1","views":20},{"id":"v1","views":7,"plays":3},{"id":"p2","views":20},{"id":"v1","views":7,"plays":3}]}}`)
	if got, want := reps(t, stats), `[{"__typename":"Post","id":"p1"},{"__typename":"Video","id":"v1"},{"__typename":"Post","id":"p2"}]`; got != want {
		t.Errorf("stats representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{posts: 1, stats: 1, media: 0})
	// Two subgraphs at one path, one call each.
	gw.Expect(`{ feed { ... on Post { views } ... on Video { codec plays } } }`, nil,
		`{"data":{"feed":[{"views":20},{"codec":"av1","plays":3},{"views":20},{"codec":"av1","plays":3}]}}`)
	if got, want := reps(t, media), `[{"__typename":"Video","id":"v1"}]`; got != want {
		t.Errorf("media representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{posts: 1, stats: 1, media: 1})
}

// testExtends runs the same behaviour over a case where accounts extends
// Person (@extends, key and name @external) and people owns it.
func testExtends(t *testing.T, caseName string) {
	people := map[string]map[string]any{
		"u1": obj("Person", "id", "u1", "name", "Ann", "nickname", "annie", "badge", "B-1"),
		"u2": obj("Person", "id", "u2", "name", "Bob", "nickname", "bobby", "badge", "B-2"),
	}
	pick := func(id string, fields ...string) map[string]any {
		o := obj("Person", "id", id)
		for _, f := range fields {
			o[f] = people[id][f]
		}
		return o
	}
	accounts := &fedtest.Subgraph{Name: "accounts",
		Query: map[string]fedtest.Resolver{
			"guest":         func(map[string]any) (any, error) { return pick("u1", "badge"), nil },
			"featuredGuest": func(map[string]any) (any, error) { return pick("u2", "badge", "name"), nil },
		},
		Fields: map[string]fedtest.FieldResolver{"Person.name": func(p map[string]any, _ map[string]any) (any, error) {
			if n, ok := p["name"]; ok {
				return n, nil
			}
			return "never", nil
		}},
		Entities: func(rep map[string]any) (any, error) { return pick(rep["id"].(string), "badge"), nil },
	}
	peopleSG := &fedtest.Subgraph{Name: "people",
		Query: map[string]fedtest.Resolver{"person": func(args map[string]any) (any, error) {
			return pick(args["id"].(string), "name", "nickname"), nil
		}},
		Entities: func(rep map[string]any) (any, error) { return pick(rep["id"].(string), "name", "nickname"), nil },
	}
	gw := startCase(t, caseName, accounts, peopleSG)

	gw.Expect(`{ guest { id name } person(id: "u2") { id name nickname } }`, nil,
		`{"data":{"guest":{"id":"u1","name":"Ann"},"person":{"id":"u2","name":"Bob","nickname":"bobby"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{accounts: 1, peopleSG: 2})

	gw.Expect(`{ guest { id badge } }`, nil, `{"data":{"guest":{"id":"u1","badge":"B-1"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{accounts: 1, peopleSG: 0})

	gw.Expect(`{ featuredGuest { id name badge } }`, nil, `{"data":{"featuredGuest":{"id":"u2","name":"Bob","badge":"B-2"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{accounts: 1, peopleSG: 0})

	gw.Expect(`{ person(id: "u1") { name badge } }`, nil, `{"data":{"person":{"name":"Ann","badge":"B-1"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{accounts: 1, peopleSG: 1})
}

func TestFed1Extends(t *testing.T) { testExtends(t, "fed1-extends") }
func TestFed2Extends(t *testing.T) { testExtends(t, "fed2-extends") }

func TestFed1ValueTypes(t *testing.T) {
	store := &fedtest.Subgraph{Name: "store",
		Query: map[string]fedtest.Resolver{"store": func(map[string]any) (any, error) {
			return obj("Store", "id", "s1", "tags", []any{"x"}, "address", obj("Address", "street", "Main", "city", "Oslo")), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return obj("Store", "id", rep["id"], "tags", []any{"y"}), nil
		},
	}
	reviews := &fedtest.Subgraph{Name: "reviews",
		Query: map[string]fedtest.Resolver{"topStore": func(map[string]any) (any, error) {
			return obj("Store", "id", "s2", "rating", 4, "address", obj("Address", "street", "Side", "city", "Bergen")), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return obj("Store", "id", rep["id"], "rating", 5), nil
		},
	}
	gw := startCase(t, "fed1-value-types", store, reviews)
	gw.Expect(`{ store { id rating address { city } } topStore { id tags address { street } } }`, nil,
		`{"data":{"store":{"id":"s1","rating":5,"address":{"city":"Oslo"}},"topStore":{"id":"s2","tags":["y"],"address":{"street":"Side"}}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{store: 2, reviews: 2})
}

func TestMysteriousExternal(t *testing.T) {
	prices := &fedtest.Subgraph{Name: "prices",
		Query: map[string]fedtest.Resolver{"bargain": func(map[string]any) (any, error) {
			return obj("Gadget", "id", "g1", "cost", 5), nil
		}},
		Entities: func(rep map[string]any) (any, error) { return obj("Gadget", "id", rep["id"], "cost", 9), nil },
	}
	gadgets := &fedtest.Subgraph{Name: "gadgets",
		Query: map[string]fedtest.Resolver{"gadgets": func(map[string]any) (any, error) {
			return []any{obj("Gadget", "id", "g1", "label", "one"), obj("Gadget", "id", "g2", "label", "two")}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return obj("Gadget", "id", rep["id"], "label", "label "+rep["id"].(string)), nil
		},
	}
	gw := startCase(t, "keys-mysterious-external", prices, gadgets)
	gw.Expect(`{ bargain { id cost label } }`, nil, `{"data":{"bargain":{"id":"g1","cost":5,"label":"label g1"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{prices: 1, gadgets: 1})
	gw.Expect(`{ gadgets { label cost id } }`, nil, `{"data":{"gadgets":[{"label":"one","cost":9,"id":"g1"},{"label":"two","cost":9,"id":"g2"}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{prices: 1, gadgets: 1})
}

// TestChildTypeMismatch: Person.id is ID! and Robot.id is ID in logins, so
// the subgraph query may not select both under one response key.
func TestChildTypeMismatch(t *testing.T) {
	person := obj("Person", "id", "p1", "name", "Pat")
	robot := obj("Robot", "id", "r1", "name", "R2")
	person["peers"] = []any{person, robot}
	robot["peers"] = []any{person, robot}
	people := &fedtest.Subgraph{Name: "people",
		Query: map[string]fedtest.Resolver{"people": func(map[string]any) (any, error) {
			return []any{obj("Person", "id", "p1", "name", "Pat")}, nil
		}},
		Entities: func(rep map[string]any) (any, error) { return obj("Person", "id", rep["id"], "name", "Pat"), nil },
	}
	logins := &fedtest.Subgraph{Name: "logins", Supertypes: map[string][]string{"Person": {"Login"}, "Robot": {"Login"}},
		Query:    map[string]fedtest.Resolver{"logins": func(map[string]any) (any, error) { return []any{person, robot}, nil }},
		Entities: func(map[string]any) (any, error) { return person, nil },
	}
	gw := startCase(t, "keys-child-type-mismatch", people, logins)
	gw.Expect(`{ people { id name } logins { ... on Person { id name } ... on Robot { id name } } }`, nil,
		`{"data":{"people":[{"id":"p1","name":"Pat"}],"logins":[{"id":"p1","name":"Pat"},{"id":"r1","name":"R2"}]}}`)
	gw.Expect(`query Nested { logins { ... on Person { id peers { ... on Person { id name } ... on Robot { id name } } } ... on Robot { id peers { ... on Person { id name peers { ... on Robot { id } } } ... on Robot { id } } } } }`, nil,
		`{"data":{"logins":[`+
			`{"id":"p1","peers":[{"id":"p1","name":"Pat"},{"id":"r1","name":"R2"}]},`+
			`{"id":"r1","peers":[{"id":"p1","name":"Pat","peers":[{},{"id":"r1"}]},{"id":"r1"}]}]}}`)
	gw.Expect(`{ logins { ... on Person { name } ... on Robot { name } } }`, nil,
		`{"data":{"logins":[{"name":"Pat"},{"name":"R2"}]}}`)
	// The same conflict inside an entity fetch.
	gw.Expect(`{ people { name peers { ... on Person { id } ... on Robot { id } } } }`, nil,
		`{"data":{"people":[{"name":"Pat","peers":[{"id":"p1"},{"id":"r1"}]}]}}`)
	// An error on an aliased field is reported at the client's path.
	logins.Fields = map[string]fedtest.FieldResolver{"Robot.id": func(map[string]any, map[string]any) (any, error) {
		return nil, &fedtest.Error{Message: "no id for robots"}
	}}
	gw.Expect(`{ logins { ... on Person { id } ... on Robot { id } } }`, nil,
		`{"data":{"logins":[{"id":"p1"},{"id":null}]},"errors":[{"message":"no id for robots","path":["logins",1,"id"],"extensions":{"serviceName":"logins"}}]}`)
}

// TestComplexEntityCall: keys with nested and list fields whose values come
// from several subgraphs (Bundle's key in pricing needs each item's variant
// from ids and section from catalog, and pick from bundles).
func TestComplexEntityCall(t *testing.T) {
	type rec struct {
		sku, variant, section, code string
		cost                        float64
	}
	data := []rec{{"i1", "v1", "s1", "c1", 10}, {"i2", "v2", "s2", "c2", 20}}
	bySku := func(sku any) *rec {
		for i := range data {
			if data[i].sku == sku {
				return &data[i]
			}
		}
		return nil
	}
	section := func(r *rec) map[string]any {
		return obj("Section", "id", r.section, "code", r.code, "lead", obj("Item", "sku", r.sku))
	}
	// item checks a representation's sku and variant (when the key has it).
	item := func(rep map[string]any, withVariant bool) *rec {
		r := bySku(rep["sku"])
		if r == nil || (withVariant && rep["variant"] != r.variant) {
			return nil
		}
		if s, ok := rep["section"].(map[string]any); ok && (s["id"] != r.section || s["code"] != r.code) {
			return nil
		}
		return r
	}
	items := func(rep map[string]any, withVariant bool) ([]*rec, bool) {
		var out []*rec
		list, _ := rep["items"].([]any)
		for _, it := range list {
			r := item(it.(map[string]any), withVariant)
			if r == nil {
				return nil, false
			}
			out = append(out, r)
		}
		return out, len(out) > 0
	}
	catalog := &fedtest.Subgraph{Name: "catalog",
		Query: map[string]fedtest.Resolver{"bundle": func(map[string]any) (any, error) {
			var list []any
			for i := range data {
				list = append(list, obj("Item", "sku", data[i].sku, "section", section(&data[i])))
			}
			return obj("Bundle", "items", list), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			if r := item(rep, false); rep["__typename"] == "Item" && r != nil {
				return obj("Item", "sku", r.sku, "section", section(r)), nil
			}
			return nil, nil
		},
	}
	ids := &fedtest.Subgraph{Name: "ids", Entities: func(rep map[string]any) (any, error) {
		_, withVariant := rep["variant"]
		if r := item(rep, withVariant); r != nil {
			return obj("Item", "sku", r.sku, "variant", r.variant), nil
		}
		return nil, nil
	}}
	bundleOf := func(rs []*rec) map[string]any {
		var list []any
		for _, r := range rs {
			list = append(list, obj("Item", "sku", r.sku, "variant", r.variant))
		}
		return obj("Bundle", "items", list, "head", list[0], "pick", list[len(list)-1])
	}
	bundles := &fedtest.Subgraph{Name: "bundles", Entities: func(rep map[string]any) (any, error) {
		if rs, ok := items(rep, true); rep["__typename"] == "Bundle" && ok {
			return bundleOf(rs), nil
		}
		return nil, nil
	}}
	pricing := &fedtest.Subgraph{Name: "pricing", Entities: func(rep map[string]any) (any, error) {
		switch rep["__typename"] {
		case "Bundle":
			rs, ok := items(rep, true)
			pick, _ := rep["pick"].(map[string]any)
			if !ok || pick["sku"] != rs[len(rs)-1].sku {
				return nil, nil
			}
			return bundleOf(rs), nil
		case "Item":
			if _, ok := rep["section"]; !ok {
				return nil, nil
			}
			if r := item(rep, true); r != nil {
				return obj("Item", "sku", r.sku, "variant", r.variant, "cost", obj("Cost", "amount", r.cost),
					"section", obj("Section", "id", r.section, "code", r.code)), nil
			}
		}
		return nil, nil
	}}
	gw := startCase(t, "keys-complex-entity-call", catalog, ids, bundles, pricing)
	gw.Expect(`{ bundle { items { sku variant cost { amount } section { lead { sku } id code } } pick { sku } head { sku } } }`, nil,
		`{"data":{"bundle":{"items":[`+
			`{"sku":"i1","variant":"v1","cost":{"amount":10},"section":{"lead":{"sku":"i1"},"id":"s1","code":"c1"}},`+
			`{"sku":"i2","variant":"v2","cost":{"amount":20},"section":{"lead":{"sku":"i2"},"id":"s2","code":"c2"}}],`+
			`"pick":{"sku":"i2"},"head":{"sku":"i1"}}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{catalog: 1, ids: 1, bundles: 1, pricing: 1})
	gw.Expect(`{ bundle { head { sku cost { amount } } } }`, nil,
		`{"data":{"bundle":{"head":{"sku":"i1","cost":{"amount":10}}}}}`)
}

// TestFed1ExtendsResolvable: a Fed1 extension with two keys, every key field
// @external: any one key is enough to reach it.
func TestFed1ExtendsResolvable(t *testing.T) {
	lamp := obj("Lamp", "id", "l1", "pid", "l1-pid", "model", "Arc", "serial", "SN1", "watts", 9.5)
	pick := func(fields ...string) map[string]any {
		o := obj("Lamp")
		for _, f := range fields {
			o[f] = lamp[f]
		}
		return o
	}
	shop := &fedtest.Subgraph{Name: "shop",
		Query:    map[string]fedtest.Resolver{"lampInShop": func(map[string]any) (any, error) { return pick("id", "pid", "model"), nil }},
		Entities: func(rep map[string]any) (any, error) { return pick("id", "pid", "model"), nil },
	}
	stock := &fedtest.Subgraph{Name: "stock",
		Query: map[string]fedtest.Resolver{"lampInStock": func(map[string]any) (any, error) {
			return pick("id", "model", "serial", "watts"), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			if (rep["id"] == lamp["id"] && rep["model"] == lamp["model"]) || rep["serial"] == lamp["serial"] {
				return pick("id", "model", "serial", "watts"), nil
			}
			return nil, nil
		},
	}
	gw := startCase(t, "fed1-extends-resolvable", shop, stock)
	gw.Expect(`{ lampInShop { id pid watts serial model } }`, nil,
		`{"data":{"lampInShop":{"id":"l1","pid":"l1-pid","watts":9.5,"serial":"SN1","model":"Arc"}}}`)
	if got, want := reps(t, stock), `[{"__typename":"Lamp","id":"l1","model":"Arc"}]`; got != want {
		t.Errorf("stock representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{shop: 1, stock: 1})
	gw.Expect(`{ lampInStock { serial watts model pid } }`, nil,
		`{"data":{"lampInStock":{"serial":"SN1","watts":9.5,"model":"Arc","pid":"l1-pid"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{shop: 1, stock: 1})
}

func TestFed1Extension(t *testing.T) { testExtends(t, "fed1-extension") }
func TestFed2Extension(t *testing.T) { testExtends(t, "fed2-extension") }

// TestNullEntity: _entities answers null for one representation: its
// nullable fields stay null, a non-null one nulls the object with an error.
func TestNullEntity(t *testing.T) {
	shelf := &fedtest.Subgraph{Name: "shelf", Query: map[string]fedtest.Resolver{"novels": func(map[string]any) (any, error) {
		return []any{obj("Novel", "id", "n1"), obj("Novel", "id", "n2")}, nil
	}}}
	details := &fedtest.Subgraph{Name: "details", Entities: func(rep map[string]any) (any, error) {
		if rep["id"] == "n2" {
			return nil, nil
		}
		return obj("Novel", "id", rep["id"], "title", "Title "+rep["id"].(string), "blurb", "B"), nil
	}}
	gw := startCase(t, "keys-null-entity", shelf, details)
	gw.Expect(`{ novels { id blurb } }`, nil, `{"data":{"novels":[{"id":"n1","blurb":"B"},{"id":"n2","blurb":null}]}}`)
	gw.Expect(`{ novels { id title } }`, nil,
		`{"data":{"novels":[{"id":"n1","title":"Title n1"},null]},"errors":[{"message":"Cannot return null for non-nullable field Novel.title","path":["novels",1,"title"],"extensions":{"code":"NON_NULL_VIOLATION"}}]}`)
}

// TestChildTypeInterface: Account.owner is the interface Member in one and
// the object User in two: what two is asked must be valid for User.
func TestChildTypeInterface(t *testing.T) {
	super := map[string][]string{"User": {"Member"}, "Admin": {"Member"}}
	one := &fedtest.Subgraph{Name: "one", Supertypes: super,
		Query: map[string]fedtest.Resolver{"accounts": func(map[string]any) (any, error) {
			return []any{
				obj("Account", "id", "a1", "owner", obj("User", "id", "u1", "name", "Una")),
				obj("Account", "id", "a2", "owner", obj("Admin", "id", "x1", "name", "Xi", "level", 3)),
			}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "User":
				return obj("User", "id", rep["id"], "name", "Una"), nil
			case "Account":
				return obj("Account", "id", rep["id"], "owner", obj("User", "id", "u1", "name", "Una")), nil
			}
			return nil, nil
		},
	}
	two := &fedtest.Subgraph{Name: "two",
		Query: map[string]fedtest.Resolver{"topAccount": func(map[string]any) (any, error) {
			return obj("Account", "id", "a1", "owner", obj("User", "id", "u1", "name", "Una", "email", "u@x")), nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return obj("User", "id", rep["id"], "name", "Una", "email", "u@x"), nil
		},
	}
	gw := startCase(t, "keys-child-interface", one, two)
	gw.Expect(`{ topAccount { id owner { __typename id name ... on User { email } ... on Admin { level } } } }`, nil,
		`{"data":{"topAccount":{"id":"a1","owner":{"__typename":"User","id":"u1","name":"Una","email":"u@x"}}}}`)
	gw.Expect(`{ accounts { owner { id ... on User { email } ... on Admin { level } } } }`, nil,
		`{"data":{"accounts":[{"owner":{"id":"u1","email":"u@x"}},{"owner":{"id":"x1","level":3}}]}}`)
}

// TestParentEntityCall: Customer.stats lives in c, where Customer is no
// entity: it is fetched through the enclosing Order's key.
func TestParentEntityCall(t *testing.T) {
	orders := map[string]string{"o1": "k1", "o2": "k2", "o3": "k1"}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"orders": func(map[string]any) (any, error) {
		var out []any
		for _, id := range []string{"o1", "o2", "o3"} {
			out = append(out, obj("Order", "id", id, "ref", "r-"+id, "customer", obj("Customer", "id", orders[id], "name", "Name "+orders[id])))
		}
		return out, nil
	}}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(map[string]any) (any, error) { return nil, nil }}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		id, _ := rep["id"].(string)
		if rep["__typename"] != "Order" || rep["ref"] != "r-"+id {
			return nil, nil
		}
		n := 1
		if orders[id] == "k1" {
			n = 2
		}
		return obj("Order", "id", id, "ref", rep["ref"], "customer", obj("Customer", "stats", obj("CustomerStats", "orders", n))), nil
	}}
	gw := startCase(t, "keys-parent-entity-call", a, b, c)
	gw.Expect(`{ orders { id customer { id stats { orders } } } }`, nil,
		`{"data":{"orders":[`+
			`{"id":"o1","customer":{"id":"k1","stats":{"orders":2}}},`+
			`{"id":"o2","customer":{"id":"k2","stats":{"orders":1}}},`+
			`{"id":"o3","customer":{"id":"k1","stats":{"orders":2}}}]}}`)
	if got, want := reps(t, c), `[{"__typename":"Order","id":"o1","ref":"r-o1"},{"__typename":"Order","id":"o2","ref":"r-o2"},{"__typename":"Order","id":"o3","ref":"r-o3"}]`; got != want {
		t.Errorf("c representations %s, want %s", got, want)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{a: 1, b: 0, c: 1})
}

// TestParentEntityCallComplex: Item.group is shareable in a (which alone has
// Group.notes, Group being no entity there) and b (which has Group.id, the
// key c needs for Group.name).
func TestParentEntityCallComplex(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Entities: func(rep map[string]any) (any, error) {
		return obj("Item", "id", rep["id"], "group", obj("Group", "notes", "notes for item "+rep["id"].(string))), nil
	}}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		return obj("Item", "id", rep["id"], "group", obj("Group", "id", "g3")), nil
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		return obj("Group", "id", rep["id"], "name", "Group "+rep["id"].(string)), nil
	}}
	d := &fedtest.Subgraph{Name: "d", Query: map[string]fedtest.Resolver{"itemFromD": func(args map[string]any) (any, error) {
		return obj("Item", "id", args["id"], "label", "Item "+args["id"].(string)), nil
	}}}
	gw := startCase(t, "keys-parent-entity-call-complex", a, b, c, d)
	gw.Expect(`{ itemFromD(id: "1") { id label group { id name notes } } }`, nil,
		`{"data":{"itemFromD":{"id":"1","label":"Item 1","group":{"id":"g3","name":"Group g3","notes":"notes for item 1"}}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{a: 1, b: 1, c: 1, d: 1})
}

// TestFed2ExtendsUnresolvable: notes references Writer through a key it
// does not resolve (@extends, key @external, resolvable: false).
func TestFed2ExtendsUnresolvable(t *testing.T) {
	notes := &fedtest.Subgraph{Name: "notes", Query: map[string]fedtest.Resolver{"notes": func(map[string]any) (any, error) {
		return []any{obj("Note", "id", "n1", "writer", obj("Writer", "id", "w1")), obj("Note", "id", "n2", "writer", nil)}, nil
	}}}
	writers := &fedtest.Subgraph{Name: "writers",
		Query: map[string]fedtest.Resolver{"writer": func(args map[string]any) (any, error) {
			return obj("Writer", "id", args["id"], "name", "Wanda"), nil
		}},
		Entities: func(rep map[string]any) (any, error) { return obj("Writer", "id", rep["id"], "name", "Wanda"), nil },
	}
	gw := startCase(t, "fed2-extends-unresolvable", notes, writers)
	gw.Expect(`{ notes { id writer { id name } } }`, nil,
		`{"data":{"notes":[{"id":"n1","writer":{"id":"w1","name":"Wanda"}},{"id":"n2","writer":null}]}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{notes: 1, writers: 1})
	gw.Expect(`{ notes { writer { id } } writer(id: "w2") { id name } }`, nil,
		`{"data":{"notes":[{"writer":{"id":"w1"}},{"writer":null}],"writer":{"id":"w2","name":"Wanda"}}}`)
	wantCalls(t, map[*fedtest.Subgraph]int{notes: 1, writers: 1})
}
