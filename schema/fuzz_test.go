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
