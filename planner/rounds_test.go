package planner

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestRoundsBenchmark: in the benchmark query's plan, the users chain's
// two products lookups start together (sibling branches after the reviews
// fetch) and form a round; the inventory lookups after each of them are
// ready together again (their round's one answer) and form another. The
// topProducts chain's lookups are ready at other moments: no round.
func TestRoundsBenchmark(t *testing.T) {
	sg, qs := loadArchive(t, "demo")
	p := mustPlan(t, sg, qs["benchmark"])
	got := roundsOf(t, p)
	want := []string{
		"0:inventory@users.@.reviews.@.product + 1:inventory@users.@.reviews.@.product.reviews.@.author.reviews.@.product",
		"0:products@users.@.reviews.@.product + 1:products@users.@.reviews.@.product.reviews.@.author.reviews.@.product",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rounds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// roundsOf lists the rounds of p, one line per round ("member:service@path"
// joined by " + "), sorted.
func roundsOf(t *testing.T, p *Plan) []string {
	t.Helper()
	rounds := map[*Round][]string{}
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Sequence:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *Parallel:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *Defer:
			walk(n.Primary)
			for _, b := range n.Deferred {
				walk(b.Node)
			}
		case *Flatten:
			if rd, m := n.Round(); rd != nil {
				rounds[rd] = append(rounds[rd], fmt.Sprintf("%d:%s@%s", m, n.Node.(*Fetch).Service, strings.Join(n.Path, ".")))
			}
		}
	}
	walk(p.Root)
	var got []string
	for rd, ms := range rounds {
		if rd.Members != len(ms) {
			t.Errorf("round of %d members has %d: %v", rd.Members, len(ms), ms)
		}
		sort.Strings(ms)
		got = append(got, strings.Join(ms, " + "))
	}
	sort.Strings(got)
	return got
}

// TestRoundsDeferred: sibling deferred blocks start together (once the
// primary part is complete), so their first lookups of the same subgraph
// and selection form a round, as a Parallel's branches do.
func TestRoundsDeferred(t *testing.T) {
	sg, _ := loadArchive(t, "demo")
	p := mustPlan(t, sg, `{ topProducts { upc ... @defer(label: "a") { inStock } }
		me { reviews { product { upc ... @defer(label: "b") { inStock } } } } }`)
	got := roundsOf(t, p)
	want := []string{"0:inventory@topProducts.@ + 1:inventory@me.reviews.@.product"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rounds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAssignRounds: only Flattens with the same batch key at the same step
// of branches aligned so far form a round; a step after a lone Flatten, a
// Condition or a root fetch is not aligned.
func TestAssignRounds(t *testing.T) {
	ent := func(svc, sel string) *Flatten {
		return &Flatten{Path: []string{svc}, Node: &Fetch{Service: svc, Requires: ast.SelectionSet{&ast.InlineFragment{TypeCondition: "T", SelectionSet: ast.SelectionSet{&ast.Field{Name: "id"}}}},
			Operation: "query($representations:[_Any!]!){_entities(representations:$representations){...on T{" + sel + "}}}"}}
	}
	a1, a2, a3 := ent("a", "x"), ent("a", "x"), ent("a", "x")
	b1, b2 := ent("b", "y"), ent("b", "y")
	c1, c2 := ent("c", "z"), ent("c", "z")
	other := ent("a", "other")
	cond := &Condition{Variable: "v", If: ent("a", "x")}
	NewPlan("query", &Parallel{Nodes: []Node{
		&Sequence{Nodes: []Node{a1, b1, c1}},
		&Sequence{Nodes: []Node{a2, b2}},
		a3,
		&Sequence{Nodes: []Node{other, c2}},
		cond,
	}})
	for _, c := range []struct {
		fl      *Flatten
		members int
		member  int
	}{{a1, 3, 0}, {a2, 3, 1}, {a3, 3, 2}, {b1, 2, 0}, {b2, 2, 1}, {c1, 0, 0}, {c2, 0, 0}, {other, 0, 0}, {cond.If.(*Flatten), 0, 0}} {
		rd, m := c.fl.Round()
		switch {
		case c.members == 0 && rd != nil:
			t.Errorf("%s@%s: in a round of %d, want none", c.fl.Node.(*Fetch).Service, c.fl.Node.(*Fetch).Operation, rd.Members)
		case c.members > 0 && (rd == nil || rd.Members != c.members || m != c.member):
			t.Errorf("%s: round %v member %d, want %d members, member %d", c.fl.Node.(*Fetch).Service, rd, m, c.members, c.member)
		}
	}
	if a1.Node.(*Fetch).BatchKey() == other.Node.(*Fetch).BatchKey() || a1.Node.(*Fetch).BatchKey() != a2.Node.(*Fetch).BatchKey() {
		t.Error("batch keys: same operation must match, another selection must not")
	}
}
