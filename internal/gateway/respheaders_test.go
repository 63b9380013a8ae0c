package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

func TestMergeCacheControl(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"max-age=60, public"}, "max-age=60, public"},
		{[]string{"max-age=60, public", "max-age=30, public"}, "max-age=30, public"},    // min max-age
		{[]string{"max-age=60, public", "max-age=300, private"}, "max-age=60, private"}, // private wins
		{[]string{"max-age=60, public", "max-age=30"}, "max-age=30"},                    // public only when all are
		{[]string{"max-age=60, public", "no-store"}, "no-store"},                        // no-store wins
		{[]string{"max-age=60", "public"}, "no-store"},                                  // no freshness given
		{[]string{"max-age=0, public"}, "no-store"},
		{[]string{"max-age=60, s-maxage=120", "max-age=90, s-maxage=30"}, "max-age=60, s-maxage=30"},
		{[]string{"max-age=60, s-maxage=120", "max-age=90"}, "max-age=60"},
		{[]string{"s-maxage=50", "max-age=90, must-revalidate"}, "max-age=50, must-revalidate"},
		{[]string{"max-age=60, no-cache", "MAX-AGE=\"40\", Public"}, "max-age=40, no-cache"},
		{[]string{"max-age=bogus, public"}, "no-store"},
	} {
		if got := MergeCacheControl(tc.in...); got != tc.want {
			t.Errorf("MergeCacheControl(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// headerFronts puts a proxy in front of each demo subgraph that adds the
// given headers to its answers, and counts the requests each one serves.
func headerFronts(t *testing.T, demo *subgraphs.Demo, add map[string]http.Header) (urls map[string]string, count func(string) int) {
	t.Helper()
	var mu sync.Mutex
	n := map[string]int{}
	urls = map[string]string{}
	for name, u := range demo.URLs {
		target, _ := url.Parse(u)
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.ModifyResponse = func(r *http.Response) error {
			for k, vs := range add[name] {
				r.Header[k] = vs
			}
			return nil
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n[name]++
			mu.Unlock()
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		urls[name] = srv.URL + target.Path
	}
	return urls, func(name string) int { mu.Lock(); defer mu.Unlock(); return n[name] }
}

func TestResponseHeadersFromSubgraphs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	urls, _ := headerFronts(t, demo, map[string]http.Header{
		"accounts": {"Cache-Control": {"max-age=120, public"}, "X-Served-By": {"accounts"}, "Set-Cookie": {"a=1"}, "X-Secret": {"s"}},
		"reviews":  {"Cache-Control": {"max-age=30, private"}, "X-Served-By": {"reviews"}, "Set-Cookie": {"r=1"}},
		"products": {"Cache-Control": {"max-age=60, public"}, "X-Served-By": {"products"}},
	})
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	const query = `{ me { name reviews { body product { name } } } }` // accounts, reviews, products
	for _, tc := range []struct {
		name   string
		policy *ResponseHeaderPolicy
		want   http.Header
	}{
		{"not configured", nil, http.Header{}},
		{"cache-control and a named header", &ResponseHeaderPolicy{All: ResponseHeaderRules{CacheControl: true, Propagate: []string{"x-served-by"}}},
			http.Header{"Cache-Control": {"max-age=30, private"}, "X-Served-By": {"accounts", "products", "reviews"}}},
		{"set-cookie only for accounts", &ResponseHeaderPolicy{Per: map[string]ResponseHeaderRules{"accounts": {SetCookie: true}}},
			http.Header{"Set-Cookie": {"a=1"}}},
		{"set-cookie for all", &ResponseHeaderPolicy{All: ResponseHeaderRules{SetCookie: true}},
			http.Header{"Set-Cookie": {"a=1", "r=1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []Option
			if tc.policy != nil {
				opts = append(opts, WithResponseHeaders(*tc.policy))
			}
			gw, err := New(sg, opts...)
			if err != nil {
				t.Fatal(err)
			}
			r := gw.Serve(ctx, &Request{Query: query})
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %v", r.Errors)
			}
			got := r.Header
			if got == nil {
				got = http.Header{}
			}
			if len(got) != len(tc.want) {
				t.Errorf("headers %v, want %v", got, tc.want)
			}
			for k, vs := range tc.want {
				if !slices.Equal(got[k], vs) {
					t.Errorf("%s: %q, want %q", k, got[k], vs)
				}
			}
		})
	}
}

// TestResponseHeadersShared: requests sharing one execution (inbound
// deduplication) each get the headers, and the shared response is never
// changed by a stage that adds its own.
func TestResponseHeadersShared(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	urls, count := headerFronts(t, demo, map[string]http.Header{
		"accounts":  {"Cache-Control": {"max-age=120, public"}},
		"reviews":   {"Cache-Control": {"max-age=30, public"}},
		"products":  {"Cache-Control": {"max-age=60, public"}},
		"inventory": {"Cache-Control": {"max-age=90, public"}},
	})
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg, WithResponseHeaders(ResponseHeaderPolicy{All: ResponseHeaderRules{CacheControl: true}}))
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	got := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := gw.Serve(ctx, &Request{Query: subgraphs.BenchmarkQuery})
			got[i] = r.Header.Get("Cache-Control")
		}()
	}
	wg.Wait()
	for i, v := range got {
		if v != "max-age=30, public" {
			t.Errorf("request %d: Cache-Control %q", i, v)
		}
	}
	if count("accounts") == 0 {
		t.Fatal("no request reached accounts")
	}
	// A mutation is never cacheable, whatever the subgraphs say.
	r := gw.Serve(ctx, &Request{Query: `mutation { __typename }`})
	if v := r.Header.Get("Cache-Control"); v != "" && v != "no-store" {
		t.Errorf("mutation: Cache-Control %q", v)
	}
}
