package schema

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestAPIValidatesClientQueries checks the API schema is what clients
// validate against: accessible elements pass, inaccessible or internal
// ones fail.
func TestAPIValidatesClientQueries(t *testing.T) {
	tests := []struct {
		fixture string
		query   string
		wantErr string // empty: valid
	}{
		{"fed2_join03", `{ topProducts(first: 2) { upc name price(currency: EUR) reviews { body rating } } }`, ""},
		{"fed2_join03", `{ search(q: "x") { ... on Product { upc } __typename } }`, ""},
		{"fed2_join03", `mutation { addReview(upc: "1", body: "ok") { id } }`, ""},
		{"fed2_join03", `{ topProducts { name @upper } }`, ""},
		{"fed2_join03", `{ topProducts { oldName } }`, ""},
		{"fed2_join03", `{ __schema { types { name } } }`, ""},
		{"fed2_join03", `{ topProducts { internalCode } }`, `Cannot query field "internalCode"`},
		{"fed2_join03", `{ topProducts(debug: true) { upc } }`, `Unknown argument "debug"`},
		{"fed2_join03", `{ search(q: "x") { ... on Secret { code } } }`, `Unknown type "Secret"`},
		{"fed2_join03", `{ topProducts { price(currency: XTS) } }`, `XTS`},
		{"fed2_join03", `query($g: join__Graph) { topProducts { upc } }`, `join__Graph`},
		{"fed2_join03", `{ topProducts { upc @join__field(graph: PRODUCTS) } }`, `Unknown directive "@join__field"`},
		{"fed2_join05", `{ media { id title rating ... on Book { author } } shelf { size(unit: "cm") price { amount } } }`, ""},
		{"fed2_join05", `{ shelf { secret } }`, `Cannot query field "secret"`},
		{"fed2_join05", `{ shelf { size(debug: true) } }`, `Unknown argument "debug"`},
		{"fed2_join05", `{ media { ... on Movie { id } } }`, `Unknown type "Movie"`},
		{"fed2_join05", `{ media { title @localize(lang: "fr") } }`, ""},
		{"fed2_join05", `{ me { plan } }`, ""},
		{"fed1_core", `{ topProducts { upc reviews { related { ... on Review { id } } } } node(id: "1") { id } }`, ""},
		{"fed1_core", `{ legacy }`, `Cannot query field "legacy"`},
		{"join_as", `{ user(id: "1") { name } }`, ""},
		{"join_as", `{ user(id: "1") { email } }`, `Cannot query field "email"`},
	}
	cache := map[string]*Supergraph{}
	for _, tt := range tests {
		t.Run(tt.fixture+" "+tt.query, func(t *testing.T) {
			s := cache[tt.fixture]
			if s == nil {
				s = load(t, tt.fixture)
				cache[tt.fixture] = s
			}
			_, errs := gqlparser.LoadQuery(s.API, tt.query)
			switch {
			case tt.wantErr == "" && len(errs) > 0:
				t.Errorf("unexpected errors: %v", errs)
			case tt.wantErr != "" && len(errs) == 0:
				t.Errorf("no error, want %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(errs.Error(), tt.wantErr):
				t.Errorf("errors %v do not mention %q", errs, tt.wantErr)
			}
		})
	}
}

// TestPrintAPIDeterministic: printing twice, and loading the same SDL
// twice, gives the same text; the printed API loads as a schema.
func TestPrintAPIDeterministic(t *testing.T) {
	for _, name := range fixtures {
		a, b := load(t, name), load(t, name)
		pa := PrintAPI(a)
		if pa != PrintAPI(a) || pa != PrintAPI(b) {
			t.Errorf("%s: PrintAPI not deterministic", name)
		}
		if _, err := gqlparser.LoadSchema(&ast.Source{Input: pa}); err != nil {
			t.Errorf("%s: printed API does not load: %v", name, err)
		}
		if dumpModel(a) != dumpModel(b) {
			t.Errorf("%s: model not deterministic", name)
		}
	}
}
