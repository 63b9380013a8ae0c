package compose

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
)

func parseAll(t *testing.T, sdls map[string]string) []*schema.SubgraphSchema {
	t.Helper()
	var names []string
	for n := range sdls {
		names = append(names, n)
	}
	slices.Sort(names)
	var subs []*schema.SubgraphSchema
	for _, n := range names {
		s, err := schema.ParseSubgraph(n, "http://"+n+".invalid", sdls[n])
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		subs = append(subs, s)
	}
	return subs
}

// TestSatisfiableCases: every federation test case (composed by
// @apollo/composition, so satisfiable) passes the check.
func TestSatisfiableCases(t *testing.T) {
	dirs, err := filepath.Glob("../test/federation/testdata/*/supergraph.graphql")
	if err != nil || len(dirs) < 50 {
		t.Fatalf("cases: %v %d", err, len(dirs))
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, "*.graphql"))
			sdls := map[string]string{}
			for _, g := range files {
				if filepath.Base(g) == "supergraph.graphql" {
					continue
				}
				raw, err := os.ReadFile(g)
				if err != nil {
					t.Fatal(err)
				}
				sdls[strings.TrimSuffix(filepath.Base(g), ".graphql")] = string(raw)
			}
			if _, err := Compose(parseAll(t, sdls)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

const ctxLink = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@context", "@fromContext"])` + "\n"

const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external"])` + "\n"

func TestSatisfiabilityErrors(t *testing.T) {
	tests := []struct {
		name   string
		sdls   map[string]string
		coords [][]string
		route  string
	}{
		{"value type field only elsewhere", map[string]string{
			"a": link + `type Query { p: P } type P { id: ID! @shareable }`,
			"b": link + `type Query { q: Int } type P { id: ID! @shareable y: Int }`,
		}, [][]string{{"P.y"}}, "Query.p → P.y"},
		{"unresolvable key", map[string]string{
			"a": link + `type Query { p: P } type P @key(fields: "id") { id: ID! }`,
			"b": link + `type P @key(fields: "id", resolvable: false) { id: ID! y: Int }`,
		}, [][]string{{"P.y"}}, "Query.p → P.y"},
		{"key the path cannot provide", map[string]string{
			"a": link + `type Query { p: P } type P @key(fields: "id") { id: ID! }`,
			"b": link + `type P @key(fields: "upc") { upc: ID! y: Int }`,
		}, [][]string{{"P.upc"}, {"P.y"}}, "Query.p → P."},
		{"context no enclosing object sets", map[string]string{
			"a": link + `type Query { p: P } type P @key(fields: "id") { id: ID! }`,
			"b": ctxLink + `type Query { t: T } type T @key(fields: "id") @context(name: "c") { id: ID! v: String p: P }
				type P @key(fields: "id") { id: ID! y(v: String @fromContext(field: "$c { v }")): Int }`,
		}, [][]string{{"P.y"}}, "Query.p → P.y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subs := parseAll(t, tt.sdls)
			if _, err := schema.Compose(subs); err != nil {
				t.Fatalf("schema.Compose refused it already: %v", err)
			}
			_, err := Compose(subs)
			var ce schema.CompositionErrors
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want CompositionErrors", err)
			}
			var got [][]string
			for _, e := range ce {
				if e.Code != "SATISFIABILITY_ERROR" {
					t.Errorf("unexpected %v", e)
					continue
				}
				got = append(got, e.Coordinates)
				if !strings.Contains(e.Message, tt.route) || !strings.Contains(e.Message, `"b"`) {
					t.Errorf("message lacks the route %q or the subgraph: %s", tt.route, e.Message)
				}
				if strings.HasPrefix(tt.name, "context") && !strings.Contains(e.Message, "sets the context on every path") {
					t.Errorf("message does not explain the context: %s", e.Message)
				}
				if !slices.Equal(e.Subgraphs, []string{"b"}) {
					t.Errorf("subgraphs = %v", e.Subgraphs)
				}
			}
			if !slices.EqualFunc(got, tt.coords, slices.Equal) {
				t.Errorf("coordinates = %v, want %v\n%v", got, tt.coords, err)
			}
		})
	}
}

// TestDemoSatisfiable: the demo subgraphs compose and pass the check.
func TestDemoSatisfiable(t *testing.T) {
	sdls := map[string]string{}
	for _, n := range []string{"accounts", "inventory", "products", "reviews"} {
		raw, err := os.ReadFile(filepath.Join("../subgraphs", n, "schema.graphqls"))
		if err != nil {
			t.Fatal(err)
		}
		sdls[n] = string(raw)
	}
	sg, err := Compose(parseAll(t, sdls))
	if err != nil {
		t.Fatal(err)
	}
	if sg.API.Types["Product"].Fields.ForName("shippingEstimate") == nil {
		t.Error("Product.shippingEstimate missing from the API")
	}
}
