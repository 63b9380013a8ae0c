package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// denyPlugin denies every field whose parent type and name are listed
// ("Product.reviews"), the way an authorization plugin would.
type denyPlugin struct {
	coords map[string]bool
	seen   int
}

func (d *denyPlugin) Name() string { return "deny" }

func (d *denyPlugin) InterceptOperation(ctx context.Context, op *Operation, next OperationHandler) *Response {
	d.seen++
	var walk func(ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				if s.ObjectDefinition != nil && d.coords[s.ObjectDefinition.Name+"."+s.Name] {
					op.Deny(s, &gqlerror.Error{Message: "not allowed", Extensions: map[string]any{"code": "UNAUTHORIZED_FIELD_OR_TYPE"}})
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.Definition.SelectionSet)
	return next(ctx, op)
}

func startDemo(t *testing.T, opts ...Option) (*Gateway, *subgraphs.Demo) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return gw, demo
}

func answer(t *testing.T, r *Response) string {
	t.Helper()
	var b strings.Builder
	b.Write(r.Data)
	for _, e := range r.Errors {
		b.WriteString("\n" + e.Message + " " + e.Path.String())
		if c, ok := e.Extensions["code"]; ok {
			b.WriteString(" " + c.(string))
		}
	}
	return b.String()
}

func TestDeniedFieldIsNeverFetched(t *testing.T) {
	d := &denyPlugin{coords: map[string]bool{"Product.reviews": true}}
	gw, demo := startDemo(t, WithPlugins(d), WithInboundDedupe(false))
	q := `{ topProducts(first: 2) { name reviews { body } } }`
	got := answer(t, gw.Serve(context.Background(), &Request{Query: q}))
	want := `{"topProducts":[{"name":"Table","reviews":null},{"name":"Couch","reviews":null}]}
not allowed topProducts[0].reviews UNAUTHORIZED_FIELD_OR_TYPE
not allowed topProducts[1].reviews UNAUTHORIZED_FIELD_OR_TYPE`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if n := demo.Servers["reviews"].Requests(); n != 0 {
		t.Fatalf("reviews subgraph asked %d times for a denied field", n)
	}
	// Without the denial the same document fetches reviews: the plan
	// cache keeps the two apart.
	d.coords = nil
	got = answer(t, gw.Serve(context.Background(), &Request{Query: q}))
	if !strings.Contains(got, `"reviews":[{"body"`) || demo.Servers["reviews"].Requests() == 0 {
		t.Fatalf("allowed request: %s", got)
	}
}

func TestDeniedNonNullFieldPropagates(t *testing.T) {
	d := &denyPlugin{coords: map[string]bool{"Product.upc": true}}
	gw, _ := startDemo(t, WithPlugins(d))
	got := answer(t, gw.Serve(context.Background(), &Request{Query: `{ topProducts(first: 1) { upc name } }`}))
	want := `{"topProducts":[null]}
not allowed topProducts[0].upc UNAUTHORIZED_FIELD_OR_TYPE`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDeniedEverySelectedField(t *testing.T) {
	// Every field under me is denied: accounts is still asked for me (its
	// selection becomes __typename), the denied field answers null.
	d := &denyPlugin{coords: map[string]bool{"User.name": true, "Query.topProducts": true}}
	gw, demo := startDemo(t, WithPlugins(d))
	got := answer(t, gw.Serve(context.Background(), &Request{Query: `{ me { name } topProducts { name } }`}))
	want := `{"me":{"name":null},"topProducts":null}
not allowed me.name UNAUTHORIZED_FIELD_OR_TYPE
not allowed topProducts UNAUTHORIZED_FIELD_OR_TYPE`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if n := demo.Servers["products"].Requests(); n != 0 {
		t.Fatalf("products asked %d times", n)
	}
}

// shortCircuit answers 401 before parsing when no Authorization header is
// present, the way an authentication plugin with require: true would.
type shortCircuit struct{ calls int }

func (s *shortCircuit) Name() string { return "auth" }
func (s *shortCircuit) InterceptRequest(ctx context.Context, req *Request, next RequestHandler) *Response {
	s.calls++
	if req.Header.Get("Authorization") == "" {
		r := requestError("missing token", "UNAUTHENTICATED")
		r.Status = http.StatusUnauthorized
		return r
	}
	return next(ctx, req).WithHeader("X-Seen", "yes")
}

func TestRequestInterceptor(t *testing.T) {
	s := &shortCircuit{}
	gw, demo := startDemo(t, WithPlugins(s))
	r := gw.Serve(context.Background(), &Request{Query: `{ me { name } }`, Header: http.Header{}})
	if r.Status != http.StatusUnauthorized || r.Data != nil {
		t.Fatalf("status %d data %s", r.Status, r.Data)
	}
	if n := demo.Servers["accounts"].Requests(); n != 0 {
		t.Fatalf("accounts asked %d times", n)
	}
	r = gw.Serve(context.Background(), &Request{Query: `{ me { name } }`, Header: http.Header{"Authorization": {"Bearer x"}}})
	if got := answer(t, r); got != `{"me":{"name":"Ada Lovelace"}}` || r.Header.Get("X-Seen") != "yes" {
		t.Fatalf("got %s, header %v", got, r.Header)
	}
	r.Release()
}

type preparer struct {
	fail  bool
	calls int
}

func (p *preparer) Name() string { return "prep" }
func (p *preparer) Prepare(sg *schema.Supergraph) (any, error) {
	p.calls++
	if p.fail {
		return nil, errors.New("bad directive")
	}
	return sg.Version, nil
}

func TestPreparerRunsPerSupergraph(t *testing.T) {
	p := &preparer{}
	gw, _ := startDemo(t, WithPlugins(p))
	st := gw.State()
	if got := st.Prepared(p); got != st.Supergraph.Version {
		t.Fatalf("prepared %v", got)
	}
	p.fail = true
	if err := gw.Swap(st.Supergraph); err == nil || !strings.Contains(err.Error(), "prep: bad directive") {
		t.Fatalf("swap: %v", err)
	}
	if gw.State() != st {
		t.Fatal("a refused supergraph replaced the served one")
	}
}

type countingMiddleware struct{ n int }

func (c *countingMiddleware) Name() string { return "count" }
func (c *countingMiddleware) WrapClient(next executor.Client) executor.Client {
	return clientFunc(func(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
		c.n++
		return next.Do(ctx, req)
	})
}

func TestClientMiddlewareWrapsSubgraphRequests(t *testing.T) {
	c := &countingMiddleware{}
	gw, _ := startDemo(t, WithPlugins(c))
	r := gw.Serve(context.Background(), &Request{Query: `{ me { name } }`})
	if r.Errors != nil || c.n != 1 {
		t.Fatalf("errors %v, %d subgraph requests seen", r.Errors, c.n)
	}
}

func TestPluginWithoutInterface(t *testing.T) {
	_, err := New(&schema.Supergraph{}, WithPlugins(namedOnly{}))
	if err == nil || !strings.Contains(err.Error(), `"nothing" implements no pipeline interface`) {
		t.Fatalf("err %v", err)
	}
}

type namedOnly struct{}

func (namedOnly) Name() string { return "nothing" }

type clientFunc func(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error)

func (f clientFunc) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	return f(ctx, req)
}

func TestMutationOverGETIs405WhateverTheSchema(t *testing.T) {
	gw, _ := startDemo(t)
	for _, q := range []string{`mutation { nope }`, `mutation M { nope }`, `query Q { me { id } } mutation M { nope }`} {
		name := ""
		if strings.Contains(q, "query Q") {
			name = "M"
		}
		r := gw.Serve(context.Background(), &Request{Query: q, OperationName: name, AllowedKinds: []ast.Operation{ast.Query}})
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, errors %v", q, r.Status, r.Errors)
		}
	}
	// A query that fails validation over GET is not a method problem.
	r := gw.Serve(context.Background(), &Request{Query: `{ nope }`, AllowedKinds: []ast.Operation{ast.Query}})
	if r.Status != 0 || len(r.Errors) == 0 {
		t.Errorf("invalid query: status %d, errors %v", r.Status, r.Errors)
	}
}
