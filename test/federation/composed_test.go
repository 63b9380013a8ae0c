package federation

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/compose"
	"github.com/junction-gateway/junction/schema"
)

// With -composed, every test of this package serves Junction's own
// composition of its case (compose.Compose over the case's subgraph SDLs)
// instead of the supergraph @apollo/composition wrote:
//
//	go test ./test/federation -composed
var composedFlag = flag.Bool("composed", false, "serve Junction's composition of each case instead of the committed supergraph")

// serveComposed is set by TestComposedServesSameAnswers (the tests of this
// package do not run in parallel).
var serveComposed bool

// composedSupergraph composes testdata/<name>/*.graphql (the subgraphs).
func composedSupergraph(t *testing.T, name string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", name, "*.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	var subs []*schema.SubgraphSchema
	for _, f := range files {
		if filepath.Base(f) == "supergraph.graphql" {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.TrimSuffix(filepath.Base(f), ".graphql")
		s, err := schema.ParseSubgraph(n, "http://"+n+".invalid/graphql", string(raw))
		if err != nil {
			t.Fatalf("%s/%s: %v", name, n, err)
		}
		subs = append(subs, s)
	}
	sg, err := compose.Compose(subs)
	if err != nil {
		t.Fatalf("compose %s: %v", name, err)
	}
	return schema.Print(sg)
}

// TestComposedServesSameAnswers runs a cross-section of this package's
// tests (each asserts whole answers) against Junction's composition of
// their cases: the same answers as from @apollo/composition's supergraphs.
func TestComposedServesSameAnswers(t *testing.T) {
	serveComposed = true
	t.Cleanup(func() { serveComposed = false })
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"Smoke", TestSmoke},
		{"AbstractSevenSubgraphs", TestAbstractSevenSubgraphs},
		{"InterfaceObjectFields", TestInterfaceObjectFields},
		{"KeysMultiHop", TestKeysMultiHop},
		{"Fed1Extends", TestFed1Extends},
		{"Fed1ValueTypes", TestFed1ValueTypes},
		{"MergingEnumInputValues", TestMergingEnumInputValues},
		{"MergingInaccessible", TestMergingInaccessible},
		{"OverrideProgressive", TestOverrideProgressive},
		{"ProvidesNested", TestProvidesNested},
		{"RequiresChain", TestRequiresChain},
		{"RequiresInterfaceObject", TestRequiresInterfaceObject},
		{"RootsMutationsInOrder", TestRootsMutationsInOrder},
	} {
		t.Run(tc.name, tc.fn)
	}
}
