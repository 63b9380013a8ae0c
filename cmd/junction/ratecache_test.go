package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/redistest"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestTwoServeProcessesShareOneLimit runs two `junction serve` processes
// on one redis-server: under concurrent requests split between them, a
// limit of 3 allows exactly 3.
func TestTwoServeProcessesShareOneLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	srv := redistest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	dir := t.TempDir()
	sgPath := filepath.Join(dir, "supergraph.graphql")
	if err := os.WriteFile(sgPath, []byte(subgraphs.Supergraph(demo.URLs)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "junction.yaml")
	cfg := "supergraph: " + sgPath + "\nredis: {url: \"" + srv.URL() + "\"}\nrate_limits: {fail: closed}\nheaders: {propagate: [x-user-id]}\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var addrs [2]string
	for i := range addrs {
		addrs[i] = freeAddr(t)
		_, lines := start(t, "serve", "--config", cfgPath, "--listen", addrs[i])
		select {
		case <-lines.ready:
		case <-time.After(60 * time.Second):
			t.Fatal("serve never became ready")
		}
	}
	post := func(addr string) (int, string, string) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/graphql",
			strings.NewReader(`{"query":"mutation { addReview(upc: \"1\", body: \"hi\") { body } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer alice")
		req.Header.Set("X-User-Id", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, "", ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}
	const n = 16
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, retry, body := post(addrs[i%2])
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			switch code {
			case 200:
				if !strings.Contains(body, `"addReview":{"body":"hi"}`) {
					t.Errorf("allowed answer %s", body)
				}
			case 429:
				var r struct {
					Errors []struct{ Extensions map[string]any }
				}
				_ = json.Unmarshal([]byte(body), &r)
				if retry == "" || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" {
					t.Errorf("429 without Retry-After or RATE_LIMITED: %q %s", retry, body)
				}
			default:
				t.Errorf("status %d: %s", code, body)
			}
		}()
	}
	wg.Wait()
	if codes[200] != 3 || codes[429] != n-3 {
		t.Fatalf("statuses %v: want 3 × 200 and %d × 429", codes, n-3)
	}
	if got := demo.Servers["reviews"].Requests(); got != 3 {
		t.Fatalf("reviews received %d mutations, want 3", got)
	}
	// Redis is required (fail: closed): /ready follows it.
	ready := func() int {
		resp, err := http.Get("http://" + addrs[0] + "/ready")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := ready(); c != 200 {
		t.Fatalf("/ready %d with Redis up", c)
	}
	srv.Kill()
	if c := ready(); c != 503 {
		t.Fatalf("/ready %d with Redis down and rate_limits.fail: closed", c)
	}
}

// Issue 11: the registry's purgeCache mutation runs the invalidate
// endpoint's purge: a cached answer is served without a subgraph request,
// the mutation (with the registry token) drops it, the next request
// reaches the subgraph again.
func TestPurgeCacheMutation(t *testing.T) {
	const token = "purge-token"
	yaml := fmt.Sprintf("registry:\n  token: %s\n  dir: %s\ncache: {}\n", token, t.TempDir())
	p := serveInProcess(t, yaml, "--registry")
	demo, sdls := demoSDLs(t)
	registerDemo(t, p, token, demo, sdls)
	products := demo.Servers["products"]
	const q = `{ topProducts(first: 2) { upc name } }`
	ask := func() int64 {
		t.Helper()
		before := products.Requests()
		a := post(t, "http://"+p.addr+"/graphql", "", q, nil)
		if a.status != 200 || len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"upc":"1"`) {
			t.Fatalf("query: %d %s %+v", a.status, a.Data, a.Errors)
		}
		return products.Requests() - before
	}
	if n := ask(); n != 1 {
		t.Fatalf("first query: %d products requests, want 1 (a miss)", n)
	}
	if n := ask(); n != 0 {
		t.Fatalf("second query: %d products requests, want 0 (a hit)", n)
	}
	reg := "http://" + p.addr + "/registry/graphql"
	const purge = `mutation($t: String, $k: String, $a: Boolean) { purgeCache(type: $t, key: $k, all: $a) { purged } }`
	// Without the token: refused, nothing purged.
	if a := post(t, reg, "", purge, map[string]any{"t": "Product"}); a.status != http.StatusUnauthorized || a.code() != "UNAUTHENTICATED" {
		t.Fatalf("purge without the token: %d %+v", a.status, a.Errors)
	}
	if n := ask(); n != 0 {
		t.Fatalf("after a refused purge: %d products requests, want 0 (still a hit)", n)
	}
	// Bad arguments: a clear error.
	for _, vars := range []map[string]any{{}, {"k": `{"upc":"1"}`}, {"t": "Product", "k": "not json"}, {"a": true, "t": "Product"}} {
		if a := post(t, reg, token, purge, vars); a.code() != "BAD_USER_INPUT" {
			t.Fatalf("purge %v: %+v", vars, a.Errors)
		}
	}
	a := post(t, reg, token, purge, map[string]any{"t": "Product"})
	var got struct{ PurgeCache struct{ Purged int } }
	if err := json.Unmarshal(a.Data, &got); err != nil || len(a.Errors) > 0 || got.PurgeCache.Purged < 1 {
		t.Fatalf("purge Product: %v %s %+v", err, a.Data, a.Errors)
	}
	if n := ask(); n != 1 {
		t.Fatalf("after the purge: %d products requests, want 1 (a miss)", n)
	}
	if n := ask(); n != 0 {
		t.Fatalf("cached again: %d products requests, want 0", n)
	}
	a = post(t, reg, token, purge, map[string]any{"a": true})
	if err := json.Unmarshal(a.Data, &got); err != nil || len(a.Errors) > 0 || got.PurgeCache.Purged < 1 {
		t.Fatalf("purge all: %v %s %+v", err, a.Data, a.Errors)
	}
	if n := ask(); n != 1 {
		t.Fatalf("after purging all: %d products requests, want 1", n)
	}
}

// Without cache: purgeCache answers a clear error.
func TestPurgeCacheWithoutCache(t *testing.T) {
	const token = "purge-token"
	p := serveInProcess(t, fmt.Sprintf("registry:\n  token: %s\n  dir: %s\n", token, t.TempDir()), "--registry")
	a := post(t, "http://"+p.addr+"/registry/graphql", token, `mutation { purgeCache(all: true) { purged } }`, nil)
	if a.code() != "CACHE_NOT_CONFIGURED" {
		t.Fatalf("purge without cache: %d %+v", a.status, a.Errors)
	}
}
