package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// Golden composition tests: every case of test/federation/testdata (the
// subgraph SDLs and the supergraph @apollo/composition wrote for them) and
// the demo subgraphs are composed by Compose and compared in meaning with
// the committed supergraph: the same API schema printed canonically, and
// the same join facts (types per subgraph, keys, field sources with
// external / requires / provides / type / override / label /
// usedOverridden, implements, union members, enum values) as sorted sets.

// composeDir parses every <name>.graphql of dir except supergraph.graphql.
func composeDir(t *testing.T, dir string, ext string, url func(name string) string) (*Supergraph, error) {
	return composeDirOrder(t, dir, ext, url, false)
}

// composeDirOrder is composeDir, giving Compose the subgraphs in reverse
// name order when reverse is set.
func composeDirOrder(t *testing.T, dir string, ext string, url func(name string) string, reverse bool) (*Supergraph, error) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	if reverse {
		slices.Reverse(files)
	}
	var subs []*SubgraphSchema
	for _, f := range files {
		if filepath.Base(f) == "supergraph.graphql" {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ext)
		s, err := ParseSubgraph(name, url(name), string(raw))
		if err != nil {
			return nil, err
		}
		subs = append(subs, s)
	}
	return Compose(subs)
}

func TestComposeGoldenCases(t *testing.T) {
	dirs, err := filepath.Glob("../test/federation/testdata/*/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 50 {
		t.Fatalf("only %d cases found", len(dirs))
	}
	match, exact := 0, 0
	var failed, inexact []string
	for _, sgFile := range dirs {
		dir := filepath.Dir(sgFile)
		name := filepath.Base(dir)
		ok := t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(sgFile)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseSupergraph(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			got, err := composeDir(t, dir, ".graphql", func(n string) string { return "http://" + n + ".invalid/graphql" })
			if err != nil {
				t.Fatalf("compose: %v", err)
			}
			compareSupergraphs(t, want, got)
			rev, err := composeDirOrder(t, dir, ".graphql", func(n string) string { return "http://" + n + ".invalid/graphql" }, true)
			if err != nil || Print(rev) != Print(got) {
				t.Errorf("composing the subgraphs in reverse order printed another supergraph (err %v)", err)
			}
			// Byte for byte, too: Print follows graphql-js's layout of
			// Apollo's supergraph (type order, directive order, join version).
			if Print(got) == string(raw) {
				exact++
			} else {
				inexact = append(inexact, name)
				t.Errorf("printed supergraph differs from @apollo/composition's text")
			}
		})
		if ok {
			match++
		} else {
			failed = append(failed, name)
		}
	}
	t.Logf("%d of %d cases compose to the committed supergraph's meaning; differing: %v", match, len(dirs), failed)
	t.Logf("%d of %d cases print byte for byte as @apollo/composition did; the others: %v", exact, len(dirs), inexact)
}

func compareSupergraphs(t *testing.T, want, got *Supergraph) {
	t.Helper()
	diffSets(t, "API", canonicalAPI(want.API), canonicalAPI(got.API))
	diffSets(t, "join fact", joinFacts(want), joinFacts(got))
	diffSets(t, "directive", featureDirectives(want), featureDirectives(got))
	// Round trip: the printed supergraph loads into the same model.
	again, err := ParseSupergraph(Print(got))
	if err != nil {
		t.Fatalf("Print(Compose) does not load: %v", err)
	}
	if dumpModel(again) != dumpModel(got) {
		t.Error("ParseSupergraph(Print(sg)) differs from sg")
	}
}

func diffSets(t *testing.T, what string, want, got []string) {
	t.Helper()
	for _, w := range want {
		if _, found := slices.BinarySearch(got, w); !found {
			t.Errorf("%s missing: %s", what, w)
		}
	}
	for _, g := range got {
		if _, found := slices.BinarySearch(want, g); !found {
			t.Errorf("%s unexpected: %s", what, g)
		}
	}
}

// canonicalAPI lists the API schema as sorted facts, one per element.
func canonicalAPI(s *ast.Schema) []string {
	var out []string
	dirs := func(l ast.DirectiveList) string {
		var ds []string
		for _, d := range l {
			var args []string
			for _, a := range d.Arguments {
				args = append(args, a.Name+":"+a.Value.String())
			}
			slices.Sort(args)
			ds = append(ds, "@"+d.Name+"("+strings.Join(args, ",")+")")
		}
		slices.Sort(ds)
		return strings.Join(ds, " ")
	}
	for name, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		ifs := slices.Clone(def.Interfaces)
		slices.Sort(ifs)
		mem := slices.Clone(def.Types)
		slices.Sort(mem)
		out = append(out, fmt.Sprintf("%s %s implements=%v members=%v %s desc=%q", def.Kind, name, ifs, mem, dirs(def.Directives), def.Description))
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			dv := ""
			if f.DefaultValue != nil {
				dv = " = " + f.DefaultValue.String()
			}
			out = append(out, fmt.Sprintf("%s.%s: %s%s %s desc=%q", name, f.Name, f.Type, dv, dirs(f.Directives), f.Description))
			for _, a := range f.Arguments {
				dv := ""
				if a.DefaultValue != nil {
					dv = " = " + a.DefaultValue.String()
				}
				out = append(out, fmt.Sprintf("%s.%s(%s:) %s%s %s", name, f.Name, a.Name, a.Type, dv, dirs(a.Directives)))
			}
		}
		for _, v := range def.EnumValues {
			out = append(out, fmt.Sprintf("%s.%s %s desc=%q", name, v.Name, dirs(v.Directives), v.Description))
		}
	}
	for _, op := range []struct {
		n string
		d *ast.Definition
	}{{"query", s.Query}, {"mutation", s.Mutation}, {"subscription", s.Subscription}} {
		if op.d != nil {
			out = append(out, "root "+op.n+" "+op.d.Name)
		}
	}
	slices.Sort(out)
	return out
}

// joinFacts lists a supergraph's federation metadata as sorted facts.
func joinFacts(s *Supergraph) []string {
	var out []string
	for _, sg := range s.Subgraphs {
		out = append(out, fmt.Sprintf("subgraph %s enum=%s", sg.Name, sg.Enum))
	}
	for name, t := range s.Types {
		for _, sg := range t.Subgraphs {
			ext := slices.Contains(t.Extension, sg)
			io := slices.Contains(t.InterfaceObject, sg)
			out = append(out, fmt.Sprintf("%s in %s interfaceObject=%v extension=%v", name, sg, io, ext))
		}
		if t.Inaccessible {
			out = append(out, name+" inaccessible")
		}
		for _, c := range t.Contexts {
			out = append(out, name+" sets context "+c)
		}
		for _, k := range t.Keys {
			out = append(out, fmt.Sprintf("%s key %s %q resolvable=%v", name, k.Subgraph, k.Fields, k.Resolvable))
		}
		for sg, list := range t.Implements {
			for _, i := range list {
				out = append(out, fmt.Sprintf("%s implements %s in %s", name, i, sg))
			}
		}
		for sg, list := range t.UnionMembers {
			for _, m := range list {
				out = append(out, fmt.Sprintf("%s member %s in %s", name, m, sg))
			}
		}
		for v, list := range t.EnumValues {
			out = append(out, fmt.Sprintf("%s.%s in %v", name, v, list))
		}
		for fn, f := range t.Fields {
			if f.Inaccessible {
				out = append(out, name+"."+fn+" inaccessible")
			}
			for _, src := range f.Sources {
				out = append(out, fmt.Sprintf("%s.%s from %s external=%v type=%q override=%q label=%q usedOverridden=%v requires=%q provides=%q",
					name, fn, src.Subgraph, src.External, src.Type, src.OverrideFrom, src.OverrideLabel, src.UsedOverridden,
					src.RequiresText, src.ProvidesText))
				for _, c := range src.Contexts {
					out = append(out, fmt.Sprintf("%s.%s from %s context argument %s: %s from %s %q",
						name, fn, src.Subgraph, c.Name, c.Type, c.Context, c.Selection))
				}
			}
			if len(f.Sources) == 0 {
				out = append(out, name+"."+fn+" from no subgraph")
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestComposeDemo composes the demo subgraphs' SDL files and compares the
// result with the hand-written subgraphs/supergraph.graphql.
func TestComposeDemo(t *testing.T) {
	raw, err := os.ReadFile("../subgraphs/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseSupergraph(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	var subs []*SubgraphSchema
	for _, name := range []string{"reviews", "accounts", "products", "inventory"} {
		sdl, err := os.ReadFile(filepath.Join("../subgraphs", name, "schema.graphqls"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSubgraph(name, want.Subgraph(name).URL, string(sdl))
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	got, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	compareSupergraphs(t, want, got)
	// Input order never changes the output.
	slices.Reverse(subs)
	again, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	if Print(again) != Print(got) {
		t.Error("composing in another order printed a different supergraph")
	}
}

// featureDirectives lists the non-join directive applications of the full
// supergraph schema (@authenticated, @requiresScopes, @policy, @tag,
// @inaccessible, @cost, composed directives, @deprecated) per element.
func featureDirectives(s *Supergraph) []string {
	var out []string
	add := func(coord string, l ast.DirectiveList) {
		for _, d := range l {
			if strings.HasPrefix(d.Name, "join__") || d.Name == "link" {
				continue
			}
			var args []string
			for _, a := range d.Arguments {
				args = append(args, a.Name+":"+a.Value.String())
			}
			slices.Sort(args)
			out = append(out, fmt.Sprintf("%s @%s(%s)", coord, d.Name, strings.Join(args, ",")))
		}
	}
	for name, def := range s.Schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") {
			continue
		}
		add(name, def.Directives)
		for _, f := range def.Fields {
			add(name+"."+f.Name, f.Directives)
			for _, a := range f.Arguments {
				add(name+"."+f.Name+"("+a.Name+":)", a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			add(name+"."+v.Name, v.Directives)
		}
	}
	slices.Sort(out)
	return out
}
