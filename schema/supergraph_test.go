package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fixtures = []string{"fed2_join03", "fed2_join05", "fed1_core", "join_as"}

func load(t testing.TB, name string) *Supergraph {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".graphql"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSupergraph(string(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from output:\n%s", path, got)
	}
}

// TestGolden compares the model dump and the printed API schema of every
// fixture with its golden files.
func TestGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			s := load(t, name)
			golden(t, filepath.Join("testdata", name+".model.txt"), dumpModel(s))
			golden(t, filepath.Join("testdata", name+".api.graphql"), PrintAPI(s))
		})
	}
}

func TestVersionAndSubgraphs(t *testing.T) {
	s := load(t, "fed2_join03")
	sum := sha256.Sum256([]byte(s.SDL))
	if s.Version != hex.EncodeToString(sum[:]) {
		t.Errorf("Version = %s, want sha256 of SDL", s.Version)
	}
	var names []string
	for _, sg := range s.Subgraphs {
		names = append(names, sg.Name+"="+sg.URL)
	}
	want := "inventory=http://localhost:4004/graphql products=http://localhost:4003/graphql " +
		"reviews=http://localhost:4002/graphql shipping=http://localhost:4005/graphql"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("subgraphs = %s, want %s", got, want)
	}
	if sg := s.Subgraph("reviews"); sg == nil || sg.Enum != "REVIEWS" {
		t.Errorf("Subgraph(reviews) = %+v", sg)
	}
	if s.Subgraph("nope") != nil {
		t.Error("Subgraph(nope) should be nil")
	}
	// Parsing twice gives the same version; another SDL another one.
	s2, err := ParseSupergraph(s.SDL + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if s2.Version == s.Version {
		t.Error("different SDL, same version")
	}
}

// TestModel asserts selected facts of the model directly.
func TestModel(t *testing.T) {
	tests := []struct {
		fixture string
		check   func(t *testing.T, s *Supergraph)
	}{
		{"fed2_join03", func(t *testing.T, s *Supergraph) {
			p := s.Types["Product"]
			if got := p.Subgraphs; strings.Join(got, ",") != "inventory,products,reviews,shipping" {
				t.Errorf("Product.Subgraphs = %v", got)
			}
			keys := p.KeysIn("products")
			if len(keys) != 2 || keys[0].Fields != "upc" || keys[1].Fields != "sku variation { id }" {
				t.Fatalf("Product keys in products = %v", keys)
			}
			if r := p.KeysIn("reviews"); len(r) != 1 || r[0].Resolvable {
				t.Errorf("reviews key should be unresolvable: %v", r)
			}
			if !p.In("shipping") || p.In("nope") {
				t.Error("Product.In wrong")
			}
			if strings.Join(p.Extension, ",") != "shipping" {
				t.Errorf("Extension = %v", p.Extension)
			}
			dims := p.Fields["dimensions"]
			if src := dims.Source("shipping"); src == nil || !src.External {
				t.Errorf("dimensions in shipping should be external: %+v", src)
			}
			if src := dims.Source("products"); src == nil || src.External {
				t.Errorf("dimensions in products should not be external: %+v", src)
			}
			upc := p.Fields["upc"]
			if len(upc.Sources) != 4 {
				t.Errorf("upc (no @join__field) should be in all 4 subgraphs: %v", upc.Sources)
			}
			se := p.Fields["shippingEstimate"].Source("shipping")
			if se == nil || len(se.Requires) != 2 {
				t.Fatalf("shippingEstimate requires: %+v", se)
			}
			if !p.Fields["internalCode"].Inaccessible || p.Fields["name"].Inaccessible {
				t.Error("Inaccessible flags wrong")
			}
			if !s.Types["Secret"].Inaccessible {
				t.Error("Secret should be inaccessible")
			}
			if _, ok := s.Types["join__Graph"]; ok {
				t.Error("join__Graph must not be a Type")
			}
			if _, ok := s.Types["link__Import"]; ok {
				t.Error("link__Import must not be a Type")
			}
			if s.Schema.Types["join__Graph"] == nil {
				t.Error("full schema keeps join__Graph")
			}
			if s.API.Types["join__Graph"] != nil || s.API.Directives["join__type"] != nil || s.API.Types["Secret"] != nil {
				t.Error("API keeps machinery or inaccessible types")
			}
			if s.API.Types["Product"].Fields.ForName("internalCode") != nil {
				t.Error("API keeps inaccessible field")
			}
			if s.API.Query == nil || s.API.Mutation == nil || s.API.Query.Name != "Query" {
				t.Error("API root types not set")
			}
			if pt := s.API.GetPossibleTypes(s.API.Types["SearchResult"]); len(pt) != 1 || pt[0].Name != "Product" {
				t.Errorf("SearchResult possible types = %v", pt)
			}
			if s.API.Directives["upper"] == nil {
				t.Error("custom executable directive dropped")
			}
		}},
		{"fed2_join05", func(t *testing.T, s *Supergraph) {
			m := s.Types["Media"]
			if strings.Join(m.InterfaceObject, ",") != "ratings" {
				t.Errorf("Media.InterfaceObject = %v", m.InterfaceObject)
			}
			if br := s.Types["Book"].Fields["rating"]; len(br.Sources) != 0 {
				t.Errorf("graph-less @join__field adds no source: %v", br.Sources)
			}
			sh := s.Types["Shelf"]
			price := sh.Fields["price"].Source("billing")
			if price.OverrideFrom != "catalog" || price.OverrideLabel != "percent(25)" {
				t.Errorf("price override = %+v", price)
			}
			cost := sh.Fields["cost"]
			if c := cost.Source("catalog"); c == nil || !c.UsedOverridden {
				t.Errorf("cost usedOverridden = %+v", c)
			}
			if c := cost.Source("billing"); c.OverrideFrom != "catalog" || c.OverrideLabel != "" {
				t.Errorf("cost override = %+v", c)
			}
			if sz := sh.Fields["size"].Source("catalog"); sz.Type != "Int!" {
				t.Errorf("size type = %q", sz.Type)
			}
			if !sh.Fields["secret"].Inaccessible {
				t.Error("@hidden (aliased @inaccessible) not honoured")
			}
			for _, d := range []string{"authenticated", "requiresScopes", "policy", "cost", "listSize", "hidden", "label", "join__directive"} {
				if s.API.Directives[d] != nil {
					t.Errorf("API keeps @%s", d)
				}
				if s.Schema.Directives[d] == nil {
					t.Errorf("full schema lost @%s", d)
				}
			}
			if s.API.Types["Plan"].EnumValues.ForName("LEGACY") != nil {
				t.Error("API keeps inaccessible enum value")
			}
			if s.API.Types["Movie"] != nil {
				t.Error("API keeps inaccessible type")
			}
			if pt := s.API.GetPossibleTypes(s.API.Types["Media"]); len(pt) != 1 || pt[0].Name != "Book" {
				t.Errorf("Media possible types = %v", pt)
			}
		}},
		{"fed1_core", func(t *testing.T, s *Supergraph) {
			p := s.Types["Product"]
			name := p.Fields["name"]
			if len(name.Sources) != 1 || name.Sources[0].Subgraph != "products" {
				t.Errorf("owned field name: %v", name.Sources)
			}
			upc := p.Fields["upc"]
			var got []string
			for _, src := range upc.Sources {
				s := src.Subgraph
				if src.External {
					s += "(external)"
				}
				got = append(got, s)
			}
			if strings.Join(got, ",") != "products,reviews(external),warehouse(external)" {
				t.Errorf("key field upc sources: %v", got)
			}
			if strings.Join(p.Extension, ",") != "reviews,warehouse" {
				t.Errorf("Extension = %v", p.Extension)
			}
			if loc := s.Types["Location"]; len(loc.Subgraphs) != 3 {
				t.Errorf("value type in all subgraphs: %v", loc.Subgraphs)
			}
			if m := s.Types["SearchHit"].UnionMembers["reviews"]; strings.Join(m, ",") != "Product,Review" {
				t.Errorf("SearchHit members in reviews = %v", m)
			}
			if m := s.Types["SearchHit"].UnionMembers["warehouse"]; strings.Join(m, ",") != "Product" {
				t.Errorf("SearchHit members in warehouse = %v", m)
			}
			if s.API.Types["core__Purpose"] != nil || s.API.Directives["core"] != nil {
				t.Error("API keeps core machinery")
			}
		}},
		{"join_as", func(t *testing.T, s *Supergraph) {
			u := s.Types["User"]
			if len(u.Keys) != 2 || !u.Fields["email"].Inaccessible {
				t.Errorf("renamed join / inaccessible not read: keys=%v", u.Keys)
			}
			if s.API.Types["fed__Graph"] != nil || s.API.Types["feature__Purpose"] != nil {
				t.Error("API keeps renamed machinery")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) { tt.check(t, load(t, tt.fixture)) })
	}
}
