package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/persisted"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestPersistedManifestHotReload: persisted_documents reaches the gateway;
// with hot reload on, a change of the manifest alone (the supergraph
// unchanged) is picked up; a bad manifest refuses to start, naming the
// file and the entry.
func TestPersistedManifestHotReload(t *testing.T) {
	dir := t.TempDir()
	sgPath, manifest := filepath.Join(dir, "supergraph.graphql"), filepath.Join(dir, "manifest.json")
	sdl := subgraphs.Supergraph(nil)
	if err := os.WriteFile(sgPath, []byte(sdl), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(ops ...string) { // id, body pairs; renamed over the old file as deploys do
		t.Helper()
		var list []map[string]string
		for i := 0; i+1 < len(ops); i += 2 {
			list = append(list, map[string]string{"id": ops[i], "body": ops[i+1]})
		}
		b, _ := json.Marshal(map[string]any{"format": persisted.Format, "version": 1, "operations": list})
		if err := os.WriteFile(manifest+".tmp", b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(manifest+".tmp", manifest); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "{ __typename }")
	cfg, err := config.Parse([]byte("persisted_documents:\n  manifest: " + manifest + "\n  require: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf syncBuffer
	ps, err := requestPlugins(cfg, sloggerTo(&buf))
	if err != nil || len(ps) != 1 {
		t.Fatalf("plugins %v, %v", ps, err)
	}
	sg, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg, gateway.WithPlugins(ps...))
	if err != nil {
		t.Fatal(err)
	}
	code := func(id string) any {
		r := gw.Serve(context.Background(), &gateway.Request{DocumentID: id})
		if len(r.Errors) == 0 {
			return string(r.Data)
		}
		return r.Errors[0].Extensions["code"]
	}
	if got := code("a"); got != `{"__typename":"Query"}` {
		t.Fatalf("a: %v", got)
	}
	rl := &reloader{path: sgPath, gw: gw, log: sloggerTo(&buf), last: []byte(sdl), also: reloadedFiles(cfg)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rl.run(ctx, true)
	// Rewrite until the watcher (set up asynchronously) sees a change.
	deadline := time.Now().Add(30 * time.Second)
	for code("b") != `{"__typename":"Query"}` {
		if time.Now().After(deadline) {
			t.Fatalf("the new manifest was never served; log:\n%s", buf.String())
		}
		write("b", "{ __typename }")
		time.Sleep(200 * time.Millisecond)
	}
	if got := code("a"); got != persisted.CodeNotFound {
		t.Errorf("a after the reload: %v", got)
	}

	write("b", "{ __typename }", "c", "{ nope")
	bad, err := config.Parse([]byte("persisted_documents:\n  manifest: " + manifest + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = requestPlugins(bad, sloggerTo(&buf))
	if err == nil || !strings.Contains(err.Error(), manifest+`: operations[1] (id "c"): body does not parse`) {
		t.Errorf("bad manifest: %v", err)
	}
	if _, err := config.Parse([]byte("persisted_documents:\n  require: true\n")); err == nil ||
		!strings.Contains(err.Error(), "persisted_documents.manifest: required with require or log_unknown") {
		t.Errorf("require without a manifest: %v", err)
	}
}
