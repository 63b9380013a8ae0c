package planner

import (
	"strings"
	"testing"
)

// before returns, for every Fetch under n (by Service), the fetches that
// have certainly finished when it starts, given that everything in done
// has finished before n starts.
func before(n Node, done []string, into map[string][]string) []string {
	switch n := n.(type) {
	case *Fetch:
		into[n.Service] = append([]string(nil), done...)
		return append(append([]string(nil), done...), n.Service)
	case *Sequence:
		for _, c := range n.Nodes {
			done = before(c, done, into)
		}
		return done
	case *Parallel:
		out := append([]string(nil), done...)
		for _, c := range n.Nodes {
			all := before(c, done, into)
			out = append(out, all[len(done):]...)
		}
		return out
	}
	return done
}

func shapeOf(n Node) string {
	switch n := n.(type) {
	case *Fetch:
		return n.Service
	case *Sequence:
		var parts []string
		for _, c := range n.Nodes {
			parts = append(parts, shapeOf(c))
		}
		return "Seq(" + strings.Join(parts, " ") + ")"
	case *Parallel:
		var parts []string
		for _, c := range n.Nodes {
			parts = append(parts, shapeOf(c))
		}
		return "Par(" + strings.Join(parts, " ") + ")"
	}
	return "?"
}

// TestNest: every dependency is respected, a forest is nested exactly
// (nothing waits for a fetch it does not need), and root fetches writing a
// common root key stay in one Parallel.
func TestNest(t *testing.T) {
	type edge struct{ from, to string } // to depends on from
	for _, c := range []struct {
		name     string
		groups   string // names in group order
		deps     []edge
		overlaps [][2]string
		want     string
	}{
		{"independent", "a b c", nil, nil, "Par(a b c)"},
		{"chain", "a b c", []edge{{"a", "b"}, {"b", "c"}}, nil, "Seq(a b c)"},
		{"two chains", "a b c d", []edge{{"a", "c"}, {"b", "d"}}, nil, "Par(Seq(a c) Seq(b d))"},
		{"tree", "a b c d e", []edge{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "e"}}, nil,
			"Seq(a Par(Seq(b d) Seq(c e)))"},
		{"diamond", "a b c d", []edge{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}}, nil,
			"Seq(a Par(b c) d)"},
		// Not series-parallel: d waits for a too (conservative).
		{"N", "a b c d", []edge{{"a", "c"}, {"b", "c"}, {"b", "d"}}, nil, "Seq(Par(a b) Par(c d))"},
		{"overlapping roots", "a b c d", []edge{{"a", "c"}}, [][2]string{{"a", "b"}}, "Par(Seq(Par(a b) c) d)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			byName := map[string]*group{}
			var gs []*group
			for i, n := range strings.Fields(c.groups) {
				g := &group{id: i, service: n}
				byName[n] = g
				gs = append(gs, g)
			}
			deps := map[*group][]*group{}
			for _, e := range c.deps {
				deps[byName[e.to]] = append(deps[byName[e.to]], byName[e.from])
			}
			ov := map[*group][]*group{}
			for _, o := range c.overlaps {
				a, b := byName[o[0]], byName[o[1]]
				ov[a] = append(ov[a], b)
				ov[b] = append(ov[b], a)
			}
			nodes := map[*group]Node{}
			for _, g := range gs {
				nodes[g] = &Fetch{Service: g.service}
			}
			n := nest(gs, deps, ov, nodes)
			if got := shapeOf(n); got != c.want {
				t.Errorf("nest = %s, want %s", got, c.want)
			}
			done := map[string][]string{}
			before(n, nil, done)
			for _, e := range c.deps {
				found := false
				for _, d := range done[e.to] {
					found = found || d == e.from
				}
				if !found {
					t.Errorf("%s may start before %s, which it depends on", e.to, e.from)
				}
			}
		})
	}
}

// TestRootOverlaps: root groups writing a common root response key (also
// through an inline fragment) are paired; entity groups never are.
func TestRootOverlaps(t *testing.T) {
	field := func(k string) *selNode { return &selNode{respKey: k, name: k} }
	root := func(id int, ns ...*selNode) *group { return &group{id: id, sel: &selNode{children: ns}} }
	a := root(0, field("me"), field("x"))
	b := root(1, &selNode{typeCond: "Query", children: []*selNode{field("me")}})
	c := root(2, field("y"))
	e := &group{id: 3, entity: true, sel: &selNode{children: []*selNode{field("me")}}}
	ov := rootOverlaps([]*group{a, b, c, e})
	if len(ov[a]) != 1 || ov[a][0] != b || len(ov[b]) != 1 || ov[b][0] != a {
		t.Errorf("a and b both write me: got a:%v b:%v", ov[a], ov[b])
	}
	if len(ov[c]) != 0 || len(ov[e]) != 0 {
		t.Errorf("c and e overlap nothing: got c:%v e:%v", ov[c], ov[e])
	}
}
