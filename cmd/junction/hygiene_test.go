package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestHelp: each command's --help (and `junction help CMD`) prints its
// flags with their defaults and an example, on stdout, exit 0; a wrong
// flag lists the flags.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--help"}, []string{"usage: junction serve", "--supergraph", "--hot-reload", "(default 32)", "examples:", "junction serve --supergraph"}},
		{[]string{"dev", "-h"}, []string{"usage: junction dev", "--listen", "examples:"}},
		{[]string{"plan", "--help"}, []string{"usage: junction plan", "--query", "examples:"}},
		{[]string{"help", "serve"}, []string{"usage: junction serve", "--supergraph", "examples:"}},
		{[]string{"help"}, []string{"usage: junction <command>", "version"}},
		{[]string{"--help"}, []string{"usage: junction <command>"}},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errb); code != 0 {
			t.Errorf("%v: exit %d (stderr %q)", tc.args, code, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: stdout does not contain %q:\n%s", tc.args, w, out.String())
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--bogus"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "--supergraph") || !strings.Contains(errb.String(), "--listen") {
		t.Errorf("wrong flag: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve", "--inbound-dedupe=maybe"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "want true or false") || strings.Contains(errb.String(), "strconv") {
		t.Errorf("--inbound-dedupe=maybe: exit %d, stderr %q", code, errb.String())
	}
}

func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "junction ") {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
	version = "v9.9.9-test"
	defer func() { version = "" }()
	out.Reset()
	run(context.Background(), []string{"version"}, &out, &errb)
	if !strings.HasPrefix(out.String(), "junction v9.9.9-test") {
		t.Errorf("stamped version not printed: %q", out.String())
	}
}

// TestEnvWithoutConfig: JUNCTION_SUPERGRAPH and JUNCTION_LISTEN apply
// without --config (they were ignored without a config file).
func TestEnvWithoutConfig(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "from-env.graphql")
	t.Setenv("JUNCTION_SUPERGRAPH", missing)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "from-env.graphql") {
		t.Errorf("JUNCTION_SUPERGRAPH: exit %d, stderr %q", code, errb.String())
	}
	sg := filepath.Join(t.TempDir(), "sg.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(map[string]string{})), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUNCTION_SUPERGRAPH", sg)
	t.Setenv("JUNCTION_LISTEN", "not-an-address")
	errb.Reset()
	if code := run(context.Background(), []string{"serve"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "not-an-address") {
		t.Errorf("JUNCTION_LISTEN: exit %d, stderr %q", code, errb.String())
	}
}

// TestMisspelledSubgraph: a name under subgraphs: that the supergraph does
// not have is reported, with the nearest name.
func TestMisspelledSubgraph(t *testing.T) {
	dir := t.TempDir()
	sg := filepath.Join(dir, "sg.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(map[string]string{})), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "junction.yaml")
	if err := os.WriteFile(cfg, []byte("supergraph: "+sg+"\nsubgraphs:\n  prodcuts: {timeout: 5s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), `subgraphs.prodcuts`) || !strings.Contains(errb.String(), `did you mean "products"`) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestFetchFailureLogLine: a failed fetch logs one line with the subgraph,
// the cause and the request id.
func TestFetchFailureLogLine(t *testing.T) {
	var buf syncBuffer
	f := fetchFailureLogger(sloggerTo(&buf))
	f(context.Background(), "products", fmt.Errorf("wrapped: %w", syscall.ECONNREFUSED))
	line := buf.String()
	for _, w := range []string{"subgraph fetch failed", "subgraph=products", `cause="connection refused"`, "request_id="} {
		if !strings.Contains(line, w) {
			t.Errorf("log line %q lacks %q", line, w)
		}
	}
	if strings.Count(line, "\n") != 1 {
		t.Errorf("want one line, got %q", line)
	}
}

// TestReadyReflectsProbes: with health.probe_subgraphs, /ready is not ready
// while a subgraph fails its probe, and ready once it answers.
func TestReadyReflectsProbes(t *testing.T) {
	var up atomic.Bool
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"__typename":"Query"}}`)
	}))
	defer sub.Close()
	urls := map[string]string{}
	for _, n := range subgraphs.Names {
		urls[n] = sub.URL
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Health.ProbeSubgraphs = true
	cfg.Health.ProbeInterval = 50 * time.Millisecond
	var buf syncBuffer
	rt := newRuntime(cfg, gw, sloggerTo(&buf), gw.Ready)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt.probes.start(ctx)
	if err := rt.ready(); err == nil || !strings.Contains(err.Error(), "status 503") {
		t.Fatalf("ready with every subgraph answering 503: %v", err)
	}
	up.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for rt.ready() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("still not ready: %v", rt.ready())
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt.draining.Store(true)
	if rt.ready() == nil {
		t.Error("ready while draining")
	}
	// Without probes /ready does not look at subgraphs.
	if err := newRuntime(config.Default(), gw, sloggerTo(&buf), gw.Ready).ready(); err != nil {
		t.Errorf("without probes: %v", err)
	}
}

// TestHotReloadSeesQuickChanges: with file notifications, each of a series
// of changes 300 ms apart is loaded (a 1 s poll missed most of them).
func TestHotReloadSeesQuickChanges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "supergraph.graphql")
	write := func(i int) {
		t.Helper()
		sdl := subgraphs.Supergraph(map[string]string{"accounts": fmt.Sprintf("http://127.0.0.1:1/v%d", i)})
		// Written as deploys do: a new file renamed over the old one.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(sdl), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write(0)
	sg, _ := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{"accounts": "http://127.0.0.1:1/v0"}))
	gw, err := gateway.New(sg)
	if err != nil {
		t.Fatal(err)
	}
	var seen sync.Map
	var buf syncBuffer
	rl := &reloader{path: path, gw: gw, log: sloggerTo(&buf), reloaded: func() {
		for _, s := range gw.State().Supergraph.Subgraphs {
			if s.Name == "accounts" {
				seen.Store(s.URL, true)
			}
		}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rl.run(ctx, true)
	time.Sleep(100 * time.Millisecond) // the watch is set up
	for i := 1; i <= 5; i++ {
		write(i)
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	for i := 1; i <= 5; i++ {
		if _, ok := seen.Load(fmt.Sprintf("http://127.0.0.1:1/v%d", i)); !ok {
			t.Errorf("version %d was never served", i)
		}
	}
}
