package executor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// testAPI is the client-facing schema of the test supergraph.
const testAPI = `
type Query {
  me: User
  viewer: User!
  topProducts(first: Int): [Product!]!
  products: [Product]
  search: [SearchResult!]!
  product(upc: String!): Product
}
type Mutation { rename(name: String!): User }
type User { id: ID! name: String! username: String role: Role reviews: [Review!] }
enum Role { ADMIN USER }
type Product { upc: String! name: String price: Int weight: Int inStock: Boolean reviews: [Review!]! }
type Review { id: ID! body: String! author: User! product: Product }
union SearchResult = User | Product
interface Node { id: ID! }
`

// fakeSubgraph is an httptest subgraph answering canned responses keyed by
// the exact request body; an unexpected body fails the test.
type fakeSubgraph struct {
	t       *testing.T
	name    string
	srv     *httptest.Server
	calls   atomic.Int32
	mu      sync.Mutex
	answers map[string]string
	status  int
	delay   time.Duration
	headers []http.Header
}

func newFake(t *testing.T, name string, answers map[string]string) *fakeSubgraph {
	f := &fakeSubgraph{t: t, name: name, answers: answers, status: 200}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSubgraph) serve(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.headers = append(f.headers, r.Header.Clone())
	ans, ok := f.answers[string(body)]
	status, delay := f.status, f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Method != http.MethodPost {
		f.t.Errorf("%s: bad request %s %s", f.name, r.Method, r.Header.Get("Content-Type"))
	}
	if !ok {
		f.t.Errorf("%s: unexpected request body:\n%s", f.name, body)
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, ans)
}

// testSupergraph builds the supergraph over the given fakes.
func testSupergraph(t testing.TB, subs ...*fakeSubgraph) *schema.Supergraph {
	t.Helper()
	api := gqlparser.MustLoadSchema(&ast.Source{Name: "api.graphql", Input: testAPI})
	sg := &schema.Supergraph{API: api, Types: map[string]*schema.Type{
		"Product": {Name: "Product", Keys: []*schema.Key{
			{Subgraph: "inventory", Fields: "upc", Selection: ast.SelectionSet{&ast.Field{Name: "upc"}}, Resolvable: true},
			{Subgraph: "products", Fields: "upc", Selection: ast.SelectionSet{&ast.Field{Name: "upc"}}, Resolvable: true},
			{Subgraph: "reviews", Fields: "upc", Selection: ast.SelectionSet{&ast.Field{Name: "upc"}}, Resolvable: true},
		}},
		"User": {Name: "User", Keys: []*schema.Key{
			{Subgraph: "accounts", Fields: "id", Selection: ast.SelectionSet{&ast.Field{Name: "id"}}, Resolvable: true},
			{Subgraph: "reviews", Fields: "id", Selection: ast.SelectionSet{&ast.Field{Name: "id"}}, Resolvable: true},
		}},
	}}
	for _, s := range subs {
		sg.Subgraphs = append(sg.Subgraphs, &schema.Subgraph{Name: s.name, Enum: strings.ToUpper(s.name), URL: s.srv.URL})
	}
	sort.Slice(sg.Subgraphs, func(i, j int) bool { return sg.Subgraphs[i].Name < sg.Subgraphs[j].Name })
	return sg
}

// requires parses a representation selection like "... on Product { __typename upc }".
func requires(t testing.TB, sel string) ast.SelectionSet {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: "{" + sel + "}"})
	if err != nil {
		t.Fatalf("requires %q: %v", sel, err)
	}
	return doc.Operations[0].SelectionSet
}

// request validates query against the API and builds an executor request.
func request(t testing.TB, sg *schema.Supergraph, query string, vars map[string]any, root planner.Node) *Request {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(sg.API, query)
	if errs != nil {
		t.Fatalf("query %q: %v", query, errs)
	}
	return &Request{
		Plan:      planner.NewPlan(doc.Operations[0].Operation, root),
		Document:  doc,
		Operation: doc.Operations[0],
		Variables: vars,
	}
}

// responseJSON renders a result as {"data":...,"errors":[...]} with errors
// reduced to message, path and extensions, for byte-exact comparison.
func responseJSON(t testing.TB, res *Result) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"data":`)
	b.Write(res.Data)
	if len(res.Errors) > 0 {
		type e struct {
			Message    string         `json:"message"`
			Path       ast.Path       `json:"path,omitempty"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}
		list := make([]e, len(res.Errors))
		for i, x := range res.Errors {
			list[i] = e{x.Message, x.Path, x.Extensions}
		}
		raw, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(`,"errors":`)
		b.Write(raw)
	}
	b.WriteString("}")
	return b.String()
}

func execute(t testing.TB, ex *Executor, req *Request) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := ex.Execute(ctx, req)
	if !json.Valid(res.Data) {
		t.Fatalf("invalid data JSON: %s", res.Data)
	}
	return responseJSON(t, res)
}
