package robustness

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// recordingClient keeps the subgraph operations sent.
type recordingClient struct {
	next executor.Client
	mu   sync.Mutex
	ops  []string
}

func (c *recordingClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	var r subgraphRequest
	_ = json.Unmarshal(req.Body, &r)
	c.mu.Lock()
	c.ops = append(c.ops, req.Service+": "+r.Query)
	c.mu.Unlock()
	return c.next.Do(ctx, req)
}

// caseGateway serves a federation case's supergraph over validating mock
// subgraphs and records the operations they get.
func caseGateway(t *testing.T, name string) (*server.Server, *recordingClient) {
	t.Helper()
	sg, schemas := loadCase(t, filepath.Join("..", "federation", "testdata", name))
	rc := &recordingClient{next: mockClient{sg: sg, schemas: schemas}}
	gw, err := gateway.New(sg, gateway.WithClient(rc))
	if err != nil {
		t.Fatal(err)
	}
	return server.New(gw), rc
}

// TestSubgraphOperationsValid: operations the planner writes are valid for
// the subgraph (found by the random operations): @skip/@include are not
// repeatable, so a field that inherits a second condition of the same kind
// is wrapped in an inline fragment; a composite field whose subfields are
// all skipped by literals still has a selection set.
func TestSubgraphOperationsValid(t *testing.T) {
	for _, tc := range []struct {
		name, query, op, want string
	}{
		{"interface-object-requires",
			`query($yes: Boolean = true, $no: Boolean = false) { named { ... on Admin @include(if: $yes) { name @include(if: $no) id @include(if: $yes) } } }`,
			`core: query($no:Boolean=false,$yes:Boolean=true){named{__typename ...on Admin{...@include(if:$no){name@include(if:$yes)} id@include(if:$yes)}}}`,
			`{"data":{"named":[{"id":"1"},{}]}}`},
		{"requires-lists", `{ stores { id @skip(if: true) } }`,
			`a: query{stores{__typename}}`,
			`{"data":{"stores":[{},{}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, rc := caseGateway(t, tc.name)
			raw, _ := json.Marshal(map[string]any{"query": tc.query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if got := rec.Body.String(); got != tc.want {
				t.Errorf("response %s\nwant %s", got, tc.want)
			}
			if len(rc.ops) == 0 || rc.ops[0] != tc.op {
				t.Errorf("operations %q\nwant first %q", rc.ops, tc.op)
			}
		})
	}
}
