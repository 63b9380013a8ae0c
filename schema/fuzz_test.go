package schema

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseSupergraph: any input either loads or is refused with an error
// wrapping ErrInvalidSupergraph; it never panics.
func FuzzParseSupergraph(f *testing.F) {
	for _, name := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", name+".graphql"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, sdl string) {
		s, err := ParseSupergraph(sdl)
		if err != nil {
			if !errors.Is(err, ErrInvalidSupergraph) {
				t.Fatalf("error does not wrap ErrInvalidSupergraph: %v", err)
			}
			return
		}
		if s.API == nil || s.Schema == nil {
			t.Fatal("loaded supergraph without schemas")
		}
		_ = PrintAPI(s)
	})
}

// FuzzCompose: any subgraph SDL, composed with a fixed second subgraph,
// either composes into a supergraph that loads, or is refused with
// CompositionErrors; it never panics and never gives an INTERNAL error.
func FuzzCompose(f *testing.F) {
	files, _ := filepath.Glob("../test/federation/testdata/*/*.graphql")
	for _, p := range files {
		if filepath.Base(p) == "supergraph.graphql" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	other, err := ParseSubgraph("other", "http://other", `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { other: Product @shareable } type Product @key(fields: "id") { id: ID! name: String @shareable }`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sdl string) {
		s, err := ParseSubgraph("fuzz", "http://fuzz", sdl)
		if err != nil {
			var ce CompositionErrors
			if !errors.As(err, &ce) || len(ce) == 0 {
				t.Fatalf("ParseSubgraph error is not CompositionErrors: %v", err)
			}
			return
		}
		sg, err := Compose([]*SubgraphSchema{s, other})
		if err != nil {
			var ce CompositionErrors
			if !errors.As(err, &ce) || len(ce) == 0 {
				t.Fatalf("Compose error is not CompositionErrors: %v", err)
			}
			for _, e := range ce {
				if e.Code == "INTERNAL" {
					t.Fatalf("internal error for:\n%s\n%v", sdl, e)
				}
			}
			return
		}
		if _, err := ParseSupergraph(Print(sg)); err != nil {
			t.Fatalf("printed supergraph does not load: %v", err)
		}
	})
}
