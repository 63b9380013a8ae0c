package schema

import (
	"testing"

	"github.com/junction-gateway/junction/test/synth"
)

// TestParseLarge checks the synthetic supergraph the benchmark loads is
// valid and fully read.
func TestParseLarge(t *testing.T) {
	s, err := ParseSupergraph(synth.LargeSupergraph(100, 2000))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Subgraphs) != 100 {
		t.Errorf("subgraphs = %d", len(s.Subgraphs))
	}
	// 2000 objects + 2000 enums + Query + Node
	if len(s.Types) != 4002 {
		t.Errorf("types = %d", len(s.Types))
	}
	t5 := s.Types["T5"]
	keyIn := map[string]bool{}
	for _, k := range t5.Keys {
		keyIn[k.Subgraph] = true
	}
	// g5 and g6 resolve T5; g4 (T4's subgraph, where T4.ref is resolved)
	// declares it with an unresolvable key.
	if len(t5.Keys) != 3 || !keyIn["g4"] || !keyIn["g5"] || !keyIn["g6"] || t5.Fields["label"].Source("g6").Requires == nil {
		t.Errorf("T5 not fully read: keys=%v", t5.Keys)
	}
	if s.API.Types["T5"].Fields.ForName("hidden") != nil {
		t.Error("API keeps inaccessible field")
	}
}

func BenchmarkParseLarge(b *testing.B) {
	sdl := synth.LargeSupergraph(100, 2000)
	b.SetBytes(int64(len(sdl)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSupergraph(sdl); err != nil {
			b.Fatal(err)
		}
	}
}
