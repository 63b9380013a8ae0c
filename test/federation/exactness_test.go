package federation

import (
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
	"net/http"
	"net/http/httptest"
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
// 422 (GraphQL over HTTP, 2026 draft); no subgraph is called.
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
		if status != http.StatusUnprocessableEntity || body != c.body {
			t.Errorf("%s:\n got %d %s\nwant 422 %s", c.query, status, body, c.body)
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
	gw := fedtest.Start(t, edited, validating(t, "exact-basic", users, posts))
	// name is left out of the plan: null with its error at its path (here
	// non-null up to feed), the rest of the request answered.
	gw.Expect(`{ feed { ... on Post { author { name } } } }`, nil,
		`{"data":{"feed":null},"errors":[{"message":"Cannot resolve User.name: no subgraph can resolve it from subgraph \"posts\" at path [feed @ author]","path":["feed",0,"author","name"],"extensions":{"code":"QUERY_PLANNING_FAILED"}}]}`)
	wantCalls(t, map[*fedtest.Subgraph]int{users: 0, posts: 1})
}

// The response has exactly the keys the client asked for, in its order:
// nothing the planner added (keys, __typename), aliases as given (even one
// named like a key field or __typename), __typename wherever asked, {} for an object no
// fragment matched, the same field under two aliases with different
// arguments, and deep nesting across subgraphs.
func TestExactShape(t *testing.T) {
	users, posts := exactSubgraphs()
	gw := startCase(t, "exact-basic", users, posts)
	gw.Expect(`{ users { name posts { title } } }`, nil,
		`{"data":{"users":[{"name":"Ann","posts":[{"title":"Hello"},{"title":"World"}]},{"name":"Bob","posts":[{"title":"Bye"}]}]}}`)
	gw.Expect(`{ users { id: name posts { id: title } } }`, nil,
		`{"data":{"users":[{"id":"Ann","posts":[{"id":"Hello"},{"id":"World"}]},{"id":"Bob","posts":[{"id":"Bye"}]}]}}`)
	gw.Expect(`{ me { __typename: name posts { title } } }`, nil,
		`{"data":{"me":{"__typename":"Ann","posts":[{"title":"Hello"},{"title":"World"}]}}}`)
	gw.Expect(`{ feed { ... on Post { __typename: title author { id: name } } } }`, nil,
		`{"data":{"feed":[{"__typename":"Hello","author":{"id":"Ann"}},{}]}}`)
	gw.Expect(`{ feed { ... on Post { t: __typename __typename: title } ... on Ad { __typename } } }`, nil,
		`{"data":{"feed":[{"t":"Post","__typename":"Hello"},{"__typename":"Ad"}]}}`)
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

// Subgraph GraphQL errors keep their message and extensions (code
// included), gain extensions.serviceName, and have their path rewritten to
// the client's path (an _entities path to the object that produced the
// representation); the data around them is kept.
func TestExactSubgraphErrors(t *testing.T) {
	users, posts := exactSubgraphs()
	users.Query["user"] = func(args map[string]any) (any, error) {
		return nil, &fedtest.Error{Message: "no such user", Extensions: map[string]any{"code": "NOT_FOUND", "id": args["id"]}}
	}
	title := posts.Fields
	title["Post.title"] = func(parent, _ map[string]any) (any, error) {
		if parent["id"] == "p2" {
			return nil, &fedtest.Error{Message: "title hidden", Extensions: map[string]any{"code": "FORBIDDEN", "reason": "embargo"}}
		}
		return parent["title"], nil
	}
	gw := startCase(t, "exact-basic", users, posts)
	gw.Expect(`{ users { name posts { title } } }`, nil, `{"data":{"users":[{"name":"Ann","posts":[{"title":"Hello"},{"title":null}]},{"name":"Bob","posts":[{"title":"Bye"}]}]},
		"errors":[{"message":"title hidden","path":["users",0,"posts",1,"title"],"extensions":{"code":"FORBIDDEN","reason":"embargo","serviceName":"posts"}}]}`)
	gw.Expect(`{ me { name } user(id: "u9") { name } }`, nil, `{"data":{"me":{"name":"Ann"},"user":null},
		"errors":[{"message":"no such user","path":["user"],"extensions":{"code":"NOT_FOUND","id":"u9","serviceName":"users"}}]}`)
	gw.Expect(`{ me { p: posts { t: title } } }`, nil, `{"data":{"me":{"p":[{"t":"Hello"},{"t":null}]}},
		"errors":[{"message":"title hidden","path":["me","p",1,"t"],"extensions":{"code":"FORBIDDEN","reason":"embargo","serviceName":"posts"}}]}`)
}

// A subgraph that fails (HTTP 500, a body that is not JSON, too slow, the
// connection dropped) gives one error with Apollo Router's extensions.code
// and serviceName; the fields it would have filled are null and the data
// of the other subgraphs is kept.
func TestExactSubgraphFailures(t *testing.T) {
	cases := []struct {
		name      string
		intercept func(w http.ResponseWriter, r *http.Request) bool
		err       string
	}{
		{"500", func(w http.ResponseWriter, _ *http.Request) bool {
			http.Error(w, "boom", http.StatusInternalServerError)
			return true
		}, `{"message":"HTTP fetch failed from subgraph \"posts\": 500 Internal Server Error","path":["users"],"extensions":{"cause":"status 500","code":"SUBREQUEST_HTTP_ERROR","http":{"status":500},"serviceName":"posts"}}`},
		{"not json", func(w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>oops</html>"))
			return true
		}, `{"message":"subgraph \"posts\" returned a malformed response","path":["users"],"extensions":{"cause":"malformed response: not a JSON object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"posts"}}`},
		{"slow", func(w http.ResponseWriter, r *http.Request) bool {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return true
		}, `{"message":"request to subgraph \"posts\" timed out","path":["users"],"extensions":{"cause":"timeout","code":"GATEWAY_TIMEOUT","serviceName":"posts"}}`},
		{"dropped", func(w http.ResponseWriter, _ *http.Request) bool {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
				}
			}
			return true
		}, `{"message":"HTTP fetch failed from subgraph \"posts\": connection closed before the whole answer","path":["users"],"extensions":{"cause":"connection closed before the whole answer","code":"SUBREQUEST_HTTP_ERROR","serviceName":"posts"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			users, posts := exactSubgraphs()
			posts.Intercept = func(w http.ResponseWriter, r *http.Request, _ fedtest.Request) bool { return c.intercept(w, r) }
			// Only the slow case runs under a 300 ms subgraph timeout; the
			// others under 10 s, so a loaded machine never turns them into
			// timeouts.
			timeout := 10 * time.Second
			if c.name == "slow" {
				timeout = 300 * time.Millisecond
			}
			gw := fedtest.Start(t, supergraph(t, "exact-basic"), validating(t, "exact-basic", users, posts),
				gateway.WithSubgraphTimeout(timeout))
			gw.Expect(`{ users { name posts { title } } }`, nil,
				`{"data":{"users":[{"name":"Ann","posts":null},{"name":"Bob","posts":null}]},"errors":[`+c.err+`]}`)
			// A failed root fetch has no single path: the error has none.
			rootErr := strings.Replace(c.err, `"path":["users"],`, ``, 1)
			gw.Expect(`{ me { name } feed { __typename } }`, nil, `{"data":{"me":{"name":"Ann"},"feed":null},"errors":[`+rootErr+`]}`)
		})
	}
}

// A subgraph that answers an error status with a GraphQL response body
// (JSON media type, with errors) gets the status error and then its own
// errors, message and extensions kept, as Apollo Router and Hive Router
// answer; a body of another media type is only the status error.
func TestExactSubgraphErrorStatusWithErrors(t *testing.T) {
	for _, mt := range []string{"application/graphql-response+json", "application/json; charset=utf-8"} {
		users, posts := exactSubgraphs()
		posts.Intercept = func(w http.ResponseWriter, _ *http.Request, _ fedtest.Request) bool {
			w.Header().Set("Content-Type", mt)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errors":[{"message":"Unknown type _Any","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`))
			return true
		}
		gw := startCase(t, "exact-basic", users, posts)
		status := `{"message":"HTTP fetch failed from subgraph \"posts\": 400 Bad Request","path":["users"],"extensions":{"cause":"status 400","code":"SUBREQUEST_HTTP_ERROR","http":{"status":400},"serviceName":"posts"}}`
		own := `{"message":"Unknown type _Any","path":["users"],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED","serviceName":"posts"}}`
		gw.Expect(`{ users { name posts { title } } }`, nil,
			`{"data":{"users":[{"name":"Ann","posts":null},{"name":"Bob","posts":null}]},"errors":[`+status+`,`+own+`]}`)
		noPath := func(s string) string { return strings.Replace(s, `"path":["users"],`, ``, 1) }
		gw.Expect(`{ me { name } feed { __typename } }`, nil,
			`{"data":{"me":{"name":"Ann"},"feed":null},"errors":[`+noPath(status)+`,`+noPath(own)+`]}`)
	}
	users, posts := exactSubgraphs()
	posts.Intercept = func(w http.ResponseWriter, _ *http.Request, _ fedtest.Request) bool {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"errors":[{"message":"not a GraphQL answer"}]}`))
		return true
	}
	gw := startCase(t, "exact-basic", users, posts)
	gw.Expect(`{ me { name } feed { __typename } }`, nil,
		`{"data":{"me":{"name":"Ann"},"feed":null},"errors":[{"message":"HTTP fetch failed from subgraph \"posts\": 502 Bad Gateway","extensions":{"cause":"status 502","code":"SUBREQUEST_HTTP_ERROR","http":{"status":502},"serviceName":"posts"}}]}`)
}

// A subgraph that is down (nothing listens at its URL) is an HTTP fetch
// failure; the other subgraph's data is kept.
func TestExactSubgraphDown(t *testing.T) {
	users, _ := exactSubgraphs()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	sdl := strings.Replace(supergraph(t, "exact-basic"), "http://posts.invalid/graphql", url, 1)
	gw := fedtest.Start(t, sdl, validating(t, "exact-basic", users))
	gw.Expect(`{ me { name posts { title } } }`, nil, `{"data":{"me":{"name":"Ann","posts":null}},
		"errors":[{"message":"HTTP fetch failed from subgraph \"posts\": connection refused","path":["me"],"extensions":{"cause":"connection refused","code":"SUBREQUEST_HTTP_ERROR","serviceName":"posts"}}]}`)
	gw.Expect(`{ me { name } feed { __typename } }`, nil, `{"data":{"me":{"name":"Ann"},"feed":null},
		"errors":[{"message":"HTTP fetch failed from subgraph \"posts\": connection refused","extensions":{"cause":"connection refused","code":"SUBREQUEST_HTTP_ERROR","serviceName":"posts"}}]}`)
}
