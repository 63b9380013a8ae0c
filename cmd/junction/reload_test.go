package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// TestServeReloadsSupergraph: a changed file is picked up with
// --hot-reload, a broken one is refused (SIGHUP forces a reload) and the
// last good supergraph keeps serving.
func TestServeReloadsSupergraph(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "supergraph.graphql")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Two accounts subgraphs that answer their own name: which one the
	// gateway asks shows which supergraph it serves.
	accounts := map[string]string{}
	for _, name := range []string{"first", "second"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"data":{"me":{"id":"1","name":%q}}}`, name)
		}))
		t.Cleanup(srv.Close)
		accounts[name] = srv.URL
	}
	first := subgraphs.Supergraph(map[string]string{"accounts": accounts["first"]})
	write(first)
	addr := freeAddr(t)
	cmd, lines := start(t, "serve", "--supergraph", path, "--listen", addr, "--hot-reload")
	select {
	case <-lines.ready:
	case <-time.After(30 * time.Second):
		t.Fatal("serve never became ready")
	}
	accountsURL := func() string {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json",
			strings.NewReader(`{"query":"{ me { id name } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			Data struct{ Me struct{ Name string } }
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		return accounts[got.Data.Me.Name]
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for accountsURL() != want {
			if time.Now().After(deadline) {
				t.Fatalf("accounts URL %q, want %q", accountsURL(), want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor(accounts["first"])

	write(subgraphs.Supergraph(map[string]string{"accounts": accounts["second"]}))
	waitFor(accounts["second"])

	write("type Query { broken")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !lines.contains("supergraph reload refused") {
		if time.Now().After(deadline) {
			t.Fatal("broken supergraph was not reported")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := accountsURL(); got != accounts["second"] {
		t.Errorf("after a broken reload the gateway serves %q", got)
	}
}
