package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// demoConfig writes a rover config over the demo subgraphs' SDL files.
func demoConfig(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("federation_version: =2.3.2\nsubgraphs:\n")
	for _, n := range subgraphs.Names {
		abs, err := filepath.Abs(filepath.Join("../../subgraphs", n, "schema.graphqls"))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		// relative paths resolve against the config's directory
		if err := os.WriteFile(filepath.Join(dir, n+".graphql"), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  %s:\n    routing_url: http://127.0.0.1:1/%s\n    schema:\n      file: ./%s.graphql\n", n, n, n)
	}
	p := filepath.Join(dir, "supergraph.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestComposeCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := demoConfig(t, dir)
	out := filepath.Join(dir, "out.graphql")
	code, stdout, stderr := runCLI("compose", "--config", cfg, "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout with --output: %q", stdout)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if sg.Subgraph("reviews").URL != "http://127.0.0.1:1/reviews" {
		t.Errorf("routing_url not used: %+v", sg.Subgraph("reviews"))
	}
	// Without --output the supergraph goes to stdout, identical.
	code, stdout, _ = runCLI("compose", "--config", cfg)
	if code != 0 || stdout != string(raw) {
		t.Errorf("stdout differs from --output (exit %d)", code)
	}

	// A broken subgraph: errors on stderr, exit 1, nothing written.
	if err := os.WriteFile(filepath.Join(dir, "inventory.graphql"), []byte(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "upc") { upc: String! name: Int }`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI("compose", "--config", cfg)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d stdout %q", code, stdout)
	}
	for _, want := range []string{"error[FIELD_TYPE_MISMATCH] Product.name [inventory, products]", "error[INVALID_FIELD_SHARING] Product.name", "composition failed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, _, stderr = runCLI("check", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "FIELD_TYPE_MISMATCH") {
		t.Errorf("check: exit %d: %s", code, stderr)
	}
}

func TestCheckAgainst(t *testing.T) {
	dir := t.TempDir()
	cfg := demoConfig(t, dir)
	old := filepath.Join(dir, "old.graphql")
	if code, _, stderr := runCLI("compose", "--config", cfg, "--output", old); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI("check", "--config", cfg, "--against", old)
	if code != 0 || !strings.Contains(stdout, "composition: ok (4 subgraphs)") || !strings.Contains(stdout, "0 breaking") {
		t.Fatalf("unchanged: exit %d\n%s%s", code, stdout, stderr)
	}
	// accounts drops User.birthday, adds User.nickname and makes user(id:)
	// take a required argument.
	acc := filepath.Join(dir, "accounts.graphql")
	raw, err := os.ReadFile(acc)
	if err != nil {
		t.Fatal(err)
	}
	sdl := strings.Replace(string(raw), "  birthday: Int\n", "  nickname: String\n", 1)
	sdl = strings.Replace(sdl, "user(id: ID!): User", "user(id: ID!, org: String!): User", 1)
	if sdl == string(raw) {
		t.Fatal("the demo accounts schema changed: update this test")
	}
	if err := os.WriteFile(acc, []byte(sdl), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI("check", "--config", cfg, "--against", old)
	if code != 1 {
		t.Fatalf("breaking change: exit %d\n%s", code, stdout)
	}
	for _, want := range []string{"BREAKING FIELD_REMOVED User.birthday", "BREAKING ARG_ADDED Query.user(org:)", "safe     FIELD_ADDED User.nickname", "(2 breaking)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "2 breaking change(s)") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestComposeFromSubgraphURLs asks the running demo subgraphs for their
// _service { sdl } and composes the same supergraph as from the files.
func TestComposeFromSubgraphURLs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("subgraphs:\n")
	for _, n := range subgraphs.Names {
		fmt.Fprintf(&b, "  %s:\n    routing_url: %s\n    schema:\n      subgraph_url: %s\n", n, demo.URLs[n], demo.URLs[n])
	}
	cfg := filepath.Join(dir, "supergraph.yaml")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, fromURLs, stderr := runCLI("compose", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := schema.ParseSupergraph(fromURLs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := schema.PrintAPI(got), schema.PrintAPI(want); a != b {
		t.Errorf("API from subgraph URLs differs from the demo supergraph:\n%s\n---\n%s", a, b)
	}
	if changes := schema.Diff(want, got); len(changes) != 0 {
		t.Errorf("changes: %v", changes)
	}
}

func TestComposeSubgraphURLBounds(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"data":{"_service":{"sdl":"type Query { x: Int }%s"}}}`, strings.Repeat(" ", 8192))
	}))
	defer big.Close()
	notGraphQL := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"errors":[{"message":"Cannot query field \"_service\" on type \"Query\"."}]}`)
	}))
	defer notGraphQL.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		url, flag, want string
	}{
		{slow.URL, "--timeout=200ms", "timeout 200ms"},
		{big.URL, "--max-sdl-bytes=1000", "over the SDL size bound 1000 bytes (--max-sdl-bytes)"},
		{notGraphQL.URL, "--timeout=5s", "has no _service { sdl }"},
	} {
		cfg := filepath.Join(dir, "c.yaml")
		os.WriteFile(cfg, []byte("subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      subgraph_url: "+tc.url+"\n"), 0o600)
		start := time.Now()
		code, _, stderr := runCLI("compose", "--config", cfg, tc.flag)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", tc.flag, code, stderr, tc.want)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("%s: took %v", tc.flag, time.Since(start))
		}
	}
}

func TestComposeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	for _, tc := range []struct{ cfg, want string }{
		{"subgraphs: {}\n", "no subgraphs"},
		{"subgraphs:\n  a:\n    routing_url: http://a\n    schema: {}\n", "exactly one of schema.file"},
		{"subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      graphref: g@current\n", "GraphOS"},
		{"subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      file: ./missing.graphql\n", "cannot read schema file"},
		{"subgraphs:\n  a:\n    schema:\n      sdl: 'type Query { x: Int }'\n", "has no routing_url"},
		{"subgraphs: [\n", "config"},
	} {
		code, _, stderr := runCLI("compose", "--config", write(tc.cfg))
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", tc.cfg, code, stderr, tc.want)
		}
	}
	if code, _, stderr := runCLI("compose"); code != 2 || !strings.Contains(stderr, "--config FILE is required") {
		t.Errorf("no --config: exit %d %q", code, stderr)
	}
	// Inline sdl with a syntax error: the subgraph's error, exit 1.
	code, _, stderr := runCLI("compose", "--config", write("subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      sdl: 'type Query { x: }'\n"))
	if code != 1 || !strings.Contains(stderr, "error[INVALID_GRAPHQL]") || !strings.Contains(stderr, "[a]") {
		t.Errorf("syntax error: exit %d %q", code, stderr)
	}
}

// TestServeSubgraphSDL: serving a subgraph's SDL as a supergraph says to
// compose it first.
func TestServeSubgraphSDL(t *testing.T) {
	code, _, stderr := runCLI("serve", "--supergraph", "../../subgraphs/products/schema.graphqls", "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "junction compose --config supergraph.yaml") || !strings.Contains(stderr, "schema of one subgraph") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestDemoRoverConfig: the README's subgraphs/supergraph.yaml composes to
// the demo supergraph (same API, same subgraph URLs).
func TestDemoRoverConfig(t *testing.T) {
	code, out, stderr := runCLI("compose", "--config", "../../subgraphs/supergraph.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, err := schema.ParseSupergraph(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		t.Fatal(err)
	}
	if changes := schema.Diff(want, got); len(changes) != 0 {
		t.Errorf("changes: %v", changes)
	}
	for _, s := range want.Subgraphs {
		if g := got.Subgraph(s.Name); g == nil || g.URL != s.URL {
			t.Errorf("subgraph %s: got %+v, want url %s", s.Name, g, s.URL)
		}
	}
}
