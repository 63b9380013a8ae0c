package planner

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"golang.org/x/tools/txtar"
)

// orderedParallels returns the printed Parallels of n whose branches were
// regrouped to run writers of a common key in plan order.
func orderedParallels(n Node, out []string) []string {
	switch n := n.(type) {
	case *Sequence:
		for _, c := range n.Nodes {
			out = orderedParallels(c, out)
		}
	case *Parallel:
		if n.branches != nil {
			out = append(out, printNode(n))
		}
		for _, c := range n.Nodes {
			out = orderedParallels(c, out)
		}
	case *Flatten:
		out = orderedParallels(n.Node, out)
	case *Condition:
		out = orderedParallels(n.If, out)
		out = orderedParallels(n.Else, out)
	case *Defer:
		out = orderedParallels(n.Primary, out)
		for _, b := range n.Deferred {
			if b != nil {
				out = orderedParallels(b.Node, out)
			}
		}
	}
	return out
}

func printNode(n Node) string { return Print(&Plan{Kind: ast.Query, Root: n}) }

// TestGoldenPlansKeepParallels: the planner gives each response key one
// source, so none of the golden plans has two concurrent writers of a key:
// ordering adds no serialization to them (their printed plans are checked
// by TestGolden).
func TestGoldenPlansKeepParallels(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	plans := 0
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		g := parseGolden(t, a)
		sg, err := schema.ParseSupergraph(g.sdl(g.graphs, false))
		if err != nil {
			t.Fatalf("%s: supergraph: %v", file, err)
		}
		pl := New(sg, g.opts...)
		for _, f := range a.Files {
			name, ok := strings.CutPrefix(f.Name, "query/")
			if !ok {
				continue
			}
			doc, errs := gqlparser.LoadQuery(sg.API, string(f.Data))
			if errs != nil {
				continue
			}
			p, err := pl.Plan(doc, "")
			if err != nil || p.Root == nil {
				continue
			}
			plans++
			if o := orderedParallels(p.Root, nil); len(o) > 0 {
				t.Errorf("%s %s: Parallel serialized:\n%s", filepath.Base(file), name, strings.Join(o, "\n"))
			}
		}
	}
	if plans < 20 {
		t.Fatalf("only %d plans checked", plans)
	}
}

// TestOrderWrites: branches writing the same key at the same path on
// overlapping types, or one below a key the other writes, run in plan
// order; other branches stay concurrent.
func TestOrderWrites(t *testing.T) {
	api := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { a: Node b: Node }
		interface Node { id: ID! }
		type Book implements Node { id: ID! x: Int y: Int }
		type Film implements Node { id: ID! x: Int y: Int }
		type Song { id: ID! x: Int }`})
	conds := schema.NewTypeConditions(api)
	fl := func(path, typ, key string, svc ...string) *Flatten {
		doc, err := parser.ParseQuery(&ast.Source{Input: "{a{... on " + typ + "{id}}}"})
		if err != nil {
			t.Fatal(err)
		}
		req := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
		return &Flatten{Path: strings.Split(path, "."), Node: &Fetch{
			Service: typ + key + strings.Join(svc, ""), Requires: req,
			Operation: `query($representations:[_Any!]!){_entities(representations:$representations){...on ` + typ + `{` + key + `}}}`,
		}}
	}
	root := func(key string) *Fetch { return &Fetch{Service: "r" + key, Operation: "{" + key + "{id}}"} }
	shape := func(p *Parallel) string {
		var parts []string
		for _, b := range p.Branches() {
			if s, ok := b.(*Sequence); ok {
				var in []string
				for _, c := range s.Nodes {
					in = append(in, name(c))
				}
				parts = append(parts, "seq("+strings.Join(in, " ")+")")
			} else {
				parts = append(parts, name(b))
			}
		}
		return strings.Join(parts, " ")
	}
	for _, c := range []struct {
		name  string
		nodes []Node
		want  string
	}{
		{"same key, type", []Node{fl("a", "Book", "x"), fl("b", "Book", "x"), fl("a", "Book", "x", "2")}, "seq(Bookx@a Bookx2@a) Bookx@b"},
		{"identical fetches", []Node{fl("a", "Book", "x"), fl("a", "Book", "x")}, "Bookx@a Bookx@a"},
		{"other key", []Node{fl("a", "Book", "x"), fl("a", "Book", "y")}, "Bookx@a Booky@a"},
		{"disjoint types", []Node{fl("a", "Book", "x"), fl("a", "Film", "x"), fl("a", "Song", "x")}, "Bookx@a Filmx@a Songx@a"},
		{"interface and implementation", []Node{fl("a", "Node", "x"), fl("a", "Song", "x"), fl("a", "Film", "x")}, "seq(Nodex@a Filmx@a) Songx@a"},
		{"list steps", []Node{fl("a.@", "Book", "x"), fl("a", "Book", "x", "2")}, "seq(Bookx@a.@ Bookx2@a)"},
		{"write below a key", []Node{fl("a", "Book", "x"), fl("a.x", "Song", "y"), fl("a.@.x.@", "Song", "z", "2")}, "seq(Bookx@a Songy@a.x Songz2@a.@.x.@)"},
		{"write below another key", []Node{fl("a", "Book", "x"), fl("a.y", "Song", "x"), fl("a.xx", "Song", "x")}, "Bookx@a Songx@a.y Songx@a.xx"},
		{"root field and a write below it", []Node{&Sequence{Nodes: []Node{root("a")}}, fl("a", "Book", "y"), fl("b", "Book", "y")}, "seq(seq Booky@a) Booky@b"},
		{"root fetches merged in plan order", []Node{root("a"), root("a")}, "ra ra"},
		{"root fetch and a branch", []Node{root("a"), &Sequence{Nodes: []Node{&Fetch{Service: "other", Operation: "{a{id}}"}}}, root("b")}, "seq(ra seq) rb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Parallel{Nodes: c.nodes}
			NewPlan(ast.Query, &Sequence{Nodes: []Node{p}}) // no schema: any two types may overlap
			q := &Parallel{Nodes: c.nodes}
			orderWrites(q, conds)
			if got := shape(q); got != c.want {
				t.Errorf("branches %q, want %q", got, c.want)
			}
			if p.branches == nil && len(c.nodes) > 1 && strings.Contains(c.want, "seq") {
				t.Errorf("without a schema the writers are not ordered")
			}
		})
	}
}

func name(n Node) string {
	switch n := n.(type) {
	case *Flatten:
		return n.Node.(*Fetch).Service + "@" + strings.Join(n.Path, ".")
	case *Fetch:
		return n.Service
	}
	return "seq"
}

// TestOrderDeferred: sibling deferred blocks that write a key in common
// (or one writes below the other's key, or what the other's payload reads
// from the enclosing part) are chained in plan order and print "after";
// a chained block shares no round with the blocks that start first (its
// lookups would wait for a member that waits for them).
func TestOrderDeferred(t *testing.T) {
	fl := func(path, typ, key, svc string) *Flatten {
		return &Flatten{Path: strings.Split(path, "."), Node: &Fetch{
			Service: svc, Requires: ast.SelectionSet{&ast.InlineFragment{TypeCondition: typ,
				SelectionSet: ast.SelectionSet{&ast.Field{Name: "__typename"}, &ast.Field{Name: "id"}}}},
			Operation: `query($representations:[_Any!]!){_entities(representations:$representations){...on ` + typ + `{` + key + `}}}`,
		}}
	}
	block := func(path string, sel string, n Node) *DeferredBlock {
		doc, err := parser.ParseQuery(&ast.Source{Input: "{" + sel + "}"})
		if err != nil {
			t.Fatal(err)
		}
		return &DeferredBlock{Path: strings.Split(path, "."), ParentType: "Book",
			Selection: ast.SelectionSet{&ast.InlineFragment{SelectionSet: doc.Operations[0].SelectionSet}}, Node: n}
	}
	chains := func(d *Defer) string {
		var parts []string
		for _, c := range d.Chains() {
			var in []string
			for _, b := range c {
				for i, x := range d.Deferred {
					if x == b {
						in = append(in, strconv.Itoa(i))
					}
				}
			}
			parts = append(parts, strings.Join(in, ">"))
		}
		return strings.Join(parts, " ")
	}
	for _, c := range []struct {
		name   string
		blocks []*DeferredBlock
		want   string
	}{
		{"same key, other fetches", []*DeferredBlock{
			block("a", "x", fl("a", "Book", "x", "s1")),
			block("a", "y", fl("a", "Book", "y", "s1")),
			block("a", "x z", fl("a", "Book", "x z", "s2")),
		}, "0>2 1"},
		{"identical fetches", []*DeferredBlock{
			block("a", "x", fl("a", "Book", "x", "s1")),
			block("a", "x", fl("a", "Book", "x", "s1")),
		}, "0 1"},
		{"below a key", []*DeferredBlock{
			block("a.@.r", "y", fl("a.@.r", "Book", "y", "s1")),
			block("a", "r { y }", fl("a", "Book", "r{y}", "s2")),
		}, "0>1"},
		{"a read of the enclosing part's value", []*DeferredBlock{
			block("a", "x", nil),
			block("a", "x", fl("a", "Book", "x", "s2")),
			block("a", "__typename", fl("a", "Book", "__typename", "s3")),
		}, "0>1 2"},
		{"nested blocks count", []*DeferredBlock{
			block("a", "y", &Defer{Primary: fl("a", "Book", "y", "s1"), Deferred: []*DeferredBlock{
				block("a", "x", fl("a", "Book", "x", "s1")),
			}}),
			block("a", "x", fl("a", "Book", "x", "s2")),
		}, "0>1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &Defer{Deferred: c.blocks}
			NewPlan(ast.Query, d)
			if got := chains(d); got != c.want {
				t.Errorf("chains %q, want %q", got, c.want)
			}
			printed := printNode(d)
			for i := range c.blocks {
				if a := d.After(i); a >= 0 && !strings.Contains(printed, "after: "+strconv.Itoa(a)+")") {
					t.Errorf("block %d after %d: not printed:\n%s", i, a, printed)
				}
			}
			if !strings.Contains(c.want, ">") && strings.Contains(printed, "after:") {
				t.Errorf("unchained blocks print after:\n%s", printed)
			}
		})
	}
	// Block 1 starts with the lookup block 0 makes (one batch key), then
	// writes x again from another subgraph: chained, it is in no round.
	first := fl("a", "Book", "x", "s1")
	again := fl("a", "Book", "x", "s1")
	d := &Defer{Deferred: []*DeferredBlock{
		block("a", "x", first),
		block("a", "x", &Sequence{Nodes: []Node{again, fl("a", "Book", "x", "s2")}}),
	}}
	NewPlan(ast.Query, d)
	if d.After(1) != 0 {
		t.Fatalf("block 1 not chained after block 0")
	}
	if r, _ := first.Round(); r != nil {
		t.Errorf("block 0's lookup is in a round with the chained block's")
	}
	if r, _ := again.Round(); r != nil {
		t.Errorf("the chained block's lookup is in a round")
	}
}
