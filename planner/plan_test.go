package planner

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"golang.org/x/tools/txtar"
)

// loadArchive parses testdata/name.txtar and returns its supergraph (graphs
// in ascending order) and its queries by name.
func loadArchive(t testing.TB, name string) (*schema.Supergraph, map[string]string) {
	t.Helper()
	a, err := txtar.ParseFile("testdata/" + name + ".txtar")
	if err != nil {
		t.Fatal(err)
	}
	g := parseGolden(t, a)
	order := append([]string(nil), g.graphs...)
	sort.Strings(order)
	sg, err := schema.ParseSupergraph(g.sdl(order, false))
	if err != nil {
		t.Fatal(err)
	}
	qs := map[string]string{}
	for _, f := range a.Files {
		if n, ok := strings.CutPrefix(f.Name, "query/"); ok {
			qs[strings.TrimSuffix(n, ".graphql")] = string(f.Data)
		}
	}
	return sg, qs
}

func mustPlan(t testing.TB, sg *schema.Supergraph, query string, opts ...Option) *Plan {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(sg.API, query)
	if errs != nil {
		t.Fatal(errs)
	}
	p, err := New(sg, opts...).Plan(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fetches lists the plan's fetches in print order.
func fetches(n Node) []*Fetch {
	switch n := n.(type) {
	case *Sequence:
		var out []*Fetch
		for _, c := range n.Nodes {
			out = append(out, fetches(c)...)
		}
		return out
	case *Parallel:
		var out []*Fetch
		for _, c := range n.Nodes {
			out = append(out, fetches(c)...)
		}
		return out
	case *Flatten:
		return fetches(n.Node)
	case *Condition:
		return append(fetches(n.If), fetches(n.Else)...)
	case *Fetch:
		return []*Fetch{n}
	}
	return nil
}

func TestOperationText(t *testing.T) {
	sg, qs := loadArchive(t, "demo")
	tests := []struct {
		query string
		kind  ast.Operation
		want  []string // Operation of each fetch
		vars  [][]string
	}{
		{qs["variables"], ast.Query, []string{
			`query Q__accounts__0($id:ID!){user(id:$id){name}}`,
			`query Q__products__1($n:Int=3){topProducts(first:$n){name}}`,
		}, [][]string{{"id"}, {"n"}}},
		{qs["skip-include"], ast.Query, []string{
			`query Q__accounts__0($noName:Boolean=false){me{name@skip(if:$noName) username __typename id}}`,
			`query Q__reviews__1($representations:[_Any!]!,$withReviews:Boolean!){_entities(representations:$representations){...on User{reviews@include(if:$withReviews){body}}}}`,
		}, [][]string{{"noName"}, {"withReviews"}}},
		{qs["alias-collision"], ast.Query, []string{
			`query{topProducts{upc:name __typename __junction_upc:upc}}`,
			`query($representations:[_Any!]!){_entities(representations:$representations){...on Product{inStock}}}`,
		}, [][]string{nil, nil}},
	}
	for _, tc := range tests {
		p := mustPlan(t, sg, tc.query)
		if p.Kind != tc.kind {
			t.Errorf("kind %q, want %q", p.Kind, tc.kind)
		}
		fs := fetches(p.Root)
		if len(fs) != len(tc.want) {
			t.Fatalf("%d fetches, want %d:\n%s", len(fs), len(tc.want), Print(p))
		}
		for i, f := range fs {
			if f.Operation != tc.want[i] {
				t.Errorf("fetch %d operation\n got %s\nwant %s", i, f.Operation, tc.want[i])
			}
			if strings.Join(f.Variables, ",") != strings.Join(tc.vars[i], ",") {
				t.Errorf("fetch %d variables %v, want %v", i, f.Variables, tc.vars[i])
			}
			if _, err := parser.ParseQuery(&ast.Source{Input: f.Operation}); err != nil {
				t.Errorf("fetch %d operation does not parse: %v", i, err)
			}
		}
	}
}

func TestRequiresAliases(t *testing.T) {
	sg, qs := loadArchive(t, "demo")
	fs := fetches(mustPlan(t, sg, qs["alias-collision"]).Root)
	frag, ok := fs[1].Requires[0].(*ast.InlineFragment)
	if !ok || frag.TypeCondition != "Product" {
		t.Fatalf("requires: %#v", fs[1].Requires)
	}
	var got []string
	for _, s := range frag.SelectionSet {
		f := s.(*ast.Field)
		got = append(got, f.Name+"<-"+f.Alias)
	}
	if want := "__typename<-__typename upc<-__junction_upc"; strings.Join(got, " ") != want {
		t.Errorf("requires fields %q, want %q", strings.Join(got, " "), want)
	}
	if fs[0].Requires != nil {
		t.Errorf("root fetch has Requires")
	}
}

func TestInterfaceObjectRewrites(t *testing.T) {
	sg, qs := loadArchive(t, "abstract")
	fs := fetches(mustPlan(t, sg, qs["interface-object-field"]).Root)
	if len(fs) != 2 || fs[1].Service != "ratings" {
		t.Fatalf("fetches %v", fs)
	}
	var got []string
	for _, r := range fs[1].InputRewrites {
		got = append(got, strings.Join(r.Path, "/")+"="+r.SetValueTo)
	}
	want := "... on Book/__typename=Media ... on Movie/__typename=Media"
	if strings.Join(got, " ") != want {
		t.Errorf("rewrites %q, want %q", strings.Join(got, " "), want)
	}
	// Entities coming from the interface object need no rewrite.
	fs = fetches(mustPlan(t, sg, qs["from-interface-object"]).Root)
	if len(fs) != 2 || len(fs[1].InputRewrites) != 0 {
		t.Errorf("from-interface-object: rewrites %v", fs[1].InputRewrites)
	}
}

func TestMutationKinds(t *testing.T) {
	sg, qs := loadArchive(t, "ops")
	p := mustPlan(t, sg, qs["mutation-runs"])
	var kinds []string
	for _, f := range fetches(p.Root) {
		kinds = append(kinds, f.Service+":"+string(f.OperationKind))
	}
	if want := "a:mutation b:mutation a:mutation b:query"; strings.Join(kinds, " ") != want {
		t.Errorf("kinds %q, want %q", strings.Join(kinds, " "), want)
	}
	if _, ok := p.Root.(*Sequence); !ok {
		t.Errorf("mutation root is %T, want *Sequence", p.Root)
	}
}

func TestErrors(t *testing.T) {
	sg, _ := loadArchive(t, "demo")
	pl := New(sg)
	doc, errs := gqlparser.LoadQuery(sg.API, "query A { me { id } } query B { users { id } }")
	if errs != nil {
		t.Fatal(errs)
	}
	for _, name := range []string{"", "C"} {
		if _, err := pl.Plan(doc, name); !errors.Is(err, ErrNoOperation) {
			t.Errorf("Plan(%q) error %v, want ErrNoOperation", name, err)
		}
	}
	if _, err := pl.Plan(nil, ""); !errors.Is(err, ErrNoOperation) {
		t.Errorf("nil document: %v", err)
	}
	if p, err := pl.Plan(doc, "B"); err != nil || p.Root == nil {
		t.Errorf("Plan(B) = %v, %v", p, err)
	}
}

const unreachableSG = `
-- graphs --
a
b
-- supergraph.graphql --
type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  t: T @join__field(graph: A)
}

type T
  @join__type(graph: A)
  @join__type(graph: B, key: "id", resolvable: false)
{
  id: ID!
  x: Int @join__field(graph: B)
}
`

func TestUnsatisfiable(t *testing.T) {
	g := parseGolden(t, txtar.Parse([]byte(unreachableSG)))
	sg, err := schema.ParseSupergraph(g.sdl([]string{"a", "b"}, false))
	if err != nil {
		t.Fatal(err)
	}
	doc, errs := gqlparser.LoadQuery(sg.API, "{ t { x } }")
	if errs != nil {
		t.Fatal(errs)
	}
	// The field is left out of the plan and recorded (the executor answers
	// it null with this error), rather than failing the whole plan.
	pl, err := New(sg).Plan(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	x := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet[0].(*ast.Field)
	if e := pl.Unresolved[FieldAt{x.Position.Start, "T"}]; len(pl.Unresolved) != 1 || e == nil || !strings.Contains(e.Message, "T.x") ||
		e.Extensions["code"] != "QUERY_PLANNING_FAILED" {
		t.Errorf("unresolved %v, want T.x", pl.Unresolved)
	}
}

func TestCache(t *testing.T) {
	sg, qs := loadArchive(t, "demo")
	doc, errs := gqlparser.LoadQuery(sg.API, qs["me"])
	if errs != nil {
		t.Fatal(errs)
	}
	pl := New(sg, WithCacheSize(1))
	a, _ := pl.Plan(doc, "")
	b, _ := pl.Plan(doc, "")
	if a != b {
		t.Errorf("second Plan of the same document was not served from the cache")
	}
	doc2, _ := gqlparser.LoadQuery(sg.API, qs["provides"])
	c, _ := pl.Plan(doc2, "")
	if c == a || pl.cache.len() != 1 {
		t.Errorf("LRU of size 1 holds %d plans", pl.cache.len())
	}
	d, _ := pl.Plan(doc, "")
	if d == a || Print(d) != Print(a) {
		t.Errorf("evicted plan not rebuilt identically")
	}
	if New(sg, WithCacheSize(0)).cache != nil {
		t.Errorf("size 0 should disable the cache")
	}
}

func TestConcurrentPlans(t *testing.T) {
	sg, qs := loadArchive(t, "demo")
	doc, errs := gqlparser.LoadQuery(sg.API, qs["benchmark"])
	if errs != nil {
		t.Fatal(errs)
	}
	pl := New(sg, WithCacheSize(4))
	want := Print(mustPlan(t, sg, qs["benchmark"]))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := pl.Plan(doc, "")
			if err != nil || Print(p) != want {
				t.Errorf("concurrent plan differs: %v", err)
			}
		}()
	}
	wg.Wait()
}

func TestPrintNodes(t *testing.T) {
	f := func(s string) *Fetch { return &Fetch{Service: s, Operation: "{a}"} }
	p := &Plan{Root: &Sequence{Nodes: []Node{
		&Condition{Variable: "v", If: f("x"), Else: f("y")},
		&Condition{Variable: "w", Else: f("z")},
		&Fetch{Service: "bad", Operation: "{"},
	}}}
	want := `QueryPlan {
  Sequence {
    Condition(if: $v) {
      Then {
        Fetch(service: "x") {
          {
            a
          }
        },
      } Else {
        Fetch(service: "y") {
          {
            a
          }
        },
      }
    },
    Skip(if: $w) {
      Fetch(service: "z") {
        {
          a
        }
      },
    },
    Fetch(service: "bad") {
      {
        <unparsable operation>
      }
    },
  },
}
`
	if got := Print(p); got != want {
		t.Errorf("Print:\n%s\nwant:\n%s", got, want)
	}
	if got := Print(nil); got != "QueryPlan {\n}\n" {
		t.Errorf("Print(nil) = %q", got)
	}
}

func TestOverrideLabelDefault(t *testing.T) {
	for label, want := range map[string]bool{"percent(100)": true, "percent(50)": false, "percent(x)": false, "beta": false} {
		if DefaultOverrideLabel(label) != want {
			t.Errorf("DefaultOverrideLabel(%q) = %v", label, !want)
		}
	}
}

func BenchmarkPlanCold(b *testing.B) {
	sg, qs := loadArchive(b, "demo")
	doc, errs := gqlparser.LoadQuery(sg.API, qs["benchmark"])
	if errs != nil {
		b.Fatal(errs)
	}
	pl := New(sg, WithCacheSize(0))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pl.Plan(doc, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanCached(b *testing.B) {
	sg, qs := loadArchive(b, "demo")
	doc, errs := gqlparser.LoadQuery(sg.API, qs["benchmark"])
	if errs != nil {
		b.Fatal(errs)
	}
	pl := New(sg)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pl.Plan(doc, ""); err != nil {
			b.Fatal(err)
		}
	}
}
