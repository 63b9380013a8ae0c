package registry

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/test/synth"
)

// sdlOnly hides SchemaComposer's model: the registry composes to SDL and
// loads it again (the path before ModelComposer).
type sdlOnly struct{ c SchemaComposer }

func (s sdlOnly) Compose(subs []Subgraph) (string, []CompositionError, error) {
	return s.c.Compose(subs)
}

func (s sdlOnly) Diff(old, new *schema.Supergraph) []Change { return s.c.Diff(old, new) }

func largeRegistration(n, types int) []Subgraph {
	sdls := synth.LargeSubgraphs(n, types)
	subs := make([]Subgraph, 0, n)
	for g := range n {
		name := fmt.Sprintf("g%d", g)
		subs = append(subs, Subgraph{Name: name, URL: "http://" + name + "/graphql", SDL: sdls[name]})
	}
	return subs
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRegistryCandidate is what a registration of the 100 synthetic
// subgraphs (2,000 types) costs before the gateway builds its state:
// ParseSubgraph of every SDL, compose (with satisfiability) and the
// supergraph model, with the model handed over (model) or printed and
// loaded again (reload, the baseline).
func BenchmarkRegistryCandidate(b *testing.B) {
	subs := largeRegistration(100, 2000)
	for _, bc := range []struct {
		name string
		c    Composer
	}{{"reload", sdlOnly{}}, {"model", SchemaComposer{}}} {
		b.Run(bc.name, func(b *testing.B) {
			r := New(nil, bc.c, nil)
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				c, res, err := r.candidate(subs, nil)
				if err != nil || res != nil || c.sg == nil {
					b.Fatal(err, res)
				}
			}
			b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// The model handed over is the supergraph its SDL loads to.
func TestModelComposerSameAsReload(t *testing.T) {
	subs := largeRegistration(5, 40)
	fast, res, err := New(nil, SchemaComposer{}, nil).candidate(subs, nil)
	if err != nil || res != nil {
		t.Fatal(err, res)
	}
	slow, res, err := New(nil, sdlOnly{}, nil).candidate(subs, nil)
	if err != nil || res != nil {
		t.Fatal(err, res)
	}
	if fast.sdl != slow.sdl || fast.sg.Version != slow.sg.Version || fast.sg.SDL != fast.sdl {
		t.Fatal("the handed-over model differs from the reloaded one")
	}
	if len(fast.sg.Types) != len(slow.sg.Types) || len(fast.sg.API.Types) != len(slow.sg.API.Types) {
		t.Fatalf("types %d/%d, API types %d/%d", len(fast.sg.Types), len(slow.sg.Types), len(fast.sg.API.Types), len(slow.sg.API.Types))
	}
}
