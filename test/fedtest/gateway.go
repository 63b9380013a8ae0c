package fedtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
)

// Gateway is Junction serving a supergraph over test subgraphs.
type Gateway struct {
	t   testing.TB
	URL string
	GW  *gateway.Gateway
}

var graphURL = regexp.MustCompile(`@join__graph\(name:\s*"([^"]+)",\s*url:\s*"[^"]*"\)`)

// Start serves supergraphSDL with each join__Graph URL pointed at the
// subgraph of that name (subgraphs not given keep their URL).
func Start(t testing.TB, supergraphSDL string, subgraphs []*Subgraph, opts ...gateway.Option) *Gateway {
	t.Helper()
	urls := map[string]string{}
	for _, s := range subgraphs {
		urls[s.Name] = s.Start(t).URL
	}
	sdl := graphURL.ReplaceAllStringFunc(supergraphSDL, func(m string) string {
		name := graphURL.FindStringSubmatch(m)[1]
		if u, ok := urls[name]; ok {
			return `@join__graph(name: "` + name + `", url: "` + u + `")`
		}
		return m
	})
	sg, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatalf("load supergraph: %v", err)
	}
	gw, err := gateway.New(sg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(gw))
	t.Cleanup(srv.Close)
	return &Gateway{t: t, URL: srv.URL + "/graphql", GW: gw}
}

// Query posts a GraphQL request and returns the status and the compact
// response body (application/graphql-response+json).
func (g *Gateway) Query(query string, vars map[string]any, header ...string) (int, string) {
	g.t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", g.URL, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		g.t.Fatalf("response is not JSON: %s", body)
	}
	return resp.StatusCode, buf.String()
}

// Expect runs query and fails the test unless the compact response equals
// want (compacted first, so want may be indented).
func (g *Gateway) Expect(query string, vars map[string]any, want string) {
	g.t.Helper()
	var wb bytes.Buffer
	if err := json.Compact(&wb, []byte(want)); err != nil {
		g.t.Fatalf("want is not JSON: %v", err)
	}
	_, got := g.Query(query, vars)
	if got != wb.String() {
		g.t.Errorf("query %s\n got: %s\nwant: %s", query, got, wb.String())
	}
}
