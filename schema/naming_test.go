package schema

import (
	"os"
	"strings"
	"testing"
)

// TestInaccessibleNaming loads the join_as fixture with @inaccessible
// linked in different ways: each variant names the directive differently.
func TestInaccessibleNaming(t *testing.T) {
	b, err := os.ReadFile("testdata/join_as.graphql")
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	const link = `@feature(url: "https://specs.apollo.dev/inaccessible/v0.2", as: "private", for: SECURITY)`
	tests := []struct {
		name string
		link string // replaces the inaccessible @feature line
		dir  string // local directive name replacing @private
	}{
		{"feature name", `@feature(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)`, "inaccessible"},
		{"renamed feature", link, "private"},
		{"import alias", `@feature(url: "https://specs.apollo.dev/inaccessible/v0.2", import: [{name: "@inaccessible", as: "@hidden"}])`, "hidden"},
		{"import plain", `@feature(url: "https://specs.apollo.dev/inaccessible/v0.2", import: ["@inaccessible"])`, "inaccessible"},
		{"federation default prefix", `@feature(url: "https://specs.apollo.dev/federation/v2.3")`, "federation__inaccessible"},
		{"federation renamed prefix", `@feature(url: "https://specs.apollo.dev/federation/v2.3", as: "fd")`, "fd__inaccessible"},
		{"federation import", `@feature(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])`, "inaccessible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdl := strings.Replace(base, link, tt.link, 1)
			sdl = strings.ReplaceAll(sdl, "@private", "@"+tt.dir)
			s, err := ParseSupergraph(sdl)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Types["User"].Fields["email"].Inaccessible {
				t.Errorf("@%s not read as @inaccessible", tt.dir)
			}
			if s.API.Types["User"].Fields.ForName("email") != nil {
				t.Error("API keeps the inaccessible field")
			}
			if s.API.Directives[tt.dir] != nil {
				t.Errorf("API keeps @%s", tt.dir)
			}
		})
	}
	// A directive that merely looks like @inaccessible under another
	// feature's name does not hide anything.
	sdl := strings.Replace(base, link, `@feature(url: "https://example.dev/other/v1.0")`, 1)
	sdl = strings.ReplaceAll(sdl, "@private", "@other__inaccessible")
	s, err := ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	if s.Types["User"].Fields["email"].Inaccessible {
		t.Error("@other__inaccessible read as @inaccessible")
	}
	if s.API.Types["User"].Fields.ForName("email") == nil {
		t.Error("field lost from API")
	}
}
