package robustness

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// deepQuery nests me { reviews { author { ... } } } n times.
func deepQuery(n int) string {
	return "{ me { " + strings.Repeat("reviews { author { ", n) + "id" + strings.Repeat(" } }", n) + " } }"
}

// fragmentBomb spreads each fragment twice into the next: 2^n selections
// from a document of a few hundred bytes.
func fragmentBomb(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{ me { ...F%d } } fragment F0 on User { name }", n-1)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, " fragment F%d on User { ...F%d ...F%d }", i, i-1, i-1)
	}
	return b.String()
}

func manyAliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// TestClientInput: malformed and hostile requests get one clear error with
// extensions.code and the right status, quickly, and never reach a
// subgraph; valid requests next to them still work.
func TestClientInput(t *testing.T) {
	g := start(t, nil)
	for _, tc := range []struct {
		name, method, ctype, body string
		status                    int
		want                      string
	}{
		// Transport.
		{"malformed JSON", "POST", "application/json", `{"query":"{ me { name } }"`, 422,
			`{"errors":[{"message":"the request body is not valid JSON: unexpected EOF","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"trailing data", "POST", "application/json", `{"query":"{ me { name } }"}{}`, 422,
			`{"errors":[{"message":"the request body is not valid JSON: unexpected data after the JSON value","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"query is a number", "POST", "application/json", `{"query":1}`, 422,
			`{"errors":[{"message":"the query parameter must be a string","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"query is an object", "POST", "application/json", `{"query":{"a":1}}`, 422,
			`{"errors":[{"message":"the query parameter must be a string","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"variables is a list", "POST", "application/json", `{"query":"{ me { name } }","variables":[]}`, 422,
			`{"errors":[{"message":"the variables parameter must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"variables is a string", "POST", "application/json", `{"query":"{ me { name } }","variables":"{}"}`, 422,
			`{"errors":[{"message":"the variables parameter must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"operationName is a number", "POST", "application/json", `{"query":"{ me { name } }","operationName":5}`, 422,
			`{"errors":[{"message":"the operationName parameter must be a string","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"extensions is a bool", "POST", "application/json", `{"query":"{ me { name } }","extensions":true}`, 422,
			`{"errors":[{"message":"the extensions parameter must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"body is a string", "POST", "application/json", `"{ me { name } }"`, 422,
			`{"errors":[{"message":"the request body must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"no query", "POST", "application/json", `{}`, 422,
			`{"errors":[{"message":"the query parameter is missing","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"invalid UTF-8 in JSON", "POST", "application/json", "{\"query\":\"{ me { name \xff } }\"}", 422,
			`{"errors":[{"message":"Expected Name, found \u003cInvalid\u003e","locations":[{"line":1,"column":13}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"text/plain", "POST", "text/plain", `{"query":"{ me { name } }"}`, 415,
			`{"errors":[{"message":"unsupported Content-Type \"text/plain\": send application/json","extensions":{"code":"UNSUPPORTED_MEDIA_TYPE"}}]}`},
		{"huge body", "POST", "application/json", `{"query":"{ me { name } }","pad":"` + strings.Repeat("x", 3<<20) + `"}`, 413,
			`{"errors":[{"message":"request body is larger than the limit","extensions":{"code":"PAYLOAD_TOO_LARGE"}}]}`},
		{"PUT", "PUT", "application/json", `{"query":"{ me { name } }"}`, 405,
			`{"errors":[{"message":"method PUT is not allowed: use GET or POST","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`},

		// GraphQL documents.
		{"syntax error", "POST", "application/json", `{"query":"{ me { name }"}`, 422,
			`{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":14}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"unknown field", "POST", "application/json", `{"query":"{ me { nope } }"}`, 422,
			`{"errors":[{"message":"Cannot query field \"nope\" on type \"User\". Did you mean \"name\"?","locations":[{"line":1,"column":8}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"unknown operationName", "POST", "application/json", `{"query":"query A { me { name } }","operationName":"B"}`, 422,
			`{"errors":[{"message":"Unknown operation named \"B\".","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"two operations, no name", "POST", "application/json", `{"query":"query A { me { name } } query B { me { id } }"}`, 422,
			`{"errors":[{"message":"Must provide operation name if query contains multiple operations.","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"no operation", "POST", "application/json", `{"query":"# only a comment"}`, 422,
			`{"errors":[{"message":"Must provide an operation.","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"Int literal beyond 32 bits", "POST", "application/json", `{"query":"{ topProducts(first: 99999999999) { name } }"}`, 422,
			`{"errors":[{"message":"Int cannot represent non 32-bit signed integer value: 99999999999","locations":[{"line":1,"column":22}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"Int literal in a variable default", "POST", "application/json", `{"query":"query($n: Int = -2147483649) { topProducts(first: $n) { name } }"}`, 422,
			`{"errors":[{"message":"Int cannot represent non 32-bit signed integer value: -2147483649","locations":[{"line":1,"column":17}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"Int literal at the limit", "POST", "application/json", `{"query":"{ topProducts(first: 2147483647) { name } }"}`, 200,
			`{"data":{"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`},
		{"fragment cycle", "POST", "application/json", `{"query":"{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }"}`, 422,
			`{"errors":[{"message":"Cannot spread fragment \"A\" within itself via \"B\".","locations":[{"line":1,"column":69}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`},
		{"subscription", "POST", "application/json", `{"query":"subscription { reviewAdded { id } }"}`, 422,
			`{"errors":[{"message":"subscriptions are not supported over this transport","extensions":{"code":"SUBSCRIPTION_NOT_SUPPORTED"}}]}`},
		{"GET with variables not JSON", "GET", "", "?query=query($id:ID!){user(id:$id){name}}&variables=%7Bid", 422,
			`{"errors":[{"message":"the variables parameter must be a JSON object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"GET query", "GET", "", "?query=%7Bme%7Bname%7D%7D", 200, `{"data":{"me":{"name":"Ada"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := g.stubs["accounts"].count()
			start := time.Now()
			var status int
			var body string
			if tc.method == "GET" {
				status, body = g.get(tc.body)
			} else {
				status, body = g.do(tc.method, tc.ctype, tc.body)
			}
			if d := time.Since(start); d > 15*time.Second { // a hang guard, not a speed test
				t.Errorf("took %v", d)
			}
			if status != tc.status || body != tc.want {
				t.Errorf("got %d %s\nwant %d %s", status, body, tc.status, tc.want)
			}
			if n := g.stubs["accounts"].count(); n != before && status != 200 {
				t.Errorf("a refused request reached the subgraph")
			}
		})
	}
}

// TestSlowClientBody: a client that sends its headers and then trickles
// (or never sends) its body gets 408 once the read timeout passes, and the
// gateway goes on serving others.
func TestSlowClientBody(t *testing.T) {
	g := start(t, nil)
	srv := httptest.NewServer(server.New(g.gw, server.WithReadTimeout(200*time.Millisecond)))
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	t0 := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	want := `{"errors":[{"message":"the request body was not received in time","extensions":{"code":"REQUEST_TIMEOUT"}}]}`
	if resp.StatusCode != 408 || string(b) != want {
		t.Errorf("got %d %s\nwant 408 %s", resp.StatusCode, b, want)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	res, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != `{"data":{"me":{"name":"Ada"}}}` {
		t.Errorf("next request: %s", b)
	}
}

// TestPersistedQueries: the APQ round trip of Apollo clients: an unknown
// hash is PERSISTED_QUERY_NOT_FOUND (the client then sends the query), a
// wrong hash is refused, a registered one runs without its text.
func TestPersistedQueries(t *testing.T) {
	g := start(t, nil)
	const q = `{ me { name } }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	ext := func(h string) string { return `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + h + `"}}` }
	for _, tc := range []struct{ body, want string }{
		{`{` + ext(hash) + `}`, `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`},
		{`{"query":"{ me { id } }",` + ext(hash) + `}`, `{"errors":[{"message":"provided sha does not match query","extensions":{"code":"PERSISTED_QUERY_HASH_MISMATCH"}}]}`},
		{`{"query":"` + q + `",` + ext(hash) + `}`, `{"data":{"me":{"name":"Ada"}}}`},
		{`{` + ext(hash) + `}`, `{"data":{"me":{"name":"Ada"}}}`},
		{`{` + ext(strings.ToUpper(hash)) + `}`, `{"data":{"me":{"name":"Ada"}}}`},
		{`{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"` + hash + `"}}}`, `{"errors":[{"message":"Unsupported persisted query version","extensions":{"code":"PERSISTED_QUERY_VERSION_NOT_SUPPORTED"}}]}`},
		{`{"extensions":{"persistedQuery":"x"}}`, `{"errors":[{"message":"extensions.persistedQuery must be an object","extensions":{"code":"BAD_REQUEST"}}]}`},
		{`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":5}}}`, `{"errors":[{"message":"extensions.persistedQuery.sha256Hash must be a SHA-256 hex digest","extensions":{"code":"BAD_REQUEST"}}]}`},
	} {
		_, got := g.do("POST", "application/json", tc.body)
		if got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.body, got, tc.want)
		}
	}
	if status, got := g.get(`?extensions=` + url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"`+hash+`"}}`)); status != 200 || got != `{"data":{"me":{"name":"Ada"}}}` {
		t.Errorf("GET: %d %s", status, got)
	}
}

// TestReadTimeoutSparesSlowExecution: the body read timeout bounds reading
// the body only; an execution that outlasts it is not canceled.
func TestReadTimeoutSparesSlowExecution(t *testing.T) {
	slow := &stub{handler: func(w http.ResponseWriter, r *http.Request) {
		sleep(r, 400*time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"me":{"name":"Ada"}}}`)
	}}
	g := start(t, map[string]*stub{"accounts": slow}, gateway.WithInboundDedupe(false))
	srv := httptest.NewServer(server.New(g.gw, server.WithReadTimeout(100*time.Millisecond)))
	t.Cleanup(srv.Close)
	res, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != `{"data":{"me":{"name":"Ada"}}}` {
		t.Errorf("got %s", b)
	}
}
