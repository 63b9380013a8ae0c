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
	"strings"
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

// jitteredCase serves federation case dir through a gateway whose
// subgraphs are mocks that disagree (tagged) and answer after a random
// delay below ms milliseconds; serve posts one operation (with Accept
// when set) and returns the response's content type and body.
func jitteredCase(t *testing.T, dir string, ms int) (*schema.Supergraph, func(q string, vars map[string]any, accept string) (string, string)) {
	t.Helper()
	sg, schemas := loadCase(t, dir)
	client := mockClient{sg: sg, schemas: schemas, tagged: true, jitter: time.Duration(ms) * time.Millisecond}
	gw, err := gateway.New(sg, gateway.WithClient(client))
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(gw)
	return sg, func(q string, vars map[string]any, accept string) (string, string) {
		raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Header().Get("Content-Type"), rec.Body.String()
	}
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
			sg, serve := jitteredCase(t, dir, ms)
			post := func(q string, vars map[string]any) string {
				_, body := serve(q, vars, "")
				return body
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

// deferredQueries are deferred requests whose payloads, and their order,
// the plan alone decides: sibling blocks that write or read a key in
// common (chained by the planner), nested blocks, single blocks.
var deferredQueries = map[string][]string{
	"defer-shareable-order": {
		`{ products { name ... @defer(label: "a") { discount price } ... @defer(label: "b") { rating price } } }`,
		`{ products { name ... @defer(label: "outer") { details { weight } } details { ... @defer(label: "inner") { weight } } } }`,
		`{ products { ... @defer { price details { weight } } ... @defer { details { weight ... @defer { id } } } } }`,
	},
	"defer-basic": {
		`{ topProducts { name ... @defer(label: "stock") { inStock } } }`,
		`{ topProducts { name ... @defer(label: "d") { price reviews { body ... @defer(label: "a") { author { name } } } } } }`,
	},
	"one-source-per-key": {
		`{ media { ... on Book { title } ... @defer { title } } }`,
		`{ media { title ... on Book @defer { title } } }`,
	},
}

// TestDeferredRepeatable, in the random-delay run: deferred requests (the
// ones above, and random operations with one deferred fragment over every
// federation case), each sent 50 times while others run, get
// byte-identical multipart bodies although every subgraph answer is delayed
// at random and subgraphs disagree: no payload, and no payload order,
// depends on which fetch finishes first.
func TestDeferredRepeatable(t *testing.T) {
	ms, _ := strconv.Atoi(os.Getenv("FEDTEST_JITTER_MS"))
	if ms <= 0 {
		t.Skip("FEDTEST_JITTER_MS not set: the random-delay run only")
	}
	files, _ := filepath.Glob("../federation/testdata/*/supergraph.graphql")
	if len(files) == 0 {
		t.Skip("no federation cases")
	}
	const repeats, queries = 50, 2
	streamed, random := 0, 0
	for _, file := range files {
		dir := filepath.Dir(file)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			sg, serve := jitteredCase(t, dir, ms)
			post := func(q string, vars map[string]any) (string, string) {
				return serve(q, vars, fedtest.AcceptIncremental)
			}
			var wg sync.WaitGroup
			repeat := func(q string, vars map[string]any, first string) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 1; i < repeats; i++ {
						if _, got := post(q, vars); got != first {
							t.Errorf("query %s\nbody %d differs:\n got %.900s\nwant %.900s", q, i, got, first)
							return
						}
					}
				}()
			}
			for _, q := range deferredQueries[name] {
				ct, first := post(q, nil)
				if !strings.HasPrefix(ct, "multipart/mixed") {
					t.Fatalf("query %s: content type %q, not streamed: %.300s", q, ct, first)
				}
				streamed++
				repeat(q, nil, first)
			}
			gen := &queryGen{api: sg.API, r: rand.New(rand.NewPCG(7, uint64(len(name)))), echo: true, deferOne: true}
			for n, tries := 0, 0; n < queries && tries < 40; tries++ {
				q, vars := gen.operation()
				if !gen.deferred {
					continue
				}
				ct, first := post(q, vars)
				if !strings.HasPrefix(ct, "multipart/mixed") {
					continue // validation failed, or nothing deferred (its fragment skipped)
				}
				n++
				random++
				repeat(q, vars, first)
			}
			wg.Wait()
		})
	}
	if want := 7; streamed < want {
		t.Errorf("%d designed deferred queries streamed, want %d", streamed, want)
	}
	if random < len(files) {
		t.Errorf("only %d random deferred operations streamed over %d cases", random, len(files))
	}
}
