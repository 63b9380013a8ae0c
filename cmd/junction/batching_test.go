package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// TestServeBatching runs `junction serve` on the demo subgraphs with
// batching on: a batch of two queries is answered as the two single
// requests are, in order, and a batch past max_size is refused.
func TestServeBatching(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
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
	if err := os.WriteFile(cfgPath, []byte("supergraph: "+sgPath+"\nbatching: {enabled: true, max_size: 2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	_, lines := start(t, "serve", "--config", cfgPath, "--listen", addr)
	select {
	case <-lines.ready:
	case <-time.After(60 * time.Second):
		t.Fatal("serve never became ready")
	}
	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	q1 := `{"query":"{ topProducts(first: 2) { upc name reviews { id author { username } } } }"}`
	q2 := `{"query":"query($n: Int) { topProducts(first: $n) { upc } } ","variables":{"n":1}}`
	_, a1 := post(q1)
	_, a2 := post(q2)
	status, got := post("[" + q1 + "," + q2 + "]")
	if status != 200 {
		t.Fatalf("status %d: %s", status, got)
	}
	if want := "[" + a1 + "," + a2 + "]"; got != want {
		t.Errorf("batch\n got %s\nwant %s", got, want)
	}
	var arr []map[string]any
	if err := json.Unmarshal([]byte(got), &arr); err != nil || len(arr) != 2 || arr[0]["data"] == nil || arr[1]["data"] == nil {
		t.Errorf("want two answers with data: %s", got)
	}
	if status, got := post("[" + q1 + "," + q1 + "," + q2 + "]"); status != 422 || !strings.Contains(got, "BATCH_LIMIT_EXCEEDED") {
		t.Errorf("over max_size: %d %s", status, got)
	}
}
