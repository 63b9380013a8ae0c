package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

var update = flag.Bool("update", false, "rewrite golden files")

// countingClient counts subgraph requests per subgraph.
type countingClient struct {
	next executor.Client
	mu   sync.Mutex
	n    map[string]int
}

func (c *countingClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	c.mu.Lock()
	c.n[req.Service]++
	c.mu.Unlock()
	return c.next.Do(ctx, req)
}

func (c *countingClient) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	c.n = map[string]int{}
	return out
}

type harness struct {
	t      *testing.T
	url    string
	calls  *countingClient
	gw     *gateway.Gateway
	server *httptest.Server
}

func newHarness(t *testing.T, opts ...gateway.Option) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	cc := &countingClient{next: executor.NewHTTPClient(), n: map[string]int{}}
	gw, err := gateway.New(sg, append([]gateway.Option{gateway.WithClient(cc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(gw, server.WithReadiness(gw.Ready), server.WithDebugHeaders(true)))
	t.Cleanup(func() {
		srv.Close()
		demo.Close()
		cancel()
	})
	return &harness{t: t, url: srv.URL + "/graphql", calls: cc, gw: gw, server: srv}
}

// post sends a GraphQL request and returns the status and the raw body.
func (h *harness) post(body map[string]any, header map[string]string) (int, []byte) {
	h.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", h.url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// golden compares got (JSON, re-indented) with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, got)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", name, want, buf.Bytes())
	}
}

func fmtCalls(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if m[k] == 0 {
			continue
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(m[k]))
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}
