package compose

import (
	"fmt"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/synth"
)

func BenchmarkSatisfiabilityLarge(b *testing.B) {
	sdls := synth.LargeSubgraphs(100, 2000)
	var subs []*schema.SubgraphSchema
	for g := range 100 {
		name := fmt.Sprintf("g%d", g)
		s, err := schema.ParseSubgraph(name, "http://"+name, sdls[name])
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, s)
	}
	sg, err := schema.Compose(subs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := Satisfiability(sg); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
