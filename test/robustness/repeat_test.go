package robustness

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/fedtest"
)

// loadCase reads a federation case: its supergraph and each subgraph's own
// schema (what the subgraph validates operations against).
func loadCase(t *testing.T, dir string) (*schema.Supergraph, map[string]*ast.Schema) {
	t.Helper()
	sdl, err := os.ReadFile(filepath.Join(dir, "supergraph.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(sdl))
	if err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*ast.Schema{}
	for _, sub := range sg.Subgraphs {
		raw, err := os.ReadFile(filepath.Join(dir, sub.Name+".graphql"))
		if err != nil {
			t.Fatal(err)
		}
		if schemas[sub.Name], err = fedtest.SubgraphSchema(string(raw)); err != nil {
			t.Fatalf("%s: %v", sub.Name, err)
		}
	}
	return sg, schemas
}

// TestRandomQueriesRepeatable, in the random-delay run (FEDTEST_JITTER_MS
// set, as CI runs it): random operations over every federation case, each
// sent 50 times in a row while others run, get byte-identical answers
// although every subgraph answer is delayed at random and subgraphs
// disagree (String values name the subgraph that answered): no answer
// depends on which fetch finishes first.
func TestRandomQueriesRepeatable(t *testing.T) {
	ms, _ := strconv.Atoi(os.Getenv("FEDTEST_JITTER_MS"))
	if ms <= 0 {
		t.Skip("FEDTEST_JITTER_MS not set: the random-delay run only")
	}
	files, _ := filepath.Glob("../federation/testdata/*/supergraph.graphql")
	if len(files) == 0 {
		t.Skip("no federation cases")
	}
	const repeats, queries = 50, 8
	for _, file := range files {
		dir := filepath.Dir(file)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			sg, schemas := loadCase(t, dir)
			client := mockClient{sg: sg, schemas: schemas, tagged: true, jitter: time.Duration(ms) * time.Millisecond}
			gw, err := gateway.New(sg, gateway.WithClient(client))
			if err != nil {
				t.Fatal(err)
			}
			srv := server.New(gw)
			post := func(q string, vars map[string]any) string {
				raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				return rec.Body.String()
			}
			gen := &queryGen{api: sg.API, r: rand.New(rand.NewPCG(5, uint64(len(name)))), echo: true}
			var wg sync.WaitGroup
			for n, tries := 0, 0; n < queries && tries < 40; tries++ {
				q, vars := gen.operation()
				first := post(q, vars)
				if bytes.Contains([]byte(first), []byte("GRAPHQL_VALIDATION_FAILED")) {
					continue
				}
				n++
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 1; i < repeats; i++ {
						if got := post(q, vars); got != first {
							t.Errorf("query %s\nanswer %d differs:\n got %.600s\nwant %.600s", q, i, got, first)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}
