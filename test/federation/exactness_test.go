package federation

import (
	"net/http"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/test/fedtest"
)

// exactSubgraphs serves exact-basic: users owns User.name and nick, posts
// owns Post, the FeedItem union (Post | Ad) and User.posts.
func exactSubgraphs() (users, posts *fedtest.Subgraph) {
	people := map[string]map[string]any{
		"u1": {"__typename": "User", "id": "u1", "name": "Ann"},
		"u2": {"__typename": "User", "id": "u2", "name": "Bob"},
	}
	titles := map[string]any{"p1": "Hello", "p2": "World", "p3": "Bye"}
	byAuthor := map[string][]string{"u1": {"p1", "p2"}, "u2": {"p3"}}
	authorOf := map[string]string{"p1": "u1", "p2": "u1", "p3": "u2"}
	post := func(id string) map[string]any {
		return map[string]any{"__typename": "Post", "id": id, "title": titles[id],
			"author": map[string]any{"__typename": "User", "id": authorOf[id]}}
	}
	users = &fedtest.Subgraph{Name: "users", Query: map[string]fedtest.Resolver{
		"me":    func(map[string]any) (any, error) { return people["u1"], nil },
		"user":  func(args map[string]any) (any, error) { return people[toString(args["id"])], nil },
		"users": func(map[string]any) (any, error) { return []any{people["u1"], people["u2"]}, nil },
	}, Mutation: map[string]fedtest.Resolver{
		"rename": func(args map[string]any) (any, error) {
			u := people[toString(args["id"])]
			return map[string]any{"__typename": "User", "id": u["id"], "name": args["name"]}, nil
		},
	}, Fields: map[string]fedtest.FieldResolver{
		"User.nick": func(parent, args map[string]any) (any, error) {
			n := strings.ToLower(toString(parent["name"]))
			if up, _ := args["upper"].(bool); up {
				n = strings.ToUpper(n)
			}
			return n, nil
		},
	}, Entities: func(rep map[string]any) (any, error) {
		if u, ok := people[toString(rep["id"])]; ok {
			return u, nil
		}
		return nil, nil
	}}
	posts = &fedtest.Subgraph{Name: "posts", Query: map[string]fedtest.Resolver{
		"feed": func(map[string]any) (any, error) {
			return []any{post("p1"), map[string]any{"__typename": "Ad", "slogan": "Buy"}}, nil
		},
	}, Fields: map[string]fedtest.FieldResolver{
		"User.posts": func(parent, args map[string]any) (any, error) {
			ids := byAuthor[toString(parent["id"])]
			if l, ok := args["limit"].(int64); ok && int(l) < len(ids) {
				ids = ids[:l]
			}
			out := []any{}
			for _, id := range ids {
				out = append(out, post(id))
			}
			return out, nil
		},
	}, Entities: func(rep map[string]any) (any, error) {
		switch rep["__typename"] {
		case "User":
			return map[string]any{"__typename": "User", "id": rep["id"]}, nil
		case "Post":
			return post(toString(rep["id"])), nil
		}
		return nil, nil
	}, Supertypes: map[string][]string{"Post": {"FeedItem"}, "Ad": {"FeedItem"}}}
	return users, posts
}

// A document that fails parsing or validation gets errors and no data
// entry under both media types (GraphQL over HTTP: a request error), with
// 400 under application/graphql-response+json; no subgraph is called.
func TestExactInvalidDocuments(t *testing.T) {
	users, posts := exactSubgraphs()
	gw := startCase(t, "exact-basic", users, posts)
	cases := []struct{ query, body string }{
		{`{ users { nope } }`, `{"errors":[{"message":"Cannot query field \"nope\" on type \"User\". Did you mean \"name\"?","locations":[{"line":1,"column":11}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{`{ users { name(x: 1) } }`, `{"errors":[{"message":"Unknown argument \"x\" on field \"User.name\".","locations":[{"line":1,"column":11}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{`{ users { name `, `{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":16}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
	}
	for _, c := range cases {
		status, body := gw.Query(c.query, nil)
		if status != http.StatusBadRequest || body != c.body {
			t.Errorf("%s:\n got %d %s\nwant 400 %s", c.query, status, body, c.body)
		}
		_, body = gw.Query(c.query, nil, "Accept", "application/json")
		if body != c.body {
			t.Errorf("%s (application/json):\n got %s\nwant %s", c.query, body, c.body)
		}
	}
	wantCalls(t, map[*fedtest.Subgraph]int{users: 0, posts: 0})
}

// A query that validates but cannot be planned (here the supergraph is
// edited so that User has no key in users: name is unreachable from posts)
// gets data: null and an error.
func TestExactUnplannable(t *testing.T) {
	users, posts := exactSubgraphs()
	sdl := supergraph(t, "exact-basic")
	edited := strings.Replace(sdl, `@join__type(graph: USERS, key: "id")`, `@join__type(graph: USERS)`, 1)
	if edited == sdl {
		t.Fatal("supergraph edit did not apply")
	}
	gw := fedtest.Start(t, edited, []*fedtest.Subgraph{users, posts})
	status, body := gw.Query(`{ feed { ... on Post { author { name } } } }`, nil)
	if status != http.StatusOK || !strings.HasPrefix(body, `{"data":null,"errors":[{"message":"`) ||
		!strings.HasSuffix(body, `"extensions":{"code":"QUERY_PLANNING_FAILED"}}]}`) {
		t.Errorf("got %d %s", status, body)
	}
	wantCalls(t, map[*fedtest.Subgraph]int{users: 0, posts: 0})
}

// The response has exactly the keys the client asked for, in its order:
// nothing the planner added (keys, __typename), aliases as given (even one
// named like a key field), __typename wherever asked, {} for an object no
// fragment matched, the same field under two aliases with different
// arguments, and deep nesting across subgraphs.
func TestExactShape(t *testing.T) {
	users, posts := exactSubgraphs()
	gw := startCase(t, "exact-basic", users, posts)
	gw.Expect(`{ users { name posts { title } } }`, nil,
		`{"data":{"users":[{"name":"Ann","posts":[{"title":"Hello"},{"title":"World"}]},{"name":"Bob","posts":[{"title":"Bye"}]}]}}`)
	gw.Expect(`{ users { id: name posts { id: title } } }`, nil,
		`{"data":{"users":[{"id":"Ann","posts":[{"id":"Hello"},{"id":"World"}]},{"id":"Bob","posts":[{"id":"Bye"}]}]}}`)
	gw.Expect(`{ feed { ... on Ad { slogan } } }`, nil, `{"data":{"feed":[{},{"slogan":"Buy"}]}}`)
	gw.Expect(`{ feed { ... on Post { author { name } } } }`, nil, `{"data":{"feed":[{"author":{"name":"Ann"}},{}]}}`)
	gw.Expect(`query { __typename me { __typename t: __typename posts(limit: 1) { __typename author { __typename } } } feed { __typename } }`, nil,
		`{"data":{"__typename":"Query","me":{"__typename":"User","t":"User","posts":[{"__typename":"Post","author":{"__typename":"User"}}]},"feed":[{"__typename":"Post"},{"__typename":"Ad"}]}}`)
	gw.Expect(`mutation { __typename rename(id: "u2", name: "Rob") { __typename name } }`, nil,
		`{"data":{"__typename":"Mutation","rename":{"__typename":"User","name":"Rob"}}}`)
	gw.Expect(`{ __typename }`, nil, `{"data":{"__typename":"Query"}}`)
	gw.Expect(`{ me { up: nick(upper: true) low: nick(upper: false) nick } u2: user(id: "u2") { nick(upper: true) } }`, nil,
		`{"data":{"me":{"up":"ANN","low":"ann","nick":"ann"},"u2":{"nick":"BOB"}}}`)
	gw.Expect(`{ me { all: posts { title } one: posts(limit: 1) { title } } }`, nil,
		`{"data":{"me":{"all":[{"title":"Hello"},{"title":"World"}],"one":[{"title":"Hello"}]}}}`)
	users.ResetRequests()
	posts.ResetRequests()
	gw.Expect(`{ me { posts { author { name posts { author { name posts(limit: 1) { title author { nick } } } } } } } }`, nil,
		`{"data":{"me":{"posts":[
			{"author":{"name":"Ann","posts":[{"author":{"name":"Ann","posts":[{"title":"Hello","author":{"nick":"ann"}}]}},{"author":{"name":"Ann","posts":[{"title":"Hello","author":{"nick":"ann"}}]}}]}},
			{"author":{"name":"Ann","posts":[{"author":{"name":"Ann","posts":[{"title":"Hello","author":{"nick":"ann"}}]}},{"author":{"name":"Ann","posts":[{"title":"Hello","author":{"nick":"ann"}}]}}]}}]}}}`)
	// posts resolves the whole nesting below me in one entity fetch; users
	// answers me, then name and nick at their paths (identical in-flight
	// fetches may be deduplicated).
	if n := len(posts.Requests()); n != 1 {
		t.Errorf("posts: %d requests, want 1", n)
	}
	if n := len(users.Requests()); n < 3 || n > 4 {
		t.Errorf("users: %d requests, want 3 or 4", n)
	}
}
