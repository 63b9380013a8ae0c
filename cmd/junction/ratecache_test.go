package main

import (
	"context"
	"encoding/json"
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
