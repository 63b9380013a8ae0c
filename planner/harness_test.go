package planner

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected plans in testdata/*.txtar")

// A golden file is a txtar archive:
//
//	-- graphs --            one subgraph name a line
//	-- supergraph.graphql --  the types (blocks separated by blank lines)
//	-- options --           optional: "override-labels: a, b"
//	-- query/NAME.graphql --  a client operation
//	-- plan/NAME --         its expected plan (or "error: ..." substring)
//
// The harness writes the supergraph header (links, join directives, the
// join__Graph enum) itself, so each case holds only its own types, and plans
// every query under every permutation of the join__Graph values, with the
// type blocks in the given and in reverse order.

const sgHeader = `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)
{
  query: Query
%s}

directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION

directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION

scalar context__ContextFieldValue

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__FieldSet

scalar join__FieldValue

enum link__Purpose {
  SECURITY
  EXECUTION
}

scalar link__Import
`

type golden struct {
	graphs []string
	blocks []string
	opts   []Option
}

func (g *golden) sdl(graphOrder []string, reverse bool) string {
	var b strings.Builder
	ops := ""
	for _, blk := range g.blocks {
		if strings.HasPrefix(blk, "type Mutation") {
			ops = "  mutation: Mutation\n"
		}
	}
	fmt.Fprintf(&b, sgHeader, ops)
	b.WriteString("\nenum join__Graph {\n")
	for _, name := range graphOrder {
		fmt.Fprintf(&b, "  %s @join__graph(name: %q, url: \"http://%s/graphql\")\n", strings.ToUpper(name), name, name)
	}
	b.WriteString("}\n")
	blocks := append([]string(nil), g.blocks...)
	if reverse {
		for i, j := 0, len(blocks)-1; i < j; i, j = i+1, j-1 {
			blocks[i], blocks[j] = blocks[j], blocks[i]
		}
	}
	for _, blk := range blocks {
		b.WriteString("\n" + blk + "\n")
	}
	return b.String()
}

func permutations(xs []string) [][]string {
	if len(xs) <= 1 {
		return [][]string{append([]string(nil), xs...)}
	}
	var out [][]string
	for i := range xs {
		rest := append(append([]string(nil), xs[:i]...), xs[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]string{xs[i]}, p...))
		}
	}
	return out
}

func parseGolden(t testing.TB, a *txtar.Archive) *golden {
	g := &golden{}
	for _, f := range a.Files {
		switch f.Name {
		case "graphs":
			g.graphs = strings.Fields(string(f.Data))
		case "supergraph.graphql":
			for _, blk := range strings.Split(strings.TrimSpace(string(f.Data)), "\n\n") {
				if blk = strings.TrimSpace(blk); blk != "" {
					g.blocks = append(g.blocks, blk)
				}
			}
		case "options":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if v, ok := strings.CutPrefix(line, "override-labels:"); ok {
					active := map[string]bool{}
					for _, l := range strings.Split(v, ",") {
						active[strings.TrimSpace(l)] = true
					}
					g.opts = append(g.opts, WithOverrideLabels(func(l string) bool { return active[l] }))
				}
			}
		}
	}
	if len(g.graphs) == 0 || len(g.blocks) == 0 {
		t.Fatalf("archive needs graphs and supergraph.graphql sections")
	}
	return g
}

// planText plans query on sg and prints the plan, or "error: ..." .
func planText(sg *schema.Supergraph, query string, opts ...Option) string {
	doc, errs := gqlparser.LoadQuery(sg.API, query)
	if errs != nil {
		return "invalid query: " + errs.Error() + "\n"
	}
	p, err := New(sg, opts...).Plan(doc, "")
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	return Print(p)
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			g := parseGolden(t, a)
			sorted := append([]string(nil), g.graphs...)
			sort.Strings(sorted)
			base, err := schema.ParseSupergraph(g.sdl(sorted, false))
			if err != nil {
				t.Fatalf("supergraph: %v", err)
			}
			var variants []*schema.Supergraph
			for i, perm := range permutations(g.graphs) {
				sg, err := schema.ParseSupergraph(g.sdl(perm, i%2 == 1))
				if err != nil {
					t.Fatalf("supergraph %v: %v", perm, err)
				}
				variants = append(variants, sg)
			}
			changed := false
			for _, f := range files0(a) {
				name, ok := strings.CutPrefix(f.Name, "query/")
				if !ok {
					continue
				}
				name = strings.TrimSuffix(name, ".graphql")
				got := planText(base, string(f.Data), g.opts...)
				want, at := "", -1
				for j, pf := range a.Files {
					if pf.Name == "plan/"+name {
						want, at = string(pf.Data), j
					}
				}
				if *update {
					if at < 0 {
						a.Files = append(a.Files, txtar.File{Name: "plan/" + name})
						at = len(a.Files) - 1
					}
					if string(a.Files[at].Data) != got {
						a.Files[at].Data = []byte(got)
						changed = true
					}
				} else if at < 0 {
					t.Errorf("%s: no plan/%s section", name, name)
				} else if got != want {
					t.Errorf("%s: plan differs\n--- got\n%s--- want\n%s", name, got, want)
				}
				for k, sg := range variants {
					if v := planText(sg, string(f.Data), g.opts...); v != got {
						t.Errorf("%s: permutation %d gives a different plan:\n%s", name, k, v)
						break
					}
				}
			}
			if changed {
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func files0(a *txtar.Archive) []txtar.File { return append([]txtar.File(nil), a.Files...) }
