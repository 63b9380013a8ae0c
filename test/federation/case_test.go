package federation

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/test/fedtest"
)

// startCase serves testdata/<name>/supergraph.graphql over subgraphs; each
// subgraph without a Schema validates the operations it receives against
// its SDL testdata/<name>/<subgraph>.graphql, as a real server would.
func startCase(t *testing.T, name string, subgraphs ...*fedtest.Subgraph) *fedtest.Gateway {
	t.Helper()
	return fedtest.Start(t, supergraph(t, name), validating(t, name, subgraphs...))
}

// startCaseWith is startCase with gateway options.
func startCaseWith(t *testing.T, name string, opts []gateway.Option, subgraphs ...*fedtest.Subgraph) *fedtest.Gateway {
	t.Helper()
	return fedtest.Start(t, supergraph(t, name), validating(t, name, subgraphs...), opts...)
}

// validating gives each subgraph without a Schema its SDL from case name,
// so that it validates every operation it receives, and returns them.
func validating(t *testing.T, name string, subgraphs ...*fedtest.Subgraph) []*fedtest.Subgraph {
	t.Helper()
	for _, sg := range subgraphs {
		if sg.Schema != "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata", name, sg.Name+".graphql"))
		if err != nil {
			t.Fatal(err)
		}
		sg.Schema = string(raw)
	}
	return subgraphs
}

// obj builds an object of typename with the given field/value pairs.
func obj(typename string, kv ...any) map[string]any {
	m := map[string]any{"__typename": typename}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// wantCalls fails unless each subgraph received exactly the given number
// of requests, then forgets them.
func wantCalls(t *testing.T, counts map[*fedtest.Subgraph]int) {
	t.Helper()
	for sg, n := range counts {
		if got := len(sg.Requests()); got != n {
			t.Errorf("subgraph %s: %d requests, want %d: %v", sg.Name, got, n, sg.Requests())
		}
		sg.ResetRequests()
	}
}
