package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestHeaderRules: rules from headers.rules and subgraphs.NAME.headers.rules
// shape what each subgraph receives, recorded by a proxy in front of it.
func TestHeaderRules(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	var mu sync.Mutex
	seen := map[string]http.Header{}
	urls := map[string]string{}
	for name, u := range demo.URLs {
		target, _ := url.Parse(u)
		rp := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[name] = r.Header.Clone()
			mu.Unlock()
			r.URL.Path = target.Path
			rp.ServeHTTP(w, r)
		}))
		defer srv.Close()
		urls[name] = srv.URL + target.Path
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(`
headers:
  rules:
    - propagate: {named: x-tenant, rename: x-org, default: none}
    - propagate: {matching: "^x-trace-.*"}
    - insert: {name: x-gateway, value: junction}
    - remove: {named: x-trace-secret}
subgraphs:
  reviews:
    headers:
      rules:
        - remove: {matching: "^x-org$"}
        - insert: {name: x-only-reviews, value: "1"}
`))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg, gatewayOptions(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))...)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("X-Tenant", "acme")
	h.Set("X-Trace-Id", "t1")
	h.Set("X-Trace-Secret", "s")
	h.Set("X-Other", "not forwarded")
	r := gw.Serve(ctx, &gateway.Request{Query: `{ topProducts(first: 1) { name reviews { body } } }`, Header: h})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	mu.Lock()
	prod, rev := seen["products"], seen["reviews"]
	mu.Unlock()
	if prod == nil || rev == nil {
		t.Fatalf("subgraphs not asked: %v", seen)
	}
	check := func(sub string, got http.Header, name, want string) {
		t.Helper()
		if v := got.Get(name); v != want {
			t.Errorf("%s: %s = %q, want %q", sub, name, v, want)
		}
	}
	for sub, got := range map[string]http.Header{"products": prod, "reviews": rev} {
		check(sub, got, "X-Trace-Id", "t1")
		check(sub, got, "X-Trace-Secret", "")
		check(sub, got, "X-Gateway", "junction")
		check(sub, got, "X-Tenant", "")
		check(sub, got, "X-Other", "")
		for k := range got {
			if len(k) > len("X-Junction-") && k[:len("X-Junction-")] == "X-Junction-" {
				t.Errorf("%s: internal header %s leaked", sub, k)
			}
		}
	}
	check("products", prod, "X-Org", "acme")
	check("products", prod, "X-Only-Reviews", "")
	check("reviews", rev, "X-Org", "")
	check("reviews", rev, "X-Only-Reviews", "1")

	// The default, when the client sends no x-tenant.
	r = gw.Serve(ctx, &gateway.Request{Query: `{ topProducts(first: 1) { name } }`})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	mu.Lock()
	check("products", seen["products"], "X-Org", "none")
	mu.Unlock()

	// A bad rule is a config error naming it.
	if _, err := config.Parse([]byte("headers: {rules: [{remove: {matching: \"(\"}}]}\n")); err == nil {
		t.Error("a bad pattern was accepted")
	}
	if _, err := config.Parse([]byte("headers: {rules: [{insert: {name: a, value: b}, remove: {named: c}}]}\n")); err == nil {
		t.Error("a rule with two actions was accepted")
	}
}
