package federation

import (
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// @requires that depend on other @requires, across several subgraphs.

// A required field local to the requiring subgraph whose nested fields come
// from a third one: the local part is fetched first, then the nested fields,
// then the requiring field, in three fetches.
func TestRequiresLocalNested(t *testing.T) {
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"posts": func(map[string]any) (any, error) {
		return []any{
			map[string]any{"__typename": "Post", "id": "p1", "title": "first"},
			map[string]any{"__typename": "Post", "id": "p2", "title": "second"},
		}, nil
	}}}
	comments := map[string][]any{
		"p1": {map[string]any{"__typename": "Comment", "id": "c1", "text": "hi"}, map[string]any{"__typename": "Comment", "id": "c2", "text": "yo"},
			map[string]any{"__typename": "Comment", "id": "c3", "text": "late"}},
		"p2": {map[string]any{"__typename": "Comment", "id": "c3", "text": "late"}},
	}
	b := &fedtest.Subgraph{Name: "b",
		Entities: func(rep map[string]any) (any, error) {
			out := map[string]any{"__typename": "Post", "id": rep["id"]}
			if cs, ok := rep["comments"].([]any); ok {
				var ids []string
				for _, c := range cs {
					ids = append(ids, fmt.Sprint(c.(map[string]any)["authorId"]))
				}
				out["author"] = map[string]any{"__typename": "Author", "id": "x", "name": strings.Join(ids, "+")}
			}
			return out, nil
		},
		Fields: map[string]fedtest.FieldResolver{"Post.comments": func(p map[string]any, args map[string]any) (any, error) {
			cs := comments[p["id"].(string)]
			if n := num(args["limit"]); n < len(cs) {
				cs = cs[:n]
			}
			return cs, nil
		}},
	}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Comment", "id": rep["id"], "authorId": "u-" + rep["id"].(string)}, nil
	}}
	gw := startCase(t, "requires-local-nested", a, b, c)

	gw.Expect(`{ posts { title author { name } } }`, nil,
		`{"data":{"posts":[{"title":"first","author":{"name":"u-c1+u-c2"}},{"title":"second","author":{"name":"u-c3"}}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
	expectReps(t, c, `[{"__typename":"Comment","id":"c1"},{"__typename":"Comment","id":"c2"},{"__typename":"Comment","id":"c3"}]`)

	resetAll(a, b, c)
	gw.Expect(`{ posts { comments(limit: 3) { text } author { name } } }`, nil,
		`{"data":{"posts":[{"comments":[{"text":"hi"},{"text":"yo"},{"text":"late"}],"author":{"name":"u-c1+u-c2"}},`+
			`{"comments":[{"text":"late"}],"author":{"name":"u-c3"}}]}}`)
	expectRequests(t, a, 1)
	expectRequests(t, b, 2)
	expectRequests(t, c, 1)
}

// Two requiring fields of one subgraph, each requiring a field of a second
// subgraph that itself requires a field of a third (one @inaccessible) or
// of the root subgraph: every fetch happens once, in dependency order.
func TestRequiresDeep(t *testing.T) {
	costs := map[string]int{"p1": 40, "p2": 700}
	a := &fedtest.Subgraph{Name: "a", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		return map[string]any{"__typename": "Product", "id": id, "cost": costs[id]}, nil
	}}
	b := &fedtest.Subgraph{Name: "b", Query: map[string]fedtest.Resolver{
		"products": func(map[string]any) (any, error) {
			return []any{
				map[string]any{"__typename": "Product", "id": "p1", "name": "one", "onSale": true},
				map[string]any{"__typename": "Product", "id": "p2", "name": "two", "onSale": false},
			}, nil
		},
		"product": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Product", "id": "p2", "name": "two", "onSale": false}, nil
		},
	}}
	c := &fedtest.Subgraph{Name: "c", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if v, ok := rep["cost"]; ok {
			out["markup"] = num(v) / 2
		}
		if v, ok := rep["onSale"]; ok {
			out["listPrice"] = 100
			if v == true {
				out["listPrice"] = 80
			}
		}
		return out, nil
	}}
	d := &fedtest.Subgraph{Name: "d", Entities: func(rep map[string]any) (any, error) {
		out := map[string]any{"__typename": "Product", "id": rep["id"]}
		if v, ok := rep["markup"]; ok {
			out["premium"] = num(v) > 100
		}
		if v, ok := rep["listPrice"]; ok {
			out["bargain"] = num(v) < 90
		}
		return out, nil
	}}
	gw := startCase(t, "requires-deep", a, b, c, d)

	gw.Expect(`{ products { premium bargain name } }`, nil,
		`{"data":{"products":[{"premium":false,"bargain":true,"name":"one"},{"premium":true,"bargain":false,"name":"two"}]}}`)
	expectRequests(t, b, 1)
	expectReps(t, a, `[{"__typename":"Product","id":"p1"},{"__typename":"Product","id":"p2"}]`)
	expectReps(t, c, `[{"__typename":"Product","cost":40,"id":"p1","onSale":true},{"__typename":"Product","cost":700,"id":"p2","onSale":false}]`)
	expectReps(t, d, `[{"__typename":"Product","id":"p1","listPrice":80,"markup":20},{"__typename":"Product","id":"p2","listPrice":100,"markup":350}]`)

	resetAll(a, b, c, d)
	gw.Expect(`{ product { bargain } }`, nil, `{"data":{"product":{"bargain":false}}}`)
	expectRequests(t, a, 0)
	expectReps(t, c, `[{"__typename":"Product","id":"p2","onSale":false}]`)
	expectReps(t, d, `[{"__typename":"Product","id":"p2","listPrice":100}]`)

	resetAll(a, b, c, d)
	gw.Expect(`{ product { markup premium } }`, nil, `{"data":{"product":{"markup":350,"premium":true}}}`)
	expectRequests(t, a, 1)
	expectRequests(t, c, 1)
	expectReps(t, d, `[{"__typename":"Product","id":"p2","markup":350}]`)
}

// a's field requires a field of b that requires a nested entity field of a:
// a → b (the nested entity) → a (its field) → b (the required field) → a.
func TestRequiresRelay(t *testing.T) {
	years := map[string]int{"w1": 1, "w2": 12}
	a := &fedtest.Subgraph{Name: "a",
		Query: map[string]fedtest.Resolver{"articles": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Article", "id": "r1"}, map[string]any{"__typename": "Article", "id": "r2"}}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			switch rep["__typename"] {
			case "Writer":
				return map[string]any{"__typename": "Writer", "id": rep["id"], "years": years[rep["id"].(string)]}, nil
			}
			out := map[string]any{"__typename": "Article", "id": rep["id"]}
			if j, ok := rep["junior"].(bool); ok {
				out["senior"] = !j
			}
			return out, nil
		},
	}
	writers := map[string]string{"r1": "w1", "r2": "w2"}
	b := &fedtest.Subgraph{Name: "b", Entities: func(rep map[string]any) (any, error) {
		id := rep["id"].(string)
		out := map[string]any{"__typename": "Article", "id": id,
			"writer": map[string]any{"__typename": "Writer", "id": writers[id]}}
		if w, ok := rep["writer"].(map[string]any); ok {
			out["junior"] = num(w["years"]) < 5
		}
		return out, nil
	}}
	gw := startCase(t, "requires-relay", a, b)
	gw.Expect(`{ articles { id senior } }`, nil, `{"data":{"articles":[{"id":"r1","senior":false},{"id":"r2","senior":true}]}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 2)

	resetAll(a, b)
	gw.Expect(`{ articles { junior writer { id } senior } }`, nil,
		`{"data":{"articles":[{"junior":true,"writer":{"id":"w1"},"senior":false},{"junior":false,"writer":{"id":"w2"},"senior":true}]}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 2)
}

// A required field overridden away from the requiring subgraphs: it comes
// from the overriding subgraph, whichever subgraph served the root.
func TestRequiresOverride(t *testing.T) {
	names := map[string]string{"u1": "Ann", "u2": "Bob", "u3": "Cy"}
	root := func(id string) fedtest.Resolver {
		return func(map[string]any) (any, error) { return map[string]any{"__typename": "User", "id": id}, nil }
	}
	prefixed := func(prefix string) func(map[string]any) (any, error) {
		return func(rep map[string]any) (any, error) {
			out := map[string]any{"__typename": "User", "id": rep["id"]}
			if n, ok := rep["name"]; ok {
				out[prefix+"Name"] = fmt.Sprintf("%s:%v", prefix, n)
			}
			return out, nil
		}
	}
	a := &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{"userInA": root("u1")}, Entities: prefixed("a")}
	b := &fedtest.Subgraph{Name: "b",
		Query: map[string]fedtest.Resolver{"userInB": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": "u2", "name": names["u2"]}, nil
		}},
		Entities: func(rep map[string]any) (any, error) {
			return map[string]any{"__typename": "User", "id": rep["id"], "name": names[rep["id"].(string)]}, nil
		},
	}
	c := &fedtest.Subgraph{Name: "c", Query: map[string]fedtest.Resolver{"userInC": root("u3")}, Entities: prefixed("c")}
	gw := startCase(t, "requires-override", a, b, c)

	gw.Expect(`{ userInA { id name aName cName } userInB { id name aName cName } userInC { cName } }`, nil,
		`{"data":{"userInA":{"id":"u1","name":"Ann","aName":"a:Ann","cName":"c:Ann"},`+
			`"userInB":{"id":"u2","name":"Bob","aName":"a:Bob","cName":"c:Bob"},"userInC":{"cName":"c:Cy"}}}`)
	expectRequests(t, a, 3)
	expectRequests(t, b, 3)
	expectRequests(t, c, 4)
}
