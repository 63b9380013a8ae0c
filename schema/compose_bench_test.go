package schema

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/test/synth"
)

func largeSubgraphs(tb testing.TB, n, types int) []*SubgraphSchema {
	tb.Helper()
	sdls := synth.LargeSubgraphs(n, types)
	var subs []*SubgraphSchema
	for g := range n {
		name := fmt.Sprintf("g%d", g)
		s, err := ParseSubgraph(name, "http://"+name+"/graphql", sdls[name])
		if err != nil {
			tb.Fatal(err)
		}
		subs = append(subs, s)
	}
	return subs
}

// TestComposeLarge checks the synthetic subgraphs compose into the shape
// the benchmark claims.
func TestComposeLarge(t *testing.T) {
	sg, err := Compose(largeSubgraphs(t, 100, 2000))
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.Subgraphs) != 100 || len(sg.API.Types["Query"].Fields) < 2000 {
		t.Fatalf("subgraphs=%d", len(sg.Subgraphs))
	}
	t5 := sg.Types["T5"]
	if len(t5.Keys) != 3 || t5.Fields["label"].Source("g6").Requires == nil || !t5.Fields["hidden"].Inaccessible {
		t.Errorf("T5 not composed as expected: keys=%v", t5.Keys)
	}
	if sg.API.Types["T5"].Fields.ForName("hidden") != nil || sg.API.Types["Kind5"].EnumValues.ForName("C") != nil {
		t.Error("API keeps inaccessible elements")
	}
}

// BenchmarkComposeLarge: Compose of 100 parsed subgraphs / 2,000 entity
// types (and 2,000 enums), printing and loading the result included.
func BenchmarkComposeLarge(b *testing.B) {
	subs := largeSubgraphs(b, 100, 2000)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Compose(subs); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime is the process's user+system CPU time. On a shared machine the
// wall time of a benchmark mostly measures the other processes; the CPU
// time per operation (cpu-ms/op) is reported beside it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkLoadLargeSupergraph is the baseline: ParseSupergraph of the
// supergraph BenchmarkComposeLarge composes (what loading a rover-composed
// file costs).
func BenchmarkLoadLargeSupergraph(b *testing.B) {
	sg, err := Compose(largeSubgraphs(b, 100, 2000))
	if err != nil {
		b.Fatal(err)
	}
	sdl := Print(sg)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ParseSupergraph(sdl); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkParseAndComposeLarge: ParseSubgraph of the 100 SDLs plus Compose.
func BenchmarkParseAndComposeLarge(b *testing.B) {
	sdls := synth.LargeSubgraphs(100, 2000)
	b.ReportAllocs()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for b.Loop() {
		var subs []*SubgraphSchema
		for g := range 100 {
			name := fmt.Sprintf("g%d", g)
			s, err := ParseSubgraph(name, "http://"+name+"/graphql", sdls[name])
			if err != nil {
				b.Fatal(err)
			}
			subs = append(subs, s)
		}
		if _, err := Compose(subs); err != nil {
			b.Fatal(err)
		}
	}
}
