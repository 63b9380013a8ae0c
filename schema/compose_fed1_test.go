package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Federation 1 subgraphs compose like Apollo's composition v2 composes
// them: into a join v0.3 supergraph with @join__type/@join__field, and no
// @join__owner. join__owner exists only in join v0.1, written by the
// Federation 1 composition (@apollo/federation 0.x); @apollo/composition
// 2.x (checked with 2.14.4: test/federation/compose, `node compose.mjs
// fed1-extends …` reproduces the committed files byte for byte) never
// emits it, so neither does Junction. A join v0.1 supergraph with
// @join__owner still loads (ParseSupergraph, schema/testdata/fed1_core).
func TestComposeFed1WritesNoOwner(t *testing.T) {
	for _, c := range []string{"fed1-extends", "fed1-extends-resolvable", "fed1-extension", "fed1-value-types", "requires-fed1"} {
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join("../test/federation/testdata", c)
			apollo, err := os.ReadFile(filepath.Join(dir, "supergraph.graphql"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(apollo), "join__owner") || !strings.Contains(string(apollo), "specs.apollo.dev/join/v0.3") {
				t.Fatalf("Apollo's composition of %s is not join v0.3 without join__owner: regenerate and revisit", c)
			}
			sg, err := composeDir(t, dir, ".graphql", func(name string) string { return "http://" + name + ".invalid/graphql" })
			if err != nil {
				t.Fatal(err)
			}
			got := Print(sg)
			if strings.Contains(got, "join__owner") || !strings.Contains(got, "specs.apollo.dev/join/v0.3") {
				t.Fatalf("Junction's composition of %s differs in join version or owner:\n%s", c, got[:min(len(got), 600)])
			}
		})
	}
}
