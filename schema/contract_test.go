package schema

import (
	"errors"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const contractProducts = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Query {
  products: [Product!]! @tag(name: "public")
  product(upc: ID!, region: Region): Product @tag(name: "public")
  adminStats: Stats @tag(name: "internal")
  search(q: String!): [SearchResult!]! @tag(name: "public")
  filtered(filter: Filter): [Product!]! @tag(name: "public")
  node(id: ID!): Node @tag(name: "public")
}

interface Node @tag(name: "public") {
  id: ID!
}

type Product implements Node @key(fields: "upc") {
  id: ID! @tag(name: "public")
  upc: ID! @tag(name: "public")
  name: String @tag(name: "public")
  cost: Int @tag(name: "internal")
  category: Category @tag(name: "public")
}

enum Category {
  BOOK
  MUSIC
  SECRET @tag(name: "internal")
}

enum Region {
  EU
  US
}

type Stats @tag(name: "internal") {
  count: Int
}

union SearchResult @tag(name: "public") = Product | Stats

input Filter {
  min: Int
  secret: String @tag(name: "internal")
}
`

const contractReviews = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Product @key(fields: "upc") {
  upc: ID!
  reviews: [Review!]! @tag(name: "public") @tag(name: "beta")
}

type Review @tag(name: "public") {
  body: String!
  author: String @tag(name: "pii")
}
`

func contractSupergraph(t *testing.T, sdls ...string) *Supergraph {
	t.Helper()
	names := []string{"products", "reviews", "extra"}
	var subs []*SubgraphSchema
	for i, sdl := range sdls {
		s, err := ParseSubgraph(names[i], "http://"+names[i]+".example/graphql", sdl)
		if err != nil {
			t.Fatalf("ParseSubgraph %s: %v", names[i], err)
		}
		subs = append(subs, s)
	}
	sg, err := Compose(subs)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	return sg
}

// fieldSet lists "Type.field", "Enum.VALUE", "Input.field", "Union=Member"
// and "Type.field(arg:)" of an API schema, for comparison.
func apiElements(s *ast.Schema) map[string]bool {
	out := map[string]bool{}
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		out[name] = true
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			out[name+"."+f.Name] = true
			for _, a := range f.Arguments {
				out[name+"."+f.Name+"("+a.Name+":)"] = true
			}
		}
		for _, v := range def.EnumValues {
			out[name+"."+v.Name] = true
		}
		for _, m := range def.Types {
			out[name+"="+m] = true
		}
	}
	return out
}

func TestContractFilters(t *testing.T) {
	sg := contractSupergraph(t, contractProducts, contractReviews)
	cases := []struct {
		name      string
		filter    ContractFilter
		has, hasn []string
	}{
		{
			name:   "include public",
			filter: ContractFilter{Include: []string{"public"}},
			has: []string{"Query.products", "Query.product(region:)", "Region.EU", "Product.name", "Product.reviews",
				"Review.body", "Review.author", "Category.SECRET", "SearchResult=Product", "Node.id", "Filter.secret"},
			// Stats is tagged internal only: with an include list its field
			// is left out, so the type is empty, so it leaves the union.
			hasn: []string{"Query.adminStats", "Product.cost", "Stats", "SearchResult=Stats"},
		},
		{
			name:   "exclude internal",
			filter: ContractFilter{Exclude: []string{"internal"}},
			has:    []string{"Query.products", "Product.name", "Review.author", "Category.BOOK", "SearchResult=Product", "Filter.min"},
			hasn:   []string{"Query.adminStats", "Product.cost", "Stats", "SearchResult=Stats", "Category.SECRET", "Filter.secret"},
		},
		{
			name:   "include public exclude pii and beta",
			filter: ContractFilter{Include: []string{"public"}, Exclude: []string{"pii", "beta"}},
			has:    []string{"Query.products", "Product.name"},
			// Product.reviews carries beta: excluded, so Review is reached
			// by nothing and leaves the schema.
			hasn: []string{"Product.reviews", "Review", "Review.author", "Product.cost"},
		},
		{
			name:   "exclude a type used as an optional argument",
			filter: ContractFilter{Exclude: []string{"internal", "regions"}},
			has:    []string{"Query.product(upc:)", "Query.product(region:)"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := sg.ContractVariant(Contract{Name: "c", ContractFilter: tc.filter})
			if err != nil {
				t.Fatal(err)
			}
			got := apiElements(v.API)
			for _, h := range tc.has {
				if !got[h] {
					t.Errorf("%s missing from the contract", h)
				}
			}
			for _, h := range tc.hasn {
				if got[h] {
					t.Errorf("%s is in the contract", h)
				}
			}
			// The full supergraph is untouched and shared.
			if !apiElements(sg.API)["Product.cost"] || v.Schema != sg.Schema || v.Types["Product"] != sg.Types["Product"] {
				t.Error("the full supergraph changed or is not shared")
			}
			if v.Version == sg.Version {
				t.Error("a contract has the full supergraph's version")
			}
		})
	}
}

func TestContractValidation(t *testing.T) {
	sg := contractSupergraph(t, contractProducts, contractReviews)
	v, err := sg.ContractVariant(Contract{Name: "web", ContractFilter: ContractFilter{Exclude: []string{"internal"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := gqlparser.LoadQueryWithRules(sg.API, `{ products { cost } }`, nil); errs != nil {
		t.Fatalf("full API refuses cost: %v", errs)
	}
	_, errs := gqlparser.LoadQueryWithRules(v.API, `{ products { cost } }`, nil)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, `Cannot query field "cost" on type "Product"`) {
		t.Fatalf("contract validation = %v, want an unknown field error", errs)
	}
	if _, errs := gqlparser.LoadQueryWithRules(v.API, `{ products { name category } search(q: "x") { ... on Product { upc } } }`, nil); errs != nil {
		t.Fatalf("contract refuses a query inside it: %v", errs)
	}
	if _, errs := gqlparser.LoadQueryWithRules(v.API, `query P { product(upc: "1") { category } } query Q { products { category } }`, nil); errs != nil {
		t.Fatalf("%v", errs)
	}
}

func TestContractErrors(t *testing.T) {
	sg := contractSupergraph(t, contractProducts, contractReviews)
	required := `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
type Query { top(limit: Int! @tag(name: "internal")): [Thing] }
type Thing @key(fields: "id") { id: ID! }
`
	implements := `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
type Query { things: [I] }
interface I { id: ID! }
type Thing implements I @key(fields: "id") { id: ID! @tag(name: "internal") name: String }
`
	cases := []struct {
		name string
		sg   *Supergraph
		c    Contract
		want string
	}{
		{"empty include", sg, Contract{Name: "c", ContractFilter: ContractFilter{Include: []string{"nothing"}}}, "c is empty"},
		{"include and exclude the same", sg, Contract{Name: "c", ContractFilter: ContractFilter{Include: []string{"public"}, Exclude: []string{"public"}}}, "c is empty"},
		{"no tags", sg, Contract{Name: "c"}, "at least one tag"},
		{"bad name", sg, Contract{Name: "a/b", ContractFilter: ContractFilter{Include: []string{"x"}}}, "must match"},
		{"bad tag", sg, Contract{Name: "c", ContractFilter: ContractFilter{Include: []string{"a b"}}}, `tag "a b"`},
		{"required argument", contractSupergraph(t, required), Contract{Name: "c", ContractFilter: ContractFilter{Exclude: []string{"internal"}}}, "required argument Query.top(limit:)"},
		{"implementation loses a field", contractSupergraph(t, implements), Contract{Name: "c", ContractFilter: ContractFilter{Exclude: []string{"internal"}}}, "Thing.id is left out while the interface field I.id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.sg.ContractVariant(tc.c)
			if err == nil || !errors.Is(err, ErrInvalidContract) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalidContract with %q", err, tc.want)
			}
		})
	}
}

func TestApplyContracts(t *testing.T) {
	sg := contractSupergraph(t, contractProducts, contractReviews)
	out, err := ApplyContracts(sg, []Contract{
		{Name: "web", ContractFilter: ContractFilter{Exclude: []string{"internal"}}},
		{Name: "mobile", ContractFilter: ContractFilter{Include: []string{"public"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.Contracts) != 0 {
		t.Fatal("ApplyContracts changed its input")
	}
	if len(out.Contracts) != 2 || out.Contracts[0].Contract != "mobile" || out.Contracts[1].Contract != "web" {
		t.Fatalf("contracts = %v, want mobile, web", out.Contracts)
	}
	if out.ContractNamed("web") != out.Contracts[1] || out.ContractNamed("tv") != nil {
		t.Fatal("ContractNamed")
	}
	if out.Version != sg.Version || out.API != sg.API {
		t.Fatal("the full supergraph's identity changed")
	}
	if _, err := ApplyContracts(sg, []Contract{{Name: "a", ContractFilter: ContractFilter{Include: []string{"x"}}},
		{Name: "a", ContractFilter: ContractFilter{Include: []string{"public"}}}}); err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := ApplyContracts(sg, []Contract{{Name: "bad", ContractFilter: ContractFilter{Include: []string{"nothing"}}}}); !errors.Is(err, ErrInvalidContract) {
		t.Fatalf("empty contract: %v", err)
	}
}
