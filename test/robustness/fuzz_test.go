package robustness

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// cannedClient answers subgraph requests in-process with cannedAnswer, so
// that a fuzz iteration costs no network round trip.
type cannedClient struct{}

func (cannedClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	var r subgraphRequest
	dec := json.NewDecoder(bytes.NewReader(req.Body))
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	return []byte(cannedAnswer(req.Service)(r)), nil
}

// fuzzSeeds are valid operations over the demo supergraph, with variables.
var fuzzSeeds = [][2]string{
	{`{ me { id name username } }`, ``},
	{`{ topProducts { upc name price inStock shippingEstimate } }`, ``},
	{`query($n: Int) { topProducts(first: $n) { name reviews { body author { name } } } }`, `{"n":2}`},
	{`query U($id: ID!) { user(id: $id) { name reviews { product { name inStock } } } }`, `{"id":"1"}`},
	{`{ me { ...F reviews { ...R } } } fragment F on User { id name } fragment R on Review { id body }`, ``},
	{`query($s: Boolean!) { me { name @skip(if: $s) username @include(if: $s) } }`, `{"s":true}`},
	{`{ __typename me { __typename a: name b: username } }`, ``},
	{`{ __schema { queryType { name } types { name kind fields { name type { name ofType { name } } } } } }`, ``},
	{`{ __type(name: "Product") { name fields { name args { name defaultValue } } } }`, ``},
	{`query A { me { name } } query B { topProducts { name } }`, ``},
	{`{ users { id ... on User { name } reviews { product { upc price weight shippingEstimate } } } }`, ``},
	{`{ topProducts { upc upc2: upc name @include(if: true) ... @skip(if: false) { price } } }`, ``},
}

// FuzzPipeline sends arbitrary documents and variables through the whole
// pipeline (HTTP server, gateway, planner, executor) against the demo
// supergraph with canned subgraph answers. Whatever the input: no panic
// (the server would turn one into a 500 with INTERNAL_SERVER_ERROR), the
// body is one JSON object, and data is absent only with errors.
func FuzzPipeline(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1])
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		f.Fatal(err)
	}
	gw, err := gateway.New(sg, gateway.WithClient(cannedClient{}), gateway.WithInboundDedupe(false),
		gateway.WithSubgraphDedupe(false), gateway.WithDocumentCacheSize(16))
	if err != nil {
		f.Fatal(err)
	}
	srv := server.New(gw)
	f.Fuzz(func(t *testing.T, query, vars string) {
		body := map[string]json.RawMessage{}
		q, _ := json.Marshal(query)
		body["query"] = q
		if json.Valid([]byte(vars)) {
			body["variables"] = json.RawMessage(vars)
		}
		raw, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		checkResponse(t, rec.Code, rec.Body.Bytes())
	})
}

func checkResponse(t *testing.T, status int, body []byte) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("status %d: %s", status, body)
	}
	var resp struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, body)
	}
	if dec.More() {
		t.Fatalf("trailing data after the response: %s", body)
	}
	if resp.Data == nil && len(resp.Errors) == 0 {
		t.Fatalf("no data and no errors: %s", body)
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] == "INTERNAL_SERVER_ERROR" || strings.Contains(e.Message, "internal error") {
			t.Fatalf("internal error: %s", body)
		}
		// Errors of the gateway's own carry a code; a subgraph's error is
		// passed on as it came, with serviceName.
		if e.Extensions["code"] == nil && e.Extensions["serviceName"] == nil {
			t.Errorf("error without extensions.code: %s", body)
		}
	}
}

// fuzzClient answers one subgraph with a fuzzed body and the others with
// their canned answers.
type fuzzClient struct {
	service string
	body    []byte
}

func (c fuzzClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	if req.Service == c.service {
		return c.body, nil
	}
	return cannedClient{}.Do(ctx, req)
}

// FuzzSubgraphAnswers sends fixed queries while one subgraph (a root fetch
// or an _entities fetch, chosen by the input) answers arbitrary bytes. The
// response obeys the same rules as in FuzzPipeline, and the fields of the
// other subgraphs are never lost.
func FuzzSubgraphAnswers(f *testing.F) {
	for _, s := range []string{
		`{"data":{"_entities":[{"__typename":"Product","inStock":true,"shippingEstimate":1},{"__typename":"Product","inStock":false,"shippingEstimate":2}]}}`,
		`{"data":{"me":{"__typename":"User","id":"1","name":"Ada","username":"ada"}}}`,
		`{"data":{"topProducts":[{"__typename":"Product","upc":"1","name":"T","price":1,"weight":2}]}}`,
		`{"data":null,"errors":[{"message":"x","path":["_entities",0,"inStock"],"extensions":{"code":"E"}}]}`,
		`{"data":{"_entities":[null,{"__typename":"Product","inStock":"no"}]}}`,
		`{"errors":[{"message":"boom"}]}`,
	} {
		for svc := byte(0); svc < 3; svc++ {
			f.Add(svc, s)
		}
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		f.Fatal(err)
	}
	services := []string{"inventory", "accounts", "products"}
	const query = `{ me { name username } topProducts { name inStock shippingEstimate } }`
	reqBody, _ := json.Marshal(map[string]string{"query": query})
	f.Fuzz(func(t *testing.T, svc byte, answer string) {
		service := services[int(svc)%len(services)]
		gw, err := gateway.New(sg, gateway.WithClient(fuzzClient{service: service, body: []byte(answer)}),
			gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false), gateway.WithDocumentCacheSize(1))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(reqBody))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		server.New(gw).ServeHTTP(rec, req)
		checkResponse(t, rec.Code, rec.Body.Bytes())
		// accounts' fields survive whatever inventory or products answer.
		if service != "accounts" && !bytes.Contains(rec.Body.Bytes(), []byte(`"me":{"name":"Ada","username":"ada"}`)) {
			t.Fatalf("accounts' data lost: %s", rec.Body.Bytes())
		}
		// products' fields survive whatever inventory answers (its fields
		// are nullable: nothing propagates).
		if service == "inventory" && !bytes.Contains(rec.Body.Bytes(), []byte(`"topProducts":[{"name":"Table",`)) {
			t.Fatalf("products' data lost: %s", rec.Body.Bytes())
		}
	})
}
