package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Contracts through `junction serve --registry` over HTTP: one configured,
// one set through the registry API, each served at its own path over the
// demo subgraphs with real composition.
func TestServeRegistryContracts(t *testing.T) {
	const token = "contract-token"
	yaml := fmt.Sprintf("registry:\n  token: %s\n  dir: %s\ncontracts:\n  partner:\n    exclude: [internal]\n", token, t.TempDir())
	p := serveInProcess(t, yaml, "--registry")
	demo, sdls := demoSDLs(t)
	tagged := strings.Replace(sdls["products"], `import: ["@key", "@composeDirective"]`, `import: ["@key", "@composeDirective", "@tag"]`, 1)
	tagged = strings.Replace(tagged, "  name: String\n", "  name: String @tag(name: \"internal\")\n", 1)
	if tagged == sdls["products"] || !strings.Contains(tagged, `@tag(name: "internal")`) {
		t.Fatal("the demo products schema changed: update this test")
	}
	sdls["products"] = tagged
	registerDemo(t, p, token, demo, sdls)

	reg := "http://" + p.addr + "/registry/graphql"
	const set = `mutation($n: String!, $e: [String!]) { setContract(name: $n, exclude: $e) { ok version errors { code message } changes { kind coordinate contract } } }`
	a := post(t, reg, token, set, map[string]any{"n": "web", "e": []string{"internal"}})
	if len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"ok":true`) || !strings.Contains(string(a.Data), `"kind":"CONTRACT_ADDED","coordinate":"web","contract":"web"`) {
		t.Fatalf("setContract: %s %+v", a.Data, a.Errors)
	}
	a = post(t, reg, token, set, map[string]any{"n": "partner", "e": []string{"beta"}})
	if !strings.Contains(string(a.Data), `"code":"CONTRACT_IN_CONFIG"`) {
		t.Fatalf("setContract of a configured contract: %s %+v", a.Data, a.Errors)
	}
	a = post(t, reg, "", set, map[string]any{"n": "tv", "e": []string{"internal"}})
	if a.status != 401 {
		t.Fatalf("setContract without the token: %d %s", a.status, a.Data)
	}

	for _, c := range []string{"web", "partner"} {
		url := "http://" + p.addr + "/graphql/" + c
		if a := post(t, url, "", `{ topProducts(first: 1) { name } }`, nil); a.code() != "GRAPHQL_VALIDATION_FAILED" ||
			!strings.Contains(a.Errors[0].Message, `Cannot query field "name" on type "Product"`) {
			t.Fatalf("%s: name is visible: %d %s %+v", c, a.status, a.Data, a.Errors)
		}
		a := post(t, url, "", topProducts, nil)
		if a.status != 200 || len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"username":"@ada"`) {
			t.Fatalf("%s: %d %s %+v", c, a.status, a.Data, a.Errors)
		}
	}
	if a := post(t, "http://"+p.addr+"/graphql", "", `{ topProducts(first: 1) { name } }`, nil); len(a.Errors) > 0 {
		t.Fatalf("full graph: %+v", a.Errors)
	}

	a = post(t, reg, token, `{ contracts { name exclude source apiSchema } }`, nil)
	var got struct {
		Contracts []struct {
			Name, Source string
			Exclude      []string
			APISchema    *string
		}
	}
	if err := json.Unmarshal(a.Data, &got); err != nil || len(got.Contracts) != 2 {
		t.Fatalf("contracts: %v %s", err, a.Data)
	}
	if got.Contracts[0].Name != "partner" || got.Contracts[0].Source != "config" || got.Contracts[1].Name != "web" ||
		got.Contracts[1].Source != "registry" || got.Contracts[1].APISchema == nil ||
		!strings.Contains(*got.Contracts[1].APISchema, "type Product {\n  upc: String!\n  price: Int\n") {
		t.Fatalf("contracts: %s", a.Data)
	}

	// Untagging name adds it to both contracts: the changes say so per contract.
	res := register(t, p, token, "products", demo.URLs["products"], strings.Replace(tagged, ` @tag(name: "internal")`, "", 1))
	if !res.RegisterSubgraph.OK {
		t.Fatalf("untag: %+v", res)
	}
	var perContract []string
	for _, c := range res.RegisterSubgraph.Changes {
		perContract = append(perContract, c.Kind+" "+c.Coordinate)
	}
	if got := strings.Join(perContract, ", "); got != "FIELD_ADDED Product.name, FIELD_ADDED Product.name" {
		t.Fatalf("changes: %s", got)
	}
	if a := post(t, "http://"+p.addr+"/graphql/web", "", `{ topProducts(first: 1) { name } }`, nil); len(a.Errors) > 0 {
		t.Fatalf("web after untagging: %+v", a.Errors)
	}
}
