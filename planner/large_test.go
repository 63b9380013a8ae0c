package planner

import (
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/synth"
)

// largeSetup loads the synthetic supergraph of 100 subgraphs and 2,000
// entity types and an operation on it that crosses subgraphs.
func largeSetup(tb testing.TB) (*schema.Supergraph, string) {
	tb.Helper()
	sg, err := schema.ParseSupergraph(synth.LargeSupergraph(100, 2000))
	if err != nil {
		tb.Fatal(err)
	}
	return sg, synth.LargeQuery(10, 3)
}

// TestPlanLarge checks that the large operation plans and reaches every
// subgraph it should: each root's type lives in two subgraphs.
func TestPlanLarge(t *testing.T) {
	sg, q := largeSetup(t)
	doc, errs := gqlparser.LoadQuery(sg.API, q)
	if errs != nil {
		t.Fatal(errs)
	}
	p, err := New(sg).Plan(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]bool{}
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
		case *Flatten:
			walk(n.Node)
		case *Fetch:
			services[n.Service] = true
		}
	}
	walk(p.Root)
	// Roots t0..t9 live in g0..g9; following ref three times reaches types
	// up to T12, whose fields live in g0..g13.
	if len(services) < 10 {
		t.Errorf("plan reaches %d subgraphs, want at least 10:\n%s", len(services), Print(p))
	}
}

// BenchmarkPlanLargeCold plans the large operation with no plan cache.
func BenchmarkPlanLargeCold(b *testing.B) {
	sg, q := largeSetup(b)
	doc, errs := gqlparser.LoadQuery(sg.API, q)
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

// BenchmarkPlanLargeCached is the same operation from the plan cache.
func BenchmarkPlanLargeCached(b *testing.B) {
	sg, q := largeSetup(b)
	doc, errs := gqlparser.LoadQuery(sg.API, q)
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

// BenchmarkNewLarge builds a planner for the large supergraph (the part of
// loading a supergraph that the planner owns).
func BenchmarkNewLarge(b *testing.B) {
	sg, _ := largeSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		New(sg)
	}
}
