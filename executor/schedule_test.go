package executor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// TestBenchmarkDAG: in the benchmark query's plan the users chain and the
// topProducts chain never wait for each other, and every fetch waits for
// the fetch its objects (or their @requires fields) come from.
func TestBenchmarkDAG(t *testing.T) {
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		t.Fatal(err)
	}
	doc, perr := parser.ParseQuery(&ast.Source{Input: subgraphs.BenchmarkQuery})
	if perr != nil {
		t.Fatal(perr)
	}
	if errs := validator.Validate(sg.API, doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	p, err := planner.New(sg).Plan(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	d := New(sg).buildDAG(p.Root)
	if d == nil {
		t.Fatal("no graph for a level plan")
	}
	name := func(u *unit) string {
		if u.roots != nil {
			return fmt.Sprintf("L%d roots", u.level)
		}
		f := u.node.(*planner.Flatten)
		return fmt.Sprintf("L%d %s@%s", u.level, f.Node.(*planner.Fetch).Service, strings.Join(f.Path, "."))
	}
	var got strings.Builder
	for i := range d.units {
		u := &d.units[i]
		var deps []string
		for _, j := range u.deps {
			deps = append(deps, name(&d.units[j]))
		}
		fmt.Fprintf(&got, "%s <- %s\n", name(u), strings.Join(deps, ", "))
	}
	want := `L0 roots <- 
L1 reviews@users.@ <- L0 roots
L1 inventory@topProducts.@ <- L0 roots
L1 reviews@topProducts.@ <- L0 roots
L2 products@users.@.reviews.@.product <- L0 roots, L1 reviews@users.@
L2 accounts@users.@.reviews.@.product.reviews.@.author <- L0 roots, L1 reviews@users.@
L2 products@users.@.reviews.@.product.reviews.@.author.reviews.@.product <- L0 roots, L1 reviews@users.@
L2 accounts@topProducts.@.reviews.@.author <- L0 roots, L1 reviews@topProducts.@
L2 products@topProducts.@.reviews.@.author.reviews.@.product <- L0 roots, L1 reviews@topProducts.@
L3 inventory@users.@.reviews.@.product <- L0 roots, L1 reviews@users.@, L2 products@users.@.reviews.@.product
L3 inventory@users.@.reviews.@.product.reviews.@.author.reviews.@.product <- L0 roots, L1 reviews@users.@, L2 products@users.@.reviews.@.product.reviews.@.author.reviews.@.product
L3 inventory@topProducts.@.reviews.@.author.reviews.@.product <- L0 roots, L1 reviews@topProducts.@, L2 products@topProducts.@.reviews.@.author.reviews.@.product
`
	if got.String() != want {
		t.Errorf("graph:\n%s\nwant:\n%s", got.String(), want)
	}
}

// TestDependsOn covers the rules one by one.
func TestDependsOn(t *testing.T) {
	keys := func(ks ...string) []byte { return []byte("\x00" + strings.Join(ks, "\x00") + "\x00") }
	u := func(path string, writes []byte, reads ...string) *unit {
		return &unit{path: strings.Split(path, "/"), writes: writes, reads: reads}
	}
	for _, c := range []struct {
		name       string
		later, was *unit
		want       bool
	}{
		{"same path", u("a/@", keys("x")), u("a/@", keys("y")), true},
		{"objects come from the earlier", u("a/@/b/@", keys("x")), u("a/@", keys("b")), true},
		{"earlier writes elsewhere", u("a/@/b/@", keys("x")), u("a/@", keys("c")), false},
		{"earlier's writes unknown", u("a/@/b/@", keys("x")), u("a/@", nil), true},
		{"later writes the earlier's parent field", u("a/@", keys("b")), u("a/@/b/@", keys("x")), true},
		{"later reads the earlier's parent field", u("a/@", keys("z"), "b"), u("a/@/b/@", keys("x")), true},
		{"later leaves the earlier's subtree alone", u("a/@", keys("z"), "id"), u("a/@/b/@", keys("x")), false},
		{"unrelated paths", u("a/@/b", keys("x")), u("c/@", keys("b")), false},
		{"type conditions where the paths part", u("n/... on A", keys("x")), u("n/... on B", keys("x")), true},
		{"barrier", u("a", keys("x")), &unit{barrier: true}, true},
	} {
		if got := dependsOn(c.later, c.was); got != c.want {
			t.Errorf("%s: dependsOn = %v, want %v", c.name, got, c.want)
		}
	}
}
