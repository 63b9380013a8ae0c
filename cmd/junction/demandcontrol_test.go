package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/cost"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestDemandControlOverDemo: the demand_control section reaches the
// gateway serve and dev build; over HTTP with the demo subgraphs, an
// operation over budget is refused before any subgraph is asked, one
// within budget answers with its estimated and actual cost.
func TestDemandControlOverDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	off, err := demandControlPlugins(config.Default(), log)
	if err != nil || off != nil {
		t.Fatalf("not configured: %v %v", off, err)
	}
	cfg, err := config.Parse([]byte("demand_control:\n  enabled: true\n  max_cost: 100\n"))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := demandControlPlugins(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg, append(gatewayOptions(cfg, log), gateway.WithPlugins(ps...))...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(gw))
	defer srv.Close()
	ask := func(query string) (int, map[string]any) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(cost.Header, "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, out
	}
	before := demo.Servers["products"].Requests()
	// No @listSize in the demo: lists are 10 (list_size's default).
	// topProducts 10 × (1 + reviews 10 × 1) = 110 > 100.
	status, out := ask(`{ topProducts { name reviews { body } } }`)
	errs, _ := out["errors"].([]any)
	if status != http.StatusUnprocessableEntity || len(errs) != 1 || out["data"] != nil {
		t.Fatalf("over budget: %d %v", status, out)
	}
	e := errs[0].(map[string]any)
	if e["message"] != "The estimated cost of this operation, 110, is over the budget of 100 (demand_control.max_cost)." ||
		e["extensions"].(map[string]any)["code"] != cost.CodeEstimated {
		t.Errorf("error %v", e)
	}
	if n := demo.Servers["products"].Requests(); n != before {
		t.Errorf("products was asked %d times for a refused operation", n-before)
	}
	// topProducts(first: 2) { name }: 10 × 1 estimated; 2 returned.
	status, out = ask(`{ topProducts(first: 2) { name } }`)
	got, _ := json.Marshal(out["extensions"])
	if status != http.StatusOK || out["errors"] != nil || string(got) != `{"cost":{"actual":2,"estimated":10,"max":100,"result":"COST_OK"}}` {
		t.Errorf("within budget: %d %v %s", status, out, got)
	}
}
