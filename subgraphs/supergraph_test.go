package subgraphs

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

func TestSupergraphURLs(t *testing.T) {
	t.Parallel()
	urls := map[string]string{
		"accounts": "http://10.0.0.1:9000/graphql",
		"reviews":  `http://h/q?a="b"&c=\d`,
		"unknown":  "http://nowhere/",
	}
	sdl := Supergraph(urls)
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "supergraph.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("supergraph does not validate: %v", err)
	}
	got := graphURLs(t, s)
	want := map[string]string{
		"accounts":  "http://10.0.0.1:9000/graphql",
		"inventory": "http://127.0.0.1:4004/query",
		"products":  "http://127.0.0.1:4002/query",
		"reviews":   `http://h/q?a="b"&c=\d`,
	}
	for _, name := range Names {
		if got[name] != want[name] {
			t.Errorf("url of %s = %q, want %q", name, got[name], want[name])
		}
	}
	if len(got) != len(Names) {
		t.Errorf("join__Graph has %d values, want %d", len(got), len(Names))
	}
	if Supergraph(nil) != supergraphSDL {
		t.Error("Supergraph(nil) differs from the embedded file")
	}
}

// graphURLs reads name -> url from the join__Graph enum.
func graphURLs(t *testing.T, s *ast.Schema) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, v := range s.Types["join__Graph"].EnumValues {
		d := v.Directives.ForName("join__graph")
		if d == nil {
			t.Fatalf("join__Graph.%s has no @join__graph", v.Name)
		}
		out[arg(d, "name")] = arg(d, "url")
	}
	return out
}

// graphEnums reads enum value -> name from the join__Graph enum.
func graphEnums(s *ast.Schema) map[string]string {
	out := map[string]string{}
	for _, v := range s.Types["join__Graph"].EnumValues {
		out[v.Name] = arg(v.Directives.ForName("join__graph"), "name")
	}
	return out
}

func arg(d *ast.Directive, name string) string {
	if d == nil {
		return ""
	}
	a := d.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return ""
	}
	return a.Value.Raw
}

// TestSupergraphMatchesSubgraphs keeps the hand-written supergraph honest:
// the facts it records about each subgraph (types, keys, fields with their
// types, arguments, @external, @requires, @provides) must be exactly the
// facts read from that subgraph's own _service { sdl }.
func TestSupergraphMatchesSubgraphs(t *testing.T) {
	t.Parallel()
	super, err := gqlparser.LoadSchema(&ast.Source{Name: "supergraph.graphql", Input: supergraphSDL})
	if err != nil {
		t.Fatalf("supergraph does not validate: %v", err)
	}
	fromSuper := supergraphFacts(t, super)
	var fromSubgraphs []string
	for _, name := range Names {
		sdl := gqltest.SDL(t, NewServer(name))
		doc, err := parser.ParseSchema(&ast.Source{Name: name, Input: sdl})
		if err != nil {
			t.Fatalf("%s sdl: %v", name, err)
		}
		fromSubgraphs = append(fromSubgraphs, subgraphFacts(name, doc)...)
	}
	slices.Sort(fromSubgraphs)
	for _, f := range fromSubgraphs {
		if !slices.Contains(fromSuper, f) {
			t.Errorf("in the subgraph, missing from the supergraph: %s", f)
		}
	}
	for _, f := range fromSuper {
		if !slices.Contains(fromSubgraphs, f) {
			t.Errorf("in the supergraph, missing from the subgraph: %s", f)
		}
	}
	if len(fromSubgraphs) < 20 {
		t.Errorf("only %d facts read from the subgraphs: %v", len(fromSubgraphs), fromSubgraphs)
	}
}

func typeFact(graph, typ, key string) string {
	return fmt.Sprintf("%s: type %s key=%q", graph, typ, key)
}

func fieldFact(graph, typ string, f *ast.FieldDefinition, fieldType string, external bool, requires, provides string) string {
	var args []string
	for _, a := range f.Arguments {
		s := a.Name + ": " + a.Type.String()
		if a.DefaultValue != nil {
			s += " = " + a.DefaultValue.String()
		}
		args = append(args, s)
	}
	return fmt.Sprintf("%s: field %s.%s(%s): %s external=%t requires=%q provides=%q",
		graph, typ, f.Name, strings.Join(args, ", "), fieldType, external, requires, provides)
}

// supergraphFacts reads the per-subgraph facts from @join__type and
// @join__field. A field with no @join__field belongs to every subgraph that
// declares its type.
func supergraphFacts(t *testing.T, s *ast.Schema) []string {
	t.Helper()
	enums := graphEnums(s)
	graph := func(d *ast.Directive) string {
		g, ok := enums[arg(d, "graph")]
		if !ok {
			t.Errorf("@%s(graph: %s): no such join__Graph value", d.Name, arg(d, "graph"))
		}
		return g
	}
	var facts []string
	for _, def := range s.Types {
		if def.Kind != ast.Object || def.BuiltIn || strings.HasPrefix(def.Name, "__") {
			continue
		}
		var graphs []string
		for _, d := range def.Directives.ForNames("join__type") {
			g := graph(d)
			if !slices.Contains(graphs, g) {
				graphs = append(graphs, g)
			}
			facts = append(facts, typeFact(g, def.Name, arg(d, "key")))
		}
		if len(graphs) == 0 {
			t.Errorf("type %s has no @join__type", def.Name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			joins := f.Directives.ForNames("join__field")
			if len(joins) == 0 {
				for _, g := range graphs {
					facts = append(facts, fieldFact(g, def.Name, f, f.Type.String(), false, "", ""))
				}
				continue
			}
			for _, d := range joins {
				typ := arg(d, "type")
				if typ == "" {
					typ = f.Type.String()
				}
				facts = append(facts, fieldFact(graph(d), def.Name, f, typ, arg(d, "external") == "true",
					arg(d, "requires"), arg(d, "provides")))
			}
		}
	}
	slices.Sort(facts)
	return facts
}

// subgraphFacts reads the same facts from a subgraph's SDL. Every subgraph
// has a Query type (it serves _service), declared or not.
func subgraphFacts(graph string, doc *ast.SchemaDocument) []string {
	facts := []string{typeFact(graph, "Query", "")}
	defs := append(slices.Clone(doc.Definitions), doc.Extensions...)
	for _, def := range defs {
		if def.Kind != ast.Object {
			continue
		}
		keys := def.Directives.ForNames("key")
		for _, k := range keys {
			facts = append(facts, typeFact(graph, def.Name, arg(k, "fields")))
		}
		if len(keys) == 0 && def.Name != "Query" {
			facts = append(facts, typeFact(graph, def.Name, ""))
		}
		for _, f := range def.Fields {
			facts = append(facts, fieldFact(graph, def.Name, f, f.Type.String(),
				f.Directives.ForName("external") != nil,
				arg(f.Directives.ForName("requires"), "fields"),
				arg(f.Directives.ForName("provides"), "fields")))
		}
	}
	return facts
}
