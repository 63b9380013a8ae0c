package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// catalog is a subgraph whose name field is public when tagged is true.
func catalogSDL(nameTag string) string {
	return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
type Query { items: [Item!]! @tag(name: "public") secrets: [String] @tag(name: "internal") }
type Item @key(fields: "id") {
  id: ID! @tag(name: "public")
  name: String ` + nameTag + `
  cost: Int @tag(name: "internal")
}`
}

// catalogServer answers every query with one item.
func catalogServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"items":[{"id":"1","name":"Lamp","cost":9}]}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func contractRegistry(t *testing.T, dir string, gw *gateway.Gateway, u *Usage, configured ...schema.Contract) *Registry {
	t.Helper()
	st, err := OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts := []Option{WithContracts(configured)}
	if u != nil {
		opts = append(opts, WithUsage(u))
	}
	r := New(st, SchemaComposer{}, gw, opts...)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func serveIn(gw *gateway.Gateway, contract, q string, header ...string) *gateway.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return gw.Serve(gateway.WithContract(context.Background(), contract), &gateway.Request{Query: q, Header: h})
}

func mustOK(t *testing.T, what string) func(*Result, error) *Result {
	return func(res *Result, err error) *Result {
		t.Helper()
		if err != nil || !res.OK {
			t.Fatalf("%s: %v %+v", what, err, res)
		}
		return res
	}
}

func refusedWith(t *testing.T, what string, res *Result, err error, code string) {
	t.Helper()
	if err != nil || res.OK || len(res.Errors) == 0 || res.Errors[0].Code != code {
		t.Fatalf("%s: %v %+v, want refused with %s", what, err, res, code)
	}
}

func TestRegistryContracts(t *testing.T) {
	ctx := context.Background()
	url := catalogServer(t)
	dir := t.TempDir()
	u := NewUsage(nil, 0, 0)
	gw, err := gateway.New(nil, gateway.WithPlugins(u))
	if err != nil {
		t.Fatal(err)
	}
	partner := schema.Contract{Name: "partner", ContractFilter: schema.ContractFilter{Exclude: []string{"internal"}}}
	r := contractRegistry(t, dir, gw, u, partner)
	u.store = r.store

	// A contract set on the empty registry is stored and served once
	// something composes.
	mustOK(t, "setContract on an empty registry")(r.SetContract(ctx, "web", []string{"public"}, nil))
	res := mustOK(t, "register")(r.Register(ctx, "catalog", url, catalogSDL(`@tag(name: "public")`)))
	if got := serveIn(gw, "web", `{ items { name } }`); len(got.Errors) > 0 || string(got.Data) != `{"items":[{"name":"Lamp"}]}` {
		t.Fatalf("web contract: %s %v", got.Data, got.Errors)
	}
	for _, c := range []string{"web", "partner"} {
		got := serveIn(gw, c, `{ items { cost } }`)
		if len(got.Errors) == 0 || !strings.Contains(got.Errors[0].Message, `Cannot query field "cost"`) {
			t.Fatalf("%s sees cost: %s %v", c, got.Data, got.Errors)
		}
	}
	if v := res.Version; v == "" {
		t.Fatal("no version")
	}
	if infos := r.Contracts(); len(infos) != 2 || infos[0].Name != "partner" || infos[0].Source != "config" || infos[1].Source != "registry" {
		t.Fatalf("contracts: %+v", infos)
	}

	// A configured contract cannot be changed here; a bad or empty one is refused.
	res, err = r.SetContract(ctx, "partner", []string{"public"}, nil)
	refusedWith(t, "set a configured contract", res, err, CodeContractInConfig)
	res, err = r.SetContract(ctx, "tv", []string{"nothing-is-tagged-so"}, nil)
	refusedWith(t, "empty contract", res, err, CodeInvalidContract)
	if !strings.Contains(res.Errors[0].Message, "tv is empty") {
		t.Fatalf("empty contract message: %s", res.Errors[0].Message)
	}
	res, err = r.SetContract(ctx, "bad name", []string{"public"}, nil)
	refusedWith(t, "bad name", res, err, CodeInvalidContract)
	res, err = r.RemoveContract(ctx, "tv")
	refusedWith(t, "remove unknown", res, err, CodeContractNotFound)

	// A web client uses Item.name through the contract.
	if got := serveIn(gw, "web", `query Shelf { items { name } }`, "Apollographql-Client-Name", "web-app"); len(got.Errors) > 0 {
		t.Fatal(got.Errors)
	}
	if got := serveIn(gw, "", `query Admin { items { name } }`, "Apollographql-Client-Name", "admin"); len(got.Errors) > 0 {
		t.Fatal(got.Errors)
	}
	// Untagging name removes it from web only: a breaking change for the
	// web contract's client, not for the full graph's.
	chk, err := r.Check(ctx, "catalog", url, catalogSDL(""))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range chk.Changes {
		if c.Contract == "web" && c.Kind == "FIELD_REMOVED" && c.Coordinate == "Item.name" {
			found = true
			// The operations sent to web (the anonymous one above and
			// Shelf), not Admin, sent to the full graph.
			if c.Safe || len(c.Operations) != 2 || c.Operations[1].Client != "web-app" {
				t.Fatalf("web's breaking change: %+v", c)
			}
			for _, o := range c.Operations {
				if o.Contract != "web" || o.Client == "admin" {
					t.Fatalf("web's breaking change hits %+v", o)
				}
			}
		}
		if c.Contract == "" && c.Breaking {
			t.Fatalf("full graph breaking change: %+v", c)
		}
	}
	if !found || chk.OK {
		t.Fatalf("check: %+v", chk)
	}
	// A registration that leaves a contract empty is refused: the
	// previous supergraph keeps serving.
	before := gw.State().Supergraph.Version
	noPublic := strings.ReplaceAll(catalogSDL(""), `@tag(name: "public")`, "")
	res, err = r.Register(ctx, "catalog", url, noPublic)
	refusedWith(t, "registration emptying web", res, err, CodeInvalidContract)
	if !strings.Contains(res.Errors[0].Message, "web is empty") || gw.State().Supergraph.Version != before {
		t.Fatalf("refusal: %+v", res)
	}

	// Restart: the stored contract is served again.
	gw2, err := gateway.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	r2 := contractRegistry(t, dir, gw2, nil, partner)
	if got := serveIn(gw2, "web", `{ items { id } }`); len(got.Errors) > 0 {
		t.Fatalf("after restart: %v", got.Errors)
	}
	res = mustOK(t, "remove web")(r2.RemoveContract(ctx, "web"))
	if len(res.Changes) != 1 || res.Changes[0].Kind != ChangeContractRemoved || !res.Changes[0].Breaking {
		t.Fatalf("remove changes: %+v", res.Changes)
	}
	if got := serveIn(gw2, "web", `{ items { id } }`); len(got.Errors) == 0 || got.Errors[0].Extensions["code"] != gateway.CodeContractNotFound {
		t.Fatalf("removed contract still served: %v", got.Errors)
	}
	hist, err := r2.History(ctx, 1)
	if err != nil || hist[0].Action != "removeContract" || hist[0].Subgraph != "web" {
		t.Fatalf("history: %v %+v", err, hist)
	}
}

// sortSDL has an enum argument: its values are usage.
func sortSDL(values string) string {
	return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { items(sort: Sort, filter: Filter): [Item!]! }
enum Sort { ` + values + ` }
input Filter { min: Int max: Int }
type Item @key(fields: "id") { id: ID! name: String }`
}

// Enum values and input fields passed in variables, recorded through the
// gateway, decide which breaking changes hit which client.
func TestCheckInputUsageThroughGateway(t *testing.T) {
	ctx := context.Background()
	url := catalogServer(t)
	u := NewUsage(nil, 0, 0)
	gw, err := gateway.New(nil, gateway.WithPlugins(u))
	if err != nil {
		t.Fatal(err)
	}
	r := contractRegistry(t, t.TempDir(), gw, u)
	u.store = r.store
	mustOK(t, "register")(r.Register(ctx, "catalog", url, sortSDL("CHEAP FANCY NEW")))
	run := func(client string, vars map[string]any) {
		t.Helper()
		resp := gw.Serve(ctx, &gateway.Request{Query: `query Items($s: Sort, $f: Filter) { items(sort: $s, filter: $f) { id } }`,
			Variables: vars, Header: http.Header{"Apollographql-Client-Name": {client}}})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
	}
	run("shop", map[string]any{"s": "CHEAP", "f": map[string]any{"min": 1}})
	run("admin", map[string]any{"s": "NEW"})
	hitBy := func(sdl, coordinate string) []string {
		t.Helper()
		chk, err := r.Check(ctx, "catalog", url, sdl)
		if err != nil || len(chk.Errors) > 0 {
			t.Fatal(err, chk.Errors)
		}
		for _, c := range chk.Changes {
			if c.Coordinate == coordinate && c.Breaking {
				var out []string
				for _, o := range c.Operations {
					out = append(out, o.Client)
				}
				return out
			}
		}
		t.Fatalf("no breaking change at %s: %+v", coordinate, chk.Changes)
		return nil
	}
	if got := strings.Join(hitBy(sortSDL("FANCY NEW"), "Sort.CHEAP"), ","); got != "shop" {
		t.Errorf("removing CHEAP hits %q, want shop", got)
	}
	if got := hitBy(sortSDL("CHEAP NEW"), "Sort.FANCY"); len(got) != 0 {
		t.Errorf("removing FANCY (never passed) hits %v", got)
	}
	required := strings.Replace(sortSDL("CHEAP FANCY NEW"), "input Filter { min: Int max: Int }", "input Filter { min: Int max: Int tenant: String! }", 1)
	// Both operations declare a Filter variable (admin passed none this
	// time, but the operation may): both are reported, on the safe side.
	if got := strings.Join(hitBy(required, "Filter.tenant"), ","); got != "admin,shop" {
		t.Errorf("a new required input field hits %q, want admin,shop (the operations declaring a Filter)", got)
	}
}
