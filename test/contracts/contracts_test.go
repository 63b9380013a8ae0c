package contracts

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/fedtest"
)

const productsSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Query {
  products: [Product!]! @tag(name: "public")
  adminStats: Stats @tag(name: "internal")
}

type Product @key(fields: "upc") {
  upc: ID! @tag(name: "public")
  name: String @tag(name: "public")
  cost: Int @tag(name: "internal")
}

type Stats @tag(name: "internal") {
  count: Int
}
`

const reviewsSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Product @key(fields: "upc") {
  upc: ID!
  reviews: [Review!]! @tag(name: "public")
}

type Review @tag(name: "public") {
  body: String!
  author: String @tag(name: "pii")
}
`

func start(t *testing.T) *fedtest.Gateway {
	t.Helper()
	var subs []*schema.SubgraphSchema
	for _, s := range []struct{ name, sdl string }{{"products", productsSDL}, {"reviews", reviewsSDL}} {
		p, err := schema.ParseSubgraph(s.name, "http://"+s.name+".invalid/graphql", s.sdl)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, p)
	}
	sg, err := schema.Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	products := &fedtest.Subgraph{Name: "products", Schema: productsSDL, Query: map[string]fedtest.Resolver{
		"products": func(map[string]any) (any, error) {
			return []any{map[string]any{"__typename": "Product", "upc": "1", "name": "Chair", "cost": 40}}, nil
		},
		"adminStats": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Stats", "count": 7}, nil
		},
	}}
	reviews := &fedtest.Subgraph{Name: "reviews", Schema: reviewsSDL, Entities: func(rep map[string]any) (any, error) {
		return map[string]any{"__typename": "Product", "upc": rep["upc"],
			"reviews": []any{map[string]any{"__typename": "Review", "body": "Sturdy", "author": "ann"}}}, nil
	}}
	return fedtest.Start(t, sg.SDL, []*fedtest.Subgraph{products, reviews}, gateway.WithContracts(
		schema.Contract{Name: "web", ContractFilter: schema.ContractFilter{Include: []string{"public"}, Exclude: []string{"pii"}}},
		schema.Contract{Name: "partner", ContractFilter: schema.ContractFilter{Exclude: []string{"internal"}}},
	))
}

func at(gw *fedtest.Gateway, path string) *fedtest.Gateway {
	cp := *gw
	cp.URL += path
	return &cp
}

func TestContractServedAtItsPath(t *testing.T) {
	gw := start(t)
	web := at(gw, "/web")
	// The full graph still answers everything.
	gw.Expect(`{ products { name cost reviews { author } } adminStats { count } }`, nil,
		`{"data":{"products":[{"name":"Chair","cost":40,"reviews":[{"author":"ann"}]}],"adminStats":{"count":7}}}`)
	// Inside the contract: planned across both subgraphs.
	web.Expect(`{ products { upc name reviews { body } } }`, nil,
		`{"data":{"products":[{"upc":"1","name":"Chair","reviews":[{"body":"Sturdy"}]}]}}`)
	// Outside it: unknown, as if the field did not exist.
	for _, q := range []struct{ query, msg string }{
		{`{ products { cost } }`, `Cannot query field \"cost\" on type \"Product\".`},
		{`{ adminStats { count } }`, `Cannot query field \"adminStats\" on type \"Query\".`},
		{`{ products { reviews { author } } }`, `Cannot query field \"author\" on type \"Review\".`},
	} {
		status, body := web.Query(q.query, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, q.msg) || !strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
			t.Errorf("%s: %d %s, want 422 with %s", q.query, status, body, q.msg)
		}
	}
	// The partner contract keeps what web leaves out, except internal.
	partner := at(gw, "/partner")
	partner.Expect(`{ products { name reviews { author } } }`, nil,
		`{"data":{"products":[{"name":"Chair","reviews":[{"author":"ann"}]}]}}`)
	if _, body := partner.Query(`{ products { cost } }`, nil); !strings.Contains(body, "Cannot query field") {
		t.Errorf("partner sees cost: %s", body)
	}
}

func TestContractChosenByHeader(t *testing.T) {
	gw := start(t)
	_, body := gw.Query(`{ products { cost } }`, nil, gateway.ContractHeader, "web")
	if !strings.Contains(body, `Cannot query field \"cost\"`) {
		t.Fatalf("header-chosen contract: %s", body)
	}
	_, body = gw.Query(`{ products { name } }`, nil, gateway.ContractHeader, "web")
	if body != `{"data":{"products":[{"name":"Chair"}]}}` {
		t.Fatalf("header-chosen contract: %s", body)
	}
	// The path wins over the header.
	if _, body := at(gw, "/partner").Query(`{ products { reviews { author } } }`, nil, gateway.ContractHeader, "web"); strings.Contains(body, "errors") {
		t.Fatalf("path and header: %s", body)
	}
}

func TestUnknownContract(t *testing.T) {
	gw := start(t)
	for _, get := range []func() (int, string){
		func() (int, string) { return at(gw, "/tv").Query(`{ products { name } }`, nil) },
		func() (int, string) { return gw.Query(`{ products { name } }`, nil, gateway.ContractHeader, "tv") },
	} {
		status, body := get()
		if status != http.StatusNotFound || !strings.Contains(body, gateway.CodeContractNotFound) ||
			!strings.Contains(body, `no contract named \"tv\" is served (contracts: partner, web)`) {
			t.Errorf("unknown contract: %d %s", status, body)
		}
	}
}

func TestContractIntrospection(t *testing.T) {
	gw := start(t)
	q := `{ __type(name: "Product") { fields { name } } stats: __type(name: "Stats") { name } }`
	gw.Expect(q, nil, `{"data":{"__type":{"fields":[{"name":"upc"},{"name":"name"},{"name":"cost"},{"name":"reviews"}]},"stats":{"name":"Stats"}}}`)
	at(gw, "/web").Expect(q, nil, `{"data":{"__type":{"fields":[{"name":"upc"},{"name":"name"},{"name":"reviews"}]},"stats":null}}`)
}

func TestContractPlayground(t *testing.T) {
	gw := start(t)
	req, _ := http.NewRequest(http.MethodGet, gw.URL+"/web", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-endpoint="/graphql/web"`) {
		t.Fatalf("playground: %d %s", resp.StatusCode, body)
	}
}
