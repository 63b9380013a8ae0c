package robustness

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// unsatisfiable lists the federation cases whose supergraphs have fields
// no plan can reach on purpose (their tests expect QUERY_PLANNING_FAILED).
// interface-object-no-implementations: no subgraph can tell a Thing's
// concrete type, so its __typename answers null with an error.
var unsatisfiable = map[string]bool{"interface-object-orphan": true, "node-corrupt-id": true,
	"interface-object-no-implementations": true}

// knownIssues are open planner bugs the random operations find; their
// cases still run (no panic, no internal error), but an error in the
// response is logged rather than failed. Remove an entry with its fix.
var knownIssues = map[string]string{}

// TestRandomQueriesEverySupergraph: random valid operations over every
// supergraph of the federation cases (interfaces, unions, @requires,
// @provides, interface objects, overrides...) plan and execute without a
// planning failure (outside the unsatisfiable cases), an internal error or
// a panic.
func TestRandomQueriesEverySupergraph(t *testing.T) {
	files, _ := filepath.Glob("../federation/testdata/*/supergraph.graphql")
	if len(files) == 0 {
		t.Skip("no federation cases")
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			sg, schemas := loadCase(t, filepath.Dir(file))
			gw, err := gateway.New(sg, gateway.WithClient(mockClient{sg: sg, schemas: schemas}))
			if err != nil {
				t.Fatal(err)
			}
			srv := server.New(gw)
			gen := &queryGen{api: sg.API, r: rand.New(rand.NewPCG(3, uint64(len(name))))}
			for i := 0; i < 60; i++ {
				q, vars := gen.operation()
				raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				body := rec.Body.String()
				if strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
					continue
				}
				checkResponse(t, rec.Code, rec.Body.Bytes())
				// The mock answers every field it is asked, well typed:
				// any error means the gateway asked the wrong subgraph,
				// lost a key or merged wrongly.
				if strings.Contains(body, `"errors"`) && knownIssues[name] != "" {
					t.Logf("known issue (%s): %s\n got %.300s", knownIssues[name], q, body)
					continue
				}
				if (strings.Contains(body, `"errors"`) && !unsatisfiable[name]) || !strings.HasPrefix(body, `{"data":`) {
					t.Errorf("query %s\n got %d %.1000s", q, rec.Code, body)
				}
			}
		})
	}
}
