package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/redistest"
	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/subgraphs"
)

// syncBuffer collects a server's log lines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// inProcess is one `junction serve` run in this process.
type inProcess struct {
	addr string
	log  *syncBuffer
	stop func()
}

// serveInProcess runs `junction serve` with config yaml (listen added)
// and args until the test ends or stop is called.
func serveInProcess(t *testing.T, yaml string, args ...string) *inProcess {
	t.Helper()
	addr := freeAddr(t)
	cfg := filepath.Join(t.TempDir(), "junction.yaml")
	if err := os.WriteFile(cfg, []byte("listen: "+addr+"\n"+yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{addr: addr, log: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--config", cfg, "--gc-heap-floor-mb", "0"}, args...), io.Discard, p.log)
	}()
	var once sync.Once
	p.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Error("serve did not stop")
			}
		})
	}
	t.Cleanup(p.stop)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.log.String(), "junction ready") {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never became ready: %s", p.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p
}

type gqlAnswer struct {
	status int
	header http.Header
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func (a *gqlAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

// post sends a GraphQL request and decodes the answer.
func post(t *testing.T, url, token, query string, vars map[string]any, header ...string) *gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := &gqlAnswer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, a); err != nil {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, raw)
	}
	return a
}

const registerMutation = `mutation($n: String!, $u: String!, $s: String!) {
  registerSubgraph(name: $n, url: $u, sdl: $s) { ok version errors { code message coordinates subgraphs } changes { kind coordinate breaking } }
}`

type registerAnswer struct {
	RegisterSubgraph struct {
		OK      bool `json:"ok"`
		Version *string
		Errors  []struct {
			Code        string
			Coordinates []string
			Subgraphs   []string
		}
		Changes []struct {
			Kind, Coordinate string
			Breaking         bool
		}
	}
}

func register(t *testing.T, p *inProcess, token, name, url, sdl string) registerAnswer {
	t.Helper()
	a := post(t, "http://"+p.addr+"/registry/graphql", token, registerMutation, map[string]any{"n": name, "u": url, "s": sdl})
	if len(a.Errors) > 0 {
		t.Fatalf("register %s: %d %+v", name, a.status, a.Errors)
	}
	var out registerAnswer
	if err := json.Unmarshal(a.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// demoSDLs starts the demo subgraphs and reads their SDL.
func demoSDLs(t *testing.T) (*subgraphs.Demo, map[string]string) {
	t.Helper()
	demo, err := subgraphs.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	sdls := map[string]string{}
	for _, n := range subgraphs.Names {
		if sdls[n], err = registry.FetchSDL(context.Background(), demo.URLs[n]); err != nil {
			t.Fatal(err)
		}
	}
	return demo, sdls
}

// registerDemo registers the four demo subgraphs in an order that composes.
func registerDemo(t *testing.T, p *inProcess, token string, demo *subgraphs.Demo, sdls map[string]string) string {
	t.Helper()
	var version string
	for _, n := range []string{"accounts", "products", "reviews", "inventory"} {
		res := register(t, p, token, n, demo.URLs[n], sdls[n])
		if !res.RegisterSubgraph.OK {
			t.Fatalf("register %s: %+v", n, res.RegisterSubgraph.Errors)
		}
		version = *res.RegisterSubgraph.Version
	}
	return version
}

const topProducts = `{ topProducts(first: 2) { upc shippingEstimate reviews { author { username } } } }`

// The whole flow over HTTP: empty and not ready; registrations served at
// once; a broken one refused while the old supergraph keeps answering;
// check reports breaking changes with the client operations they hit;
// a restart serves the stored state.
func TestServeRegistryFlow(t *testing.T) {
	const token = "s3cret-token"
	dir := t.TempDir()
	yaml := fmt.Sprintf("registry:\n  token: %s\n  dir: %s\n", token, dir)
	p := serveInProcess(t, yaml, "--registry")
	resp, err := http.Get("http://" + p.addr + "/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/ready of an empty registry: %d", resp.StatusCode)
	}
	if a := post(t, "http://"+p.addr+"/graphql", "", topProducts, nil); a.status != http.StatusServiceUnavailable || a.code() != "SUPERGRAPH_NOT_READY" {
		t.Fatalf("empty registry answered %d %+v", a.status, a.Errors)
	}

	demo, sdls := demoSDLs(t)
	version := registerDemo(t, p, token, demo, sdls)
	a := post(t, "http://"+p.addr+"/graphql", "", topProducts, nil)
	if a.status != 200 || len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"username":"@ada"`) {
		t.Fatalf("served at once: %d %s %+v", a.status, a.Data, a.Errors)
	}
	if resp, _ := http.Get("http://" + p.addr + "/ready"); resp.StatusCode != 200 {
		t.Fatalf("/ready after registration: %d", resp.StatusCode)
	}

	// Break: products' upc retyped; the errors name code, coordinate, subgraphs.
	broken := strings.Replace(sdls["products"], "upc: String!", "upc: Int!", 1)
	res := register(t, p, token, "products", demo.URLs["products"], broken)
	if res.RegisterSubgraph.OK || res.RegisterSubgraph.Version != nil || len(res.RegisterSubgraph.Errors) == 0 {
		t.Fatalf("broken registration: %+v", res)
	}
	e := res.RegisterSubgraph.Errors[0]
	if e.Code != "FIELD_TYPE_MISMATCH" || strings.Join(e.Coordinates, ",") != "Product.upc" || !strings.Contains(strings.Join(e.Subgraphs, ","), "products") {
		t.Fatalf("broken registration error: %+v", res.RegisterSubgraph.Errors)
	}
	if a := post(t, "http://"+p.addr+"/graphql", "", topProducts, nil); len(a.Errors) > 0 || !strings.Contains(string(a.Data), "@ada") {
		t.Fatalf("old supergraph after a refused registration: %s %+v", a.Data, a.Errors)
	}

	// Check: removing Product.name is breaking; safe until a client uses it.
	noName := strings.Replace(sdls["products"], "  name: String\n", "", 1)
	const check = `mutation($n: String!, $u: String!, $s: String!) { checkSubgraph(name: $n, url: $u, sdl: $s) {
	  ok errors { code } changes { kind coordinate breaking safe operations { clientName clientVersion operationName count coordinates } } } }`
	type checkAnswer struct {
		CheckSubgraph struct {
			OK      bool `json:"ok"`
			Changes []struct {
				Kind, Coordinate string
				Breaking, Safe   bool
				Operations       []struct {
					ClientName, ClientVersion, OperationName string
					Count                                    int
				}
			}
		}
	}
	runCheck := func() checkAnswer {
		t.Helper()
		a := post(t, "http://"+p.addr+"/registry/graphql", token, check, map[string]any{"n": "products", "u": demo.URLs["products"], "s": noName})
		var c checkAnswer
		if err := json.Unmarshal(a.Data, &c); err != nil || len(a.Errors) > 0 {
			t.Fatalf("check: %v %+v", err, a.Errors)
		}
		return c
	}
	c := runCheck()
	if len(c.CheckSubgraph.Changes) != 1 || c.CheckSubgraph.Changes[0].Coordinate != "Product.name" ||
		!c.CheckSubgraph.Changes[0].Breaking || !c.CheckSubgraph.Changes[0].Safe || !c.CheckSubgraph.OK {
		t.Fatalf("check before any client used Product.name: %+v", c)
	}
	for i := 0; i < 3; i++ {
		if a := post(t, "http://"+p.addr+"/graphql", "", "query Shelf { topProducts { name } }", nil,
			"apollographql-client-name", "web", "apollographql-client-version", "1.4"); len(a.Errors) > 0 {
			t.Fatal(a.Errors)
		}
	}
	c = runCheck()
	ch := c.CheckSubgraph.Changes[0]
	if c.CheckSubgraph.OK || ch.Safe || len(ch.Operations) != 1 || ch.Operations[0].ClientName != "web" ||
		ch.Operations[0].ClientVersion != "1.4" || ch.Operations[0].OperationName != "Shelf" || ch.Operations[0].Count != 3 {
		t.Fatalf("check after web used Product.name: %+v", c)
	}
	if a := post(t, "http://"+p.addr+"/graphql", "", "{ topProducts { name } }", nil); len(a.Errors) > 0 {
		t.Fatalf("check changed what is served: %+v", a.Errors)
	}

	// Restart on the same directory: the stored supergraph is served at once.
	p.stop()
	p2 := serveInProcess(t, yaml, "--registry")
	a = post(t, "http://"+p2.addr+"/registry/graphql", token, "{ supergraph { version } subgraphs { name } history(limit: 10) { seq action subgraph } }", nil)
	var got struct {
		Supergraph struct{ Version string }
		Subgraphs  []struct{ Name string }
		History    []struct {
			Seq              int
			Action, Subgraph string
		}
	}
	if err := json.Unmarshal(a.Data, &got); err != nil || got.Supergraph.Version != version || len(got.Subgraphs) != 4 || len(got.History) != 4 {
		t.Fatalf("after restart: %v %s", err, a.Data)
	}
	if a := post(t, "http://"+p2.addr+"/graphql", "", topProducts, nil); len(a.Errors) > 0 || !strings.Contains(string(a.Data), "@ada") {
		t.Fatalf("after restart: %s %+v", a.Data, a.Errors)
	}
}

// Issue 17, item 1: the registry API is off unless configured, needs the
// token, goes through /graphql's limits and never shows credentials.
func TestRegistryAPIGuarded(t *testing.T) {
	// Off by default.
	sg := filepath.Join(t.TempDir(), "supergraph.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	off := serveInProcess(t, "", "--supergraph", sg)
	resp, err := http.Post("http://"+off.addr+"/registry/graphql", "application/json", strings.NewReader(`{"query":"{ subgraphs { url } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("registry API without registry configured: %d", resp.StatusCode)
	}
	off.stop()

	const token = "t0ken"
	// body_timeout is short for the slow-body check at the end, yet long
	// enough that a loaded machine reads the 2 MiB of the 100 MiB check
	// before it (at 1s, a CI machine answered 408 instead of 413).
	p := serveInProcess(t, fmt.Sprintf("limits:\n  body_timeout: 3s\nregistry:\n  token: %s\n  dir: %s\n", token, t.TempDir()), "--registry")
	url := "http://" + p.addr + "/registry/graphql"

	// No token, a wrong one, a malformed header: 401 for reads and mutations.
	for _, tok := range []string{"", "wrong", "t0ken-and-more"} {
		for _, q := range []string{"{ subgraphs { name url } }", `mutation { removeSubgraph(name: "x") { ok } }`} {
			a := post(t, url, tok, q, nil)
			if a.status != http.StatusUnauthorized || a.code() != "UNAUTHENTICATED" || len(a.Data) > 0 && string(a.Data) != "null" ||
				!strings.HasPrefix(a.header.Get("Www-Authenticate"), "Bearer") {
				t.Errorf("token %q, %s: %d %s %+v", tok, q, a.status, a.Data, a.Errors)
			}
		}
	}
	if a := post(t, url, token, "{ subgraphs { name } }", nil); a.status != 200 || len(a.Errors) > 0 {
		t.Fatalf("with the token: %d %+v", a.status, a.Errors)
	}
	if id := post(t, url, token, "{ subgraphs { name } }", nil).header.Get("X-Request-Id"); id == "" {
		t.Error("no request id on the registry API")
	}

	// Credentials in a URL are never shown.
	demo, sdls := demoSDLs(t)
	withCreds := strings.Replace(demo.URLs["accounts"], "http://", "http://opsuser:hunter2@", 1) + "?apikey=k3y"
	if res := register(t, p, token, "accounts", withCreds, sdls["accounts"]); !res.RegisterSubgraph.OK {
		t.Fatalf("register: %+v", res)
	}
	a := post(t, url, token, `{ subgraphs { url } subgraph(name: "accounts") { url } supergraph { sdl } }`, nil)
	if strings.Contains(string(a.Data), "hunter2") || strings.Contains(string(a.Data), "opsuser") || strings.Contains(string(a.Data), "k3y") ||
		!strings.Contains(string(a.Data), "redacted@127.0.0.1") {
		t.Fatalf("credentials shown: %s", a.Data)
	}
	bad := post(t, url, token, registerMutation, map[string]any{"n": "x", "u": "ftp://admin:hunter2@host/", "s": "type Query { x: Int }"})
	if strings.Contains(string(bad.Data), "hunter2") || !strings.Contains(string(bad.Data), "INVALID_SUBGRAPH_URL") {
		t.Fatalf("invalid URL answer: %s", bad.Data)
	}

	// Query limits: an alias flood is refused before execution.
	var q strings.Builder
	q.WriteString("{ supergraph {")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&q, " a%d: sdl", i)
	}
	q.WriteString(" } }")
	if a := post(t, url, token, q.String(), nil); a.code() != "MAX_ALIASES_LIMIT" || len(a.Data) > 0 && string(a.Data) != "null" {
		t.Fatalf("200 aliases: %d %.200s %+v", a.status, a.Data, a.Errors)
	}

	// A 100 MiB body is refused once the body limit (2 MiB) is read.
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /registry/graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", token, 100<<20)
	go func() {
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for i := 0; i < 1600; i++ {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "413") {
		t.Fatalf("100 MiB body: %q %v", status, err)
	}

	// A body sent too slowly is cut at limits.body_timeout (3s here).
	slow, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST /registry/graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{\"qu", token)
	start := time.Now()
	_ = slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	status, err = bufio.NewReader(slow).ReadString('\n')
	if err != nil || !strings.Contains(status, "408") || time.Since(start) > 15*time.Second {
		t.Fatalf("slow body: %q %v after %v", status, err, time.Since(start))
	}
}

// Without a token the registry API is read-only (mutations refused with a
// clear error); junction dev allows mutations from loopback.
func TestRegistryWithoutToken(t *testing.T) {
	t.Setenv("JUNCTION_REGISTRY_TOKEN", "")
	p := serveInProcess(t, fmt.Sprintf("registry:\n  dir: %s\n", t.TempDir()), "--registry")
	url := "http://" + p.addr + "/registry/graphql"
	if a := post(t, url, "", "{ subgraphs { name } supergraph { version } }", nil); a.status != 200 || len(a.Errors) > 0 {
		t.Fatalf("read without a token: %d %+v", a.status, a.Errors)
	}
	a := post(t, url, "", registerMutation, map[string]any{"n": "a", "u": "http://127.0.0.1:1/", "s": "type Query { a: Int }"})
	if a.status != http.StatusForbidden || a.code() != "FORBIDDEN" || !strings.Contains(a.Errors[0].Message, "registry.token") {
		t.Fatalf("mutation without a token: %d %+v", a.status, a.Errors)
	}
	if !strings.Contains(p.log.String(), "read-only") {
		t.Errorf("no start-up warning: %s", p.log.String())
	}
}

// Two `junction serve --registry` (in this process, each with its own HTTP
// server) sharing a real redis-server: one's registration is served by the
// other within a second, and 20 concurrent registrations split between
// them lose nothing.
func TestRegistryReplicasShareRedis(t *testing.T) {
	rs := redistest.Start(t)
	const token = "replica-token"
	yaml := fmt.Sprintf("redis:\n  url: %s\nregistry:\n  store: redis\n  token: %s\n  poll: 200ms\n", rs.URL(), token)
	a := serveInProcess(t, yaml, "--registry")
	b := serveInProcess(t, yaml, "--registry")
	demo, sdls := demoSDLs(t)
	version := func(p *inProcess) (string, int) {
		ans := post(t, "http://"+p.addr+"/registry/graphql", token, "{ supergraph { version } subgraphs { name } }", nil)
		var got struct {
			Supergraph *struct{ Version string }
			Subgraphs  []struct{ Name string }
		}
		if err := json.Unmarshal(ans.Data, &got); err != nil || len(ans.Errors) > 0 {
			t.Fatalf("%v %+v", err, ans.Errors)
		}
		if got.Supergraph == nil {
			return "", 0
		}
		return got.Supergraph.Version, len(got.Subgraphs)
	}
	converge := func(want string, n int) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			v, got := version(b)
			if v == want && got == n {
				return time.Since(start)
			}
			if time.Since(start) > time.Second {
				t.Fatalf("replica B at %s with %d subgraphs a second later, want %s with %d", v, got, want, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	want := registerDemo(t, a, token, demo, sdls)
	t.Logf("B served A's registration after %v", converge(want, 4))
	if ans := post(t, "http://"+b.addr+"/graphql", "", topProducts, nil); len(ans.Errors) > 0 || !strings.Contains(string(ans.Data), "@ada") {
		t.Fatalf("replica B: %s %+v", ans.Data, ans.Errors)
	}

	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := []*inProcess{a, b}[i%2]
			name := fmt.Sprintf("extra%02d", i)
			res := register(t, p, token, name, "http://127.0.0.1:1/"+name, fmt.Sprintf("type Query { %s: Int }", name))
			if !res.RegisterSubgraph.OK {
				t.Errorf("%s: %+v", name, res.RegisterSubgraph.Errors)
			}
		}(i)
	}
	wg.Wait()
	// Each replica serves its own commits at once and the other's within
	// a second: both end on the same version with all 24 subgraphs.
	// (The version and the subgraph list are two fields of the answer, read
	// from the served snapshot one after the other: while a replica is still
	// installing, they may come from consecutive snapshots, so both replicas
	// are read until they agree.)
	deadline := time.Now().Add(time.Second)
	for {
		va, na := version(a)
		vb, nb := version(b)
		if na == 24 && nb == 24 && va == vb {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second after 20 concurrent registrations: replica A at %s with %d subgraphs, B at %s with %d; want the same version with 24", va, na, vb, nb)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// serve --subgraphs composes a rover config at start and on reload
// (--hot-reload), keeping the last good supergraph when one fails.
func TestServeSubgraphsRecomposes(t *testing.T) {
	demo, sdls := demoSDLs(t)
	dir := t.TempDir()
	var conf strings.Builder
	conf.WriteString("federation_version: =2.5.0\nsubgraphs:\n")
	for _, n := range subgraphs.Names {
		if err := os.WriteFile(filepath.Join(dir, n+".graphql"), []byte(sdls[n]), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&conf, "  %s:\n    routing_url: %s\n    schema:\n      file: ./%s.graphql\n", n, demo.URLs[n], n)
	}
	roverPath := filepath.Join(dir, "supergraph.yaml")
	if err := os.WriteFile(roverPath, []byte(conf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	p := serveInProcess(t, "", "--subgraphs", roverPath, "--hot-reload")
	if a := post(t, "http://"+p.addr+"/graphql", "", topProducts, nil); len(a.Errors) > 0 || !strings.Contains(string(a.Data), "@ada") {
		t.Fatalf("composed at start: %s %+v", a.Data, a.Errors)
	}
	products := filepath.Join(dir, "products.graphql")
	if err := os.WriteFile(products, []byte(strings.Replace(sdls["products"], "upc: String!", "upc: Int!", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.log.String(), "subgraphs recomposition refused") {
		if time.Now().After(deadline) {
			t.Fatalf("broken subgraph not reported: %s", p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(p.log.String(), "FIELD_TYPE_MISMATCH") {
		t.Errorf("the refusal does not name the error: %s", p.log.String())
	}
	if a := post(t, "http://"+p.addr+"/graphql", "", topProducts, nil); len(a.Errors) > 0 || !strings.Contains(string(a.Data), "@ada") {
		t.Fatalf("last good supergraph after a failed recomposition: %s %+v", a.Data, a.Errors)
	}
	// A good change is composed and served.
	if err := os.WriteFile(products, []byte(strings.Replace(sdls["products"], "  weight: Int\n", "  weight: Int\n  color: String\n", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		a := post(t, "http://"+p.addr+"/graphql", "", "{ __type(name: \"Product\") { fields { name } } }", nil)
		if strings.Contains(string(a.Data), `"color"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("recomposed supergraph not served: %s", a.Data)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
