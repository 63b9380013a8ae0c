package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// cannedAccounts is an accounts subgraph answering me and a mutation-free
// canned shape; it counts calls and can hold every answer until released.
type cannedAccounts struct {
	calls   atomic.Int64
	release chan struct{}
	name    string
}

func (c *cannedAccounts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	if c.release != nil {
		<-c.release
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(string(body), "_entities") {
		fmt.Fprint(w, `{"data":{"_entities":[]}}`)
		return
	}
	fmt.Fprintf(w, `{"data":{"me":{"id":"1","name":%q}}}`, c.name)
}

func newTestGateway(t *testing.T, accounts http.Handler, opts ...Option) *Gateway {
	t.Helper()
	srv := httptest.NewServer(accounts)
	t.Cleanup(srv.Close)
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": srv.URL, "products": srv.URL, "reviews": srv.URL, "inventory": srv.URL,
	}))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return gw
}

// concurrently runs n copies of req at once, with the subgraph held until
// all of them are in flight, and returns the responses.
func concurrently(t *testing.T, gw *Gateway, acc *cannedAccounts, n int, mk func(i int) *Request) []*Response {
	t.Helper()
	acc.release = make(chan struct{})
	out := make([]*Response, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out[i] = gw.Serve(context.Background(), mk(i))
		}(i)
	}
	// Let every request reach the gateway, then release the subgraph.
	deadline := time.Now().Add(5 * time.Second)
	for acc.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(acc.release)
	wg.Wait()
	acc.release = nil
	return out
}

func TestInboundDedupeSharesIdenticalQueries(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprint("inbound=", on), func(t *testing.T) {
			acc := &cannedAccounts{name: "Ada"}
			gw := newTestGateway(t, acc, WithInboundDedupe(on), WithSubgraphDedupe(false))
			resps := concurrently(t, gw, acc, 8, func(int) *Request {
				return &Request{Query: `{ me { id name } }`}
			})
			for _, r := range resps {
				if string(r.Data) != `{"me":{"id":"1","name":"Ada"}}` || len(r.Errors) > 0 {
					t.Fatalf("response %s %v", r.Data, r.Errors)
				}
			}
			want := int64(8)
			if on {
				want = 1
			}
			if got := acc.calls.Load(); got != want {
				t.Errorf("subgraph calls %d, want %d", got, want)
			}
		})
	}
}

func TestInboundDedupeKeepsPrincipalsApart(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc, WithSubgraphDedupe(false))
	concurrently(t, gw, acc, 4, func(i int) *Request {
		return &Request{Query: `{ me { id } }`, Header: http.Header{"Authorization": {fmt.Sprint("Bearer ", i%2)}}}
	})
	if got := acc.calls.Load(); got != 2 {
		t.Errorf("subgraph calls %d, want one per principal (2)", got)
	}
}

func TestSubgraphDedupeSharesIdenticalFetches(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc, WithInboundDedupe(false))
	// Distinct client headers keep the requests apart inbound; none of them
	// reaches the subgraph, so the subgraph requests are identical.
	concurrently(t, gw, acc, 6, func(i int) *Request {
		return &Request{Query: `{ me { id } }`, Header: http.Header{"X-Client": {fmt.Sprint(i)}}}
	})
	if got := acc.calls.Load(); got != 1 {
		t.Errorf("subgraph calls %d, want 1", got)
	}
}

func TestIsMutation(t *testing.T) {
	for body, want := range map[string]bool{
		`{"query":"{ me { id } }"}`:                 false,
		`{"query":"query($x: ID) { me { id } }"}`:   false,
		`{"query":"\n  query Q { me { id } }"}`:     false,
		`{"query":"mutation { login }"}`:            true,
		`{"query":"\n\tmutation M { login }"}`:      true,
		`{"query":"subscription { ticks }"}`:        true,
		`{"variables":{},"query":"mutation { x }"}`: true,
		`{"operationName":"x"}`:                     true,
	} {
		if got := isMutation([]byte(body)); got != want {
			t.Errorf("isMutation(%s) = %v, want %v", body, got, want)
		}
	}
}

func TestRequestErrors(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc)
	for _, tc := range []struct {
		req    *Request
		code   string
		status int
		data   string
	}{
		{&Request{Query: ""}, "GRAPHQL_PARSE_FAILED", 0, ""},
		{&Request{Query: "{ me { "}, "GRAPHQL_PARSE_FAILED", 0, ""},
		{&Request{Query: "{ me { nope } }"}, "GRAPHQL_VALIDATION_FAILED", 0, ""},
		{&Request{Query: "query A { me { id } } query B { me { id } }"}, "GRAPHQL_VALIDATION_FAILED", 0, ""},
		{&Request{Query: "query A { me { id } }", OperationName: "C"}, "GRAPHQL_VALIDATION_FAILED", 0, ""},
		{&Request{Query: "query($id: ID!) { user(id: $id) { id } }"}, "BAD_USER_INPUT", 0, ""},
		{&Request{Query: "query($id: ID!) { user(id: $id) { id } }", Variables: map[string]any{"id": map[string]any{}}}, "BAD_USER_INPUT", 0, ""},
		{&Request{Query: "{ me { id } }", AllowedKinds: []ast.Operation{ast.Mutation}}, "METHOD_NOT_ALLOWED", 405, ""},
	} {
		r := gw.Serve(context.Background(), tc.req)
		if len(r.Errors) == 0 {
			t.Errorf("%q: no error", tc.req.Query)
			continue
		}
		if got := r.Errors[0].Extensions["code"]; got != tc.code {
			t.Errorf("%q: code %v, want %s (%s)", tc.req.Query, got, tc.code, r.Errors[0].Message)
		}
		if r.Status != tc.status || string(r.Data) != tc.data {
			t.Errorf("%q: status %d data %q", tc.req.Query, r.Status, r.Data)
		}
	}
	if acc.calls.Load() != 0 {
		t.Errorf("failed requests reached the subgraph %d times", acc.calls.Load())
	}
}

func TestSwapKeepsInFlightRequestsOnTheirState(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc)
	old := gw.State()
	acc.release = make(chan struct{})
	done := make(chan *Response)
	go func() { done <- gw.Serve(context.Background(), &Request{Query: `{ me { name } }`}) }()
	for acc.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Swap to a supergraph without accounts' name field reachable: the
	// demo supergraph at other URLs is enough to tell the states apart.
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": "http://127.0.0.1:1", "products": "http://127.0.0.1:1", "reviews": "http://127.0.0.1:1", "inventory": "http://127.0.0.1:1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Swap(sg); err != nil {
		t.Fatal(err)
	}
	close(acc.release)
	r := <-done
	if string(r.Data) != `{"me":{"name":"Ada"}}` {
		t.Errorf("in-flight request: %s %v", r.Data, r.Errors)
	}
	if gw.State() == old || gw.State().Supergraph.Subgraph("accounts").URL != "http://127.0.0.1:1" {
		t.Error("swap did not install the new state")
	}
	if err := gw.Swap(nil); err == nil {
		t.Error("swap to nil accepted")
	}
}

func TestExposePlanExtension(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc)
	r := gw.Serve(context.Background(), &Request{Query: `{ me { id } }`, ExposePlan: true})
	raw, err := json.Marshal(r.Extensions)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apolloQueryPlan":{"object":{"kind":"QueryPlan","node":{"kind":"Fetch","operation":"query{me{id}}","operationKind":"query","serviceName":"accounts","variableUsages":[]}},"text":`
	if !strings.HasPrefix(string(raw), want) {
		t.Errorf("extensions %s\nwant prefix %s", raw, want)
	}
}

func TestPropagatedHeadersOnly(t *testing.T) {
	var seen atomic.Value
	srv := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Clone())
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"me":{"id":"1"}}}`)
	})
	gw := newTestGateway(t, srv, WithPropagatedHeaders("x-tenant"))
	r := gw.Serve(context.Background(), &Request{Query: `{ me { id } }`,
		Header: http.Header{"X-Tenant": {"t1"}, "X-Other": {"o"}, "Authorization": {"Bearer secret"}}})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	h := seen.Load().(http.Header)
	if h.Get("X-Tenant") != "t1" || h.Get("X-Other") != "" || h.Get("Authorization") != "" {
		t.Errorf("subgraph saw headers %v", h)
	}
}

func TestPerSubgraphTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	gw := newTestGateway(t, slow, WithSubgraphTimeouts(map[string]time.Duration{"accounts": 50 * time.Millisecond}))
	start := time.Now()
	r := gw.Serve(context.Background(), &Request{Query: `{ me { id } }`})
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %s: the per-subgraph timeout was not applied", time.Since(start))
	}
	if string(r.Data) != `{"me":null}` || len(r.Errors) != 1 || r.Errors[0].Extensions["serviceName"] != "accounts" {
		t.Fatalf("data %s errors %v", r.Data, r.Errors)
	}
	if code := r.Errors[0].Extensions["code"]; code != "GATEWAY_TIMEOUT" {
		t.Errorf("code %v", code)
	}
}
