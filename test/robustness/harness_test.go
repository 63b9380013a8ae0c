package robustness

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// subgraphRequest is what a stub subgraph received.
type subgraphRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// stub is a demo subgraph answering canned bodies: answer picks the body
// for a request (by its query), handler, when set, takes over the HTTP
// exchange completely (for misbehaving subgraphs).
type stub struct {
	answer  func(req subgraphRequest) string
	handler http.HandlerFunc

	mu       sync.Mutex
	requests []subgraphRequest
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req subgraphRequest
	_ = json.Unmarshal(raw, &req)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if s.handler != nil {
		s.handler(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, s.answer(req))
}

func (s *stub) reqs() []subgraphRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]subgraphRequest(nil), s.requests...)
}

func (s *stub) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// cannedAnswer answers the demo subgraphs' usual requests with fixed data:
// accounts knows user 1, products two products, inventory stock for every
// product, reviews one review per product.
func cannedAnswer(name string) func(subgraphRequest) string {
	return func(req subgraphRequest) string {
		reps, _ := req.Variables["representations"].([]any)
		switch name {
		case "accounts":
			if reps != nil {
				return entities(reps, func(map[string]any) string { return `{"__typename":"User","id":"1","name":"Ada","username":"ada"}` })
			}
			return `{"data":{"me":{"__typename":"User","id":"1","name":"Ada","username":"ada","birthday":1815},"user":{"__typename":"User","id":"1","name":"Ada","username":"ada"},"users":[{"__typename":"User","id":"1","name":"Ada","username":"ada"}]}}`
		case "products":
			if reps != nil {
				return entities(reps, func(map[string]any) string {
					return `{"__typename":"Product","name":"Table","price":10,"weight":2}`
				})
			}
			return `{"data":{"topProducts":[{"__typename":"Product","upc":"1","name":"Table","price":10,"weight":2},{"__typename":"Product","upc":"2","name":"Couch","price":20,"weight":5}]}}`
		case "inventory":
			return entities(reps, func(map[string]any) string {
				return `{"__typename":"Product","inStock":true,"shippingEstimate":5}`
			})
		case "reviews":
			return entities(reps, func(rep map[string]any) string {
				if rep["__typename"] == "User" {
					return `{"__typename":"User","reviews":[{"__typename":"Review","id":"r1","body":"Great","author":{"__typename":"User","id":"1","username":"ada"},"product":{"__typename":"Product","upc":"1"}}]}`
				}
				return `{"__typename":"Product","reviews":[{"__typename":"Review","id":"r1","body":"Great","author":{"__typename":"User","id":"1","username":"ada"},"product":{"__typename":"Product","upc":"1"}}]}`
			})
		}
		return `{"data":null}`
	}
}

func entities(reps []any, one func(rep map[string]any) string) string {
	var b strings.Builder
	b.WriteString(`{"data":{"_entities":[`)
	for i, r := range reps {
		if i > 0 {
			b.WriteByte(',')
		}
		rep, _ := r.(map[string]any)
		b.WriteString(one(rep))
	}
	b.WriteString(`]}}`)
	return b.String()
}

var demoNames = []string{"accounts", "inventory", "products", "reviews"}

// gw is Junction over the demo supergraph with stub subgraphs.
type gw struct {
	t     testing.TB
	url   string
	stubs map[string]*stub
	gw    *gateway.Gateway
}

// start serves the demo supergraph with a canned stub per subgraph;
// override replaces some of them.
func start(t testing.TB, override map[string]*stub, opts ...gateway.Option) *gw {
	t.Helper()
	g := &gw{t: t, stubs: map[string]*stub{}}
	urls := map[string]string{}
	for _, n := range demoNames {
		s := override[n]
		if s == nil {
			s = &stub{answer: cannedAnswer(n)}
		}
		g.stubs[n] = s
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		urls[n] = srv.URL
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	g.gw, err = gateway.New(sg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(g.gw))
	t.Cleanup(srv.Close)
	g.url = srv.URL + "/graphql"
	return g
}

// do sends one HTTP request and returns the status and the body.
func (g *gw) do(method, contentType, body string) (int, string) {
	g.t.Helper()
	req, err := http.NewRequest(method, g.url, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// get sends GET url+rawQuery and returns the status and the body.
func (g *gw) get(rawQuery string) (int, string) {
	g.t.Helper()
	resp, err := http.Get(g.url + rawQuery)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// query posts {query, variables} and returns the status and compact body.
func (g *gw) query(query string, vars map[string]any) (int, string) {
	g.t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	status, body := g.do(http.MethodPost, "application/json", string(raw))
	return status, compact(g.t, body)
}

func compact(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("response is not JSON: %q", s)
	}
	return b.String()
}
