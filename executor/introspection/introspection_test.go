package introspection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

const introspectionTestSDL = `
"The test API: products, users and their reviews."
schema {
  query: Query
  mutation: Mutation
}

"An RFC 3339 date-time, e.g. <2026-01-02T03:04:05Z> & more."
scalar DateTime @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")

"Anything with an id."
interface Node {
  id: ID!
}

"""
Something with a price.
Second line with "quotes" and a tab	here.
"""
interface Priced implements Node {
  id: ID!
  price(currency: Currency = USD): Float
}

type Product implements Node & Priced {
  "The product's id."
  id: ID!
  name: String @deprecated(reason: "Use ` + "`title`" + `.")
  title: String!
  price(currency: Currency = USD): Float
  tags(first: Int = 10, "Old filter." prefix: String @deprecated): [String!]!
  reviews: [Review!]!
  createdAt: DateTime
  matrix: [[Int!]]!
}

type User implements Node {
  id: ID!
  name: String
  reviews(filter: ReviewFilter = {minRating: 3, tags: ["a", "b"]}): [Review]
}

type Review implements Node {
  id: ID!
  rating: Int!
  body: String
  author: User
  product: Product
}

"What search finds."
union SearchResult = User | Product | Review

"Currencies."
enum Currency {
  USD
  "Euro."
  EUR
  GBP @deprecated
  JPY @deprecated(reason: "No longer sold in \"yen\".")
}

input ReviewFilter {
  minRating: Int = 1
  tags: [String!] = []
  sort: Sort = {field: RATING, direction: DESC}
  note: String = "say \"hi\"\n\ttwice"
  ratio: Float = 0.5
  legacy: Boolean @deprecated(reason: "gone")
}

input Sort {
  field: SortField! = CREATED
  direction: Direction = ASC
}

enum SortField {
  CREATED
  RATING
}

enum Direction {
  ASC
  DESC
}

"Exactly one way to find a product."
input ProductBy @oneOf {
  id: ID
  title: String
}

type Query {
  node(id: ID!): Node
  product(by: ProductBy!): Product
  search(text: String!, limit: Int = 20): [SearchResult!]!
  reviews(filter: ReviewFilter): [Review!]
}

type Mutation {
  addReview(productId: ID!, rating: Int!, body: String = null): Review
}

"Marks a field for client-side caching."
directive @cached(ttl: Int = 60, scopes: [String!] = ["public"]) repeatable on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
`

// standardIntrospectionQuery is the full introspection query that GraphiQL
// and schema tools send, with every optional part switched on.
const standardIntrospectionQuery = `
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name description isRepeatable locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}

fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) {
    name description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}

fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
`

func loadTestSchema(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	api, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return api
}

// runIntrospection validates query against api, coerces vars, and answers
// every root field with Field, joining the answers into one JSON object
// in selection order.
func runIntrospection(t *testing.T, api *ast.Schema, query string, vars map[string]any) (string, error) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(api, query)
	if len(errs) > 0 {
		t.Fatalf("query does not validate: %v", errs)
	}
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(api, op, vars)
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			t.Fatalf("root selection %T not supported by this helper", sel)
		}
		raw, err := Field(api, f, coerced)
		if err != nil {
			return "", err
		}
		if !json.Valid(raw) {
			t.Fatalf("invalid JSON for %s: %s", f.Name, raw)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", responseKey(f), raw)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// The shape of an introspection result, as a client tool decodes it
// (encoding/json matches the keys case-insensitively).
type (
	introTypeRef struct {
		Kind   string
		Name   *string
		OfType *introTypeRef
	}
	// introMember is a __Field, an __InputValue or an __EnumValue.
	introMember struct {
		Name                      string
		Description, DefaultValue *string
		Args                      []introMember
		Type                      *introTypeRef
		IsDeprecated              bool
		DeprecationReason         *string
	}
	introType struct {
		Kind, Name                  string
		Description, SpecifiedByURL *string
		IsOneOf                     *bool
		Fields, InputFields         []introMember
		EnumValues                  []introMember
		Interfaces, PossibleTypes   []introTypeRef
	}
	introDirective struct {
		Name         string
		Description  *string
		IsRepeatable bool
		Locations    []string
		Args         []introMember
	}
	introSchema struct {
		Description                    *string
		QueryType                      struct{ Name string }
		MutationType, SubscriptionType *struct{ Name string }
		Types                          []introType
		Directives                     []introDirective
	}
)

func decodeSchema(t *testing.T, result string) introSchema {
	t.Helper()
	var out struct {
		Schema introSchema `json:"__schema"`
	}
	dec := json.NewDecoder(strings.NewReader(result))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decode: %v\n%s", err, result)
	}
	return out.Schema
}

// schemaToSDL turns an introspection result back into SDL, leaving out what
// gqlparser's prelude declares. Descriptions are written as JSON strings,
// which are valid GraphQL string literals.
func schemaToSDL(s introSchema) string {
	prelude := validator.PreludeDocument()
	builtin := map[string]bool{}
	for _, d := range prelude.Definitions {
		builtin[d.Name] = true
	}
	for _, d := range prelude.Directives {
		builtin["@"+d.Name] = true
	}
	var b strings.Builder
	desc := func(indent string, d *string) {
		if d != nil {
			q, _ := json.Marshal(*d)
			b.WriteString(indent + string(q) + "\n")
		}
	}
	deprecated := func(is bool, reason *string) string {
		switch {
		case !is:
			return ""
		case reason == nil || *reason == defaultDeprecationReason:
			return " @deprecated"
		default:
			q, _ := json.Marshal(*reason)
			return " @deprecated(reason: " + string(q) + ")"
		}
	}
	inputValue := func(v introMember) string {
		var ib strings.Builder
		if v.Description != nil {
			q, _ := json.Marshal(*v.Description)
			ib.WriteString(string(q) + " ")
		}
		ib.WriteString(v.Name + ": " + typeRefSDL(v.Type))
		if v.DefaultValue != nil {
			ib.WriteString(" = " + *v.DefaultValue)
		}
		ib.WriteString(deprecated(v.IsDeprecated, v.DeprecationReason))
		return ib.String()
	}
	args := func(list []introMember) string {
		if len(list) == 0 {
			return ""
		}
		parts := make([]string, len(list))
		for i, a := range list {
			parts[i] = inputValue(a)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	if s.Description != nil || s.QueryType.Name != "Query" ||
		(s.MutationType != nil && s.MutationType.Name != "Mutation") ||
		(s.SubscriptionType != nil && s.SubscriptionType.Name != "Subscription") {
		desc("", s.Description)
		b.WriteString("schema {\n  query: " + s.QueryType.Name + "\n")
		if s.MutationType != nil {
			b.WriteString("  mutation: " + s.MutationType.Name + "\n")
		}
		if s.SubscriptionType != nil {
			b.WriteString("  subscription: " + s.SubscriptionType.Name + "\n")
		}
		b.WriteString("}\n")
	}
	for _, d := range s.Directives {
		if builtin["@"+d.Name] {
			continue
		}
		desc("", d.Description)
		b.WriteString("directive @" + d.Name + args(d.Args))
		if d.IsRepeatable {
			b.WriteString(" repeatable")
		}
		b.WriteString(" on " + strings.Join(d.Locations, " | ") + "\n")
	}
	for _, ty := range s.Types {
		if builtin[ty.Name] {
			continue
		}
		desc("", ty.Description)
		switch ty.Kind {
		case "SCALAR":
			b.WriteString("scalar " + ty.Name)
			if ty.SpecifiedByURL != nil {
				q, _ := json.Marshal(*ty.SpecifiedByURL)
				b.WriteString(" @specifiedBy(url: " + string(q) + ")")
			}
			b.WriteString("\n")
		case "OBJECT", "INTERFACE":
			kw := map[string]string{"OBJECT": "type", "INTERFACE": "interface"}[ty.Kind]
			b.WriteString(kw + " " + ty.Name)
			if len(ty.Interfaces) > 0 {
				b.WriteString(" implements " + strings.Join(names(ty.Interfaces), " & "))
			}
			b.WriteString(" {\n")
			for _, f := range ty.Fields {
				desc("  ", f.Description)
				b.WriteString("  " + f.Name + args(f.Args) + ": " + typeRefSDL(f.Type) +
					deprecated(f.IsDeprecated, f.DeprecationReason) + "\n")
			}
			b.WriteString("}\n")
		case "UNION":
			b.WriteString("union " + ty.Name + " = " + strings.Join(names(ty.PossibleTypes), " | ") + "\n")
		case "ENUM":
			b.WriteString("enum " + ty.Name + " {\n")
			for _, v := range ty.EnumValues {
				desc("  ", v.Description)
				b.WriteString("  " + v.Name + deprecated(v.IsDeprecated, v.DeprecationReason) + "\n")
			}
			b.WriteString("}\n")
		case "INPUT_OBJECT":
			b.WriteString("input " + ty.Name)
			if ty.IsOneOf != nil && *ty.IsOneOf {
				b.WriteString(" @oneOf")
			}
			b.WriteString(" {\n")
			for _, f := range ty.InputFields {
				b.WriteString("  " + inputValue(f) + "\n")
			}
			b.WriteString("}\n")
		}
	}
	return b.String()
}

func typeRefSDL(r *introTypeRef) string {
	switch {
	case r == nil:
		return "<missing>"
	case r.Kind == "NON_NULL":
		return typeRefSDL(r.OfType) + "!"
	case r.Kind == "LIST":
		return "[" + typeRefSDL(r.OfType) + "]"
	case r.Name != nil:
		return *r.Name
	default:
		return "<unnamed " + r.Kind + ">"
	}
}

func formatSchema(s *ast.Schema) string {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatSchema(s)
	return buf.String()
}

// TestIntrospectRoundTrip answers the standard introspection query, rebuilds
// SDL from the answer, and compares the two schemas as gqlparser prints them.
func TestIntrospectRoundTrip(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	result, err := runIntrospection(t, api, standardIntrospectionQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	sdl := schemaToSDL(decodeSchema(t, result))
	rebuilt, gerr := gqlparser.LoadSchema(&ast.Source{Name: "rebuilt.graphql", Input: sdl})
	if gerr != nil {
		t.Fatalf("rebuilt SDL does not load: %v\n%s", gerr, sdl)
	}
	want, got := formatSchema(api), formatSchema(rebuilt)
	if !strings.Contains(want, "type Product implements Node & Priced") || !strings.Contains(want, "directive @cached") {
		t.Fatalf("formatter output lacks the test schema:\n%s", want)
	}
	if want != got {
		t.Errorf("round trip differs\n--- original\n%s\n--- from introspection\n%s", want, got)
	}
	if rebuilt.Description != api.Description {
		t.Errorf("schema description %q, want %q", rebuilt.Description, api.Description)
	}
	again, err := runIntrospection(t, api, standardIntrospectionQuery, nil)
	if err != nil || again != result {
		t.Errorf("second run differs (err %v)", err)
	}
}

func findType(t *testing.T, s introSchema, name string) introType {
	t.Helper()
	for _, ty := range s.Types {
		if ty.Name == name {
			return ty
		}
	}
	t.Fatalf("type %s not in introspection", name)
	return introType{}
}

func optString(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func names(refs []introTypeRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = typeRefSDL(&r)
	}
	return out
}

// TestIntrospectStandardQuery checks what the round trip cannot see: the
// lists and their order, null versus empty, the exact defaultValue text.
func TestIntrospectStandardQuery(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	result, err := runIntrospection(t, api, standardIntrospectionQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := decodeSchema(t, result)
	if optString(s.Description) != api.Description || api.Description == "" {
		t.Errorf("description %q, schema has %q", optString(s.Description), api.Description)
	}
	if s.QueryType.Name != "Query" || s.MutationType == nil || s.MutationType.Name != "Mutation" || s.SubscriptionType != nil {
		t.Errorf("root types: %+v %+v %+v", s.QueryType, s.MutationType, s.SubscriptionType)
	}
	var typeNames, dirNames []string
	for _, ty := range s.Types {
		typeNames = append(typeNames, ty.Name)
	}
	if len(typeNames) != len(api.Types) || !slices.IsSorted(typeNames) {
		t.Errorf("types not all of api.Types sorted by name: %v", typeNames)
	}
	for _, name := range []string{"Boolean", "DateTime", "ID", "String", "__Schema", "__Type", "__TypeKind", "__DirectiveLocation"} {
		if !slices.Contains(typeNames, name) {
			t.Errorf("type %s missing", name)
		}
	}
	for _, d := range s.Directives {
		dirNames = append(dirNames, d.Name)
	}
	if want := []string{"cached", "defer", "deprecated", "include", "oneOf", "skip", "specifiedBy"}; !slices.Equal(dirNames, want) {
		t.Errorf("directives %v, want %v", dirNames, want)
	}

	if dt := findType(t, s, "DateTime"); optString(dt.SpecifiedByURL) != "https://tools.ietf.org/html/rfc3339" || dt.Fields != nil || dt.IsOneOf != nil {
		t.Errorf("DateTime: %+v", dt)
	}
	if str := findType(t, s, "String"); str.SpecifiedByURL != nil || str.Kind != "SCALAR" || str.Description == nil {
		t.Errorf("String: %+v", str)
	}
	query := findType(t, s, "Query")
	for _, f := range query.Fields {
		if strings.HasPrefix(f.Name, "__") {
			t.Errorf("Query lists meta field %s", f.Name)
		}
	}
	if query.Interfaces == nil || len(query.Interfaces) != 0 || query.EnumValues != nil || query.InputFields != nil || query.PossibleTypes != nil {
		t.Errorf("Query lists: %+v", query)
	}
	if got := names(findType(t, s, "Node").PossibleTypes); !slices.Equal(got, []string{"Product", "Review", "User"}) {
		t.Errorf("Node possible types %v, want sorted", got)
	}
	if got := names(findType(t, s, "SearchResult").PossibleTypes); !slices.Equal(got, []string{"User", "Product", "Review"}) {
		t.Errorf("SearchResult members %v, want declared order", got)
	}
	if got := findType(t, s, "Currency").EnumValues; len(got) != 4 || optString(got[2].DeprecationReason) != defaultDeprecationReason {
		t.Errorf("Currency values %+v", got)
	}
	if by := findType(t, s, "ProductBy"); by.IsOneOf == nil || !*by.IsOneOf {
		t.Errorf("ProductBy isOneOf %v", by.IsOneOf)
	}

	// defaultValue is GraphQL literal text, printed like graphql-js does.
	defaults := map[string]string{}
	addDefaults := func(owner string, vals []introMember) {
		for _, v := range vals {
			defaults[owner+"."+v.Name] = optString(v.DefaultValue)
		}
	}
	for _, ty := range s.Types {
		addDefaults(ty.Name, ty.InputFields)
		for _, f := range ty.Fields {
			addDefaults(ty.Name+"."+f.Name, f.Args)
		}
	}
	for _, d := range s.Directives {
		addDefaults("@"+d.Name, d.Args)
	}
	for key, want := range map[string]string{
		"ReviewFilter.minRating":    "1",
		"ReviewFilter.tags":         "[]",
		"ReviewFilter.sort":         "{field: RATING, direction: DESC}",
		"ReviewFilter.note":         `"say \"hi\"\n\ttwice"`,
		"ReviewFilter.ratio":        "0.5",
		"ReviewFilter.legacy":       "<null>",
		"Sort.field":                "CREATED",
		"User.reviews.filter":       `{minRating: 3, tags: ["a", "b"]}`,
		"Mutation.addReview.body":   "null",
		"Mutation.addReview.rating": "<null>",
		"Product.tags.first":        "10",
		"@cached.scopes":            `["public"]`,
		"@deprecated.reason":        `"No longer supported"`,
		"@defer.if":                 "true",
		"Query.search.limit":        "20",
		"Product.price.currency":    "USD",
		"Priced.price.currency":     "USD",
		"@specifiedBy.url":          "<null>",
	} {
		if got, ok := defaults[key]; !ok || got != want {
			t.Errorf("default of %s = %s (present %v), want %s", key, got, ok, want)
		}
	}
}

func TestIntrospectQueries(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  string
	}{
		{
			name:  "type by name keeps selection order",
			query: `{ __type(name: "Product") { name kind description } }`,
			want:  `{"__type":{"name":"Product","kind":"OBJECT","description":null}}`,
		},
		{
			name:  "unknown type is null",
			query: `{ __type(name: "Nope") { name } }`,
			want:  `{"__type":null}`,
		},
		{
			name:  "type name from a variable",
			query: `query Q($n: String!) { __type(name: $n) { name kind } }`,
			vars:  map[string]any{"n": "SearchResult"},
			want:  `{"__type":{"name":"SearchResult","kind":"UNION"}}`,
		},
		{
			name:  "type name from a variable default",
			query: `query Q($n: String! = "Direction") { __type(name: $n) { enumValues { name } } }`,
			want:  `{"__type":{"enumValues":[{"name":"ASC"},{"name":"DESC"}]}}`,
		},
		{
			name:  "aliases and __typename",
			query: `{ t: __type(name: "Node") { __typename k: kind n: name p: possibleTypes { name } } s: __schema { __typename q: queryType { name __typename } } }`,
			want: `{"t":{"__typename":"__Type","k":"INTERFACE","n":"Node","p":[{"name":"Product"},{"name":"Review"},{"name":"User"}]},` +
				`"s":{"__typename":"__Schema","q":{"name":"Query","__typename":"__Type"}}}`,
		},
		{
			name:  "same field twice merges sub-selections",
			query: `{ __type(name: "Sort") { inputFields { name } inputFields { defaultValue } name } }`,
			want:  `{"__type":{"inputFields":[{"name":"field","defaultValue":"CREATED"},{"name":"direction","defaultValue":"ASC"}],"name":"Sort"}}`,
		},
		{
			name: "fragments, inline and spread, nested",
			query: `query { __type(name: "Review") { ...T ... on __Type { kind } } }
				fragment T on __Type { name fields { ...F } }
				fragment F on __Field { name ... { type { ...R } } }
				fragment R on __Type { kind name ofType { name } }`,
			want: `{"__type":{"name":"Review","fields":[` +
				`{"name":"id","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"ID"}}},` +
				`{"name":"rating","type":{"kind":"NON_NULL","name":null,"ofType":{"name":"Int"}}},` +
				`{"name":"body","type":{"kind":"SCALAR","name":"String","ofType":null}},` +
				`{"name":"author","type":{"kind":"OBJECT","name":"User","ofType":null}},` +
				`{"name":"product","type":{"kind":"OBJECT","name":"Product","ofType":null}}],"kind":"OBJECT"}}`,
		},
		{
			name: "skip and include with variables",
			query: `query Q($yes: Boolean!, $no: Boolean!) { __type(name: "Currency") {
				name @skip(if: $yes)
				kind @include(if: $yes) @skip(if: false)
				isOneOf @skip(if: true)
				description @include(if: $no)
				... on __Type @skip(if: $no) { enumValues { name } }
				...D @include(if: $no)
			} }
			fragment D on __Type { specifiedByURL }`,
			vars: map[string]any{"yes": true, "no": false},
			want: `{"__type":{"kind":"ENUM","enumValues":[{"name":"USD"},{"name":"EUR"}]}}`,
		},
		{
			name:  "includeDeprecated from a variable",
			query: `query Q($d: Boolean = false) { __type(name: "Currency") { enumValues(includeDeprecated: $d) { name isDeprecated } } }`,
			vars:  map[string]any{"d": true},
			want:  `{"__type":{"enumValues":[{"name":"USD","isDeprecated":false},{"name":"EUR","isDeprecated":false},{"name":"GBP","isDeprecated":true},{"name":"JPY","isDeprecated":true}]}}`,
		},
		{
			name:  "deprecated fields, args and input fields hidden by default",
			query: `{ p: __type(name: "Product") { fields { name args { name } } } f: __type(name: "ReviewFilter") { inputFields { name } } }`,
			want: `{"p":{"fields":[{"name":"id","args":[]},{"name":"title","args":[]},{"name":"price","args":[{"name":"currency"}]},` +
				`{"name":"tags","args":[{"name":"first"}]},{"name":"reviews","args":[]},{"name":"createdAt","args":[]},{"name":"matrix","args":[]}]},` +
				`"f":{"inputFields":[{"name":"minRating"},{"name":"tags"},{"name":"sort"},{"name":"note"},{"name":"ratio"}]}}`,
		},
		{
			name:  "list wrappers",
			query: `{ __type(name: "Product") { fields(includeDeprecated: true) { name type { kind ofType { kind ofType { kind ofType { kind name } } } } } } }`,
			want: `{"__type":{"fields":[{"name":"id","type":{"kind":"NON_NULL","ofType":{"kind":"SCALAR","ofType":null}}},` +
				`{"name":"name","type":{"kind":"SCALAR","ofType":null}},` +
				`{"name":"title","type":{"kind":"NON_NULL","ofType":{"kind":"SCALAR","ofType":null}}},` +
				`{"name":"price","type":{"kind":"SCALAR","ofType":null}},` +
				`{"name":"tags","type":{"kind":"NON_NULL","ofType":{"kind":"LIST","ofType":{"kind":"NON_NULL","ofType":{"kind":"SCALAR","name":"String"}}}}},` +
				`{"name":"reviews","type":{"kind":"NON_NULL","ofType":{"kind":"LIST","ofType":{"kind":"NON_NULL","ofType":{"kind":"OBJECT","name":"Review"}}}}},` +
				`{"name":"createdAt","type":{"kind":"SCALAR","ofType":null}},` +
				`{"name":"matrix","type":{"kind":"NON_NULL","ofType":{"kind":"LIST","ofType":{"kind":"LIST","ofType":{"kind":"NON_NULL","name":null}}}}}]}}`,
		},
		{
			name:  "fields of a non-object kind are null",
			query: `{ __type(name: "Direction") { fields { name } interfaces { name } possibleTypes { name } inputFields { name } ofType { name } isOneOf specifiedByURL } }`,
			want:  `{"__type":{"fields":null,"interfaces":null,"possibleTypes":null,"inputFields":null,"ofType":null,"isOneOf":null,"specifiedByURL":null}}`,
		},
		{
			name:  "description escaping",
			query: `{ __type(name: "DateTime") { description } }`,
			want:  `{"__type":{"description":"An RFC 3339 date-time, e.g. <2026-01-02T03:04:05Z> & more."}}`,
		},
		{
			name:  "root typename",
			query: `{ __typename }`,
			want:  `{"__typename":"Query"}`,
		},
		{
			name:  "directive args with defaults",
			query: `{ __schema { directives { name args { name defaultValue } } } }`,
			want: `{"__schema":{"directives":[` +
				`{"name":"cached","args":[{"name":"ttl","defaultValue":"60"},{"name":"scopes","defaultValue":"[\"public\"]"}]},` +
				`{"name":"defer","args":[{"name":"if","defaultValue":"true"},{"name":"label","defaultValue":null}]},` +
				`{"name":"deprecated","args":[{"name":"reason","defaultValue":"\"No longer supported\""}]},` +
				`{"name":"include","args":[{"name":"if","defaultValue":null}]},` +
				`{"name":"oneOf","args":[]},` +
				`{"name":"skip","args":[{"name":"if","defaultValue":null}]},` +
				`{"name":"specifiedBy","args":[{"name":"url","defaultValue":null}]}]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runIntrospection(t, api, tt.query, tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestIntrospectMerged answers root fields sharing a response key at once.
func TestIntrospectMerged(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	doc, errs := gqlparser.LoadQuery(api, `{ __schema { queryType { name } } __schema { mutationType { name } queryType { kind } } }`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var fields []*ast.Field
	for _, sel := range doc.Operations[0].SelectionSet {
		fields = append(fields, sel.(*ast.Field))
	}
	raw, err := Fields(api, nil, fields, nil)
	if want := `{"queryType":{"name":"Query","kind":"OBJECT"},"mutationType":{"name":"Mutation"}}`; err != nil || string(raw) != want {
		t.Errorf("got %s, %v; want %s", raw, err, want)
	}
	if _, err := Fields(api, nil, []*ast.Field{fields[0], nil}, nil); !errors.Is(err, Err) {
		t.Errorf("nil field in the group: %v", err)
	}
}

// TestIntrospectDepthLimit refuses list fields nested past the limit with a
// client error carrying a path and a code.
func TestIntrospectDepthLimit(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	// Six nested list fields: gqlparser's validation refuses this too, so
	// parse without validating to reach Field's own guard.
	deep := `{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }`
	doc, perr := parser.ParseQuery(&ast.Source{Input: deep})
	if perr != nil {
		t.Fatal(perr)
	}
	_, err := Field(api, doc.Operations[0].SelectionSet[0].(*ast.Field), nil)
	var ge *gqlerror.Error
	if !errors.As(err, &ge) || !errors.Is(err, ErrTooDeep) {
		t.Fatalf("error %v (%T), want a gqlerror wrapping ErrTooDeep", err, err)
	}
	if ge.Extensions["code"] != codeIntrospectionTooDeep || len(ge.Locations) != 1 {
		t.Errorf("error %+v", ge)
	}
	var names []string
	for _, el := range ge.Path {
		if n, ok := el.(ast.PathName); ok {
			names = append(names, string(n))
		}
	}
	if got := strings.Join(names, "."); got != "__schema.types.fields.type.fields.type.fields.type.fields.type.fields" {
		t.Errorf("path %v should end at the sixth list field", ge.Path)
	}
	// The deepest nesting that validation accepts is answered.
	valid := `{ __schema { types { fields { args { type { inputFields { type { enumValues { name } } } } } } } } }`
	if _, err := runIntrospection(t, api, valid, nil); err != nil {
		t.Errorf("five list levels refused: %v", err)
	}
}

// TestIntrospectBadInput feeds hand-built fields that no validated document
// contains: each gives an error wrapping Err, never a panic.
func TestIntrospectBadInput(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	str := func(kind ast.ValueKind, raw string) *ast.Value { return &ast.Value{Kind: kind, Raw: raw} }
	nameArg := ast.ArgumentList{{Name: "name", Value: str(ast.StringValue, "Query")}}
	tests := []struct {
		name  string
		field *ast.Field
	}{
		{"not an introspection field", &ast.Field{Name: "products"}},
		{"unknown schema field", &ast.Field{Name: "__schema", SelectionSet: ast.SelectionSet{&ast.Field{Name: "nope"}}}},
		{"unknown type field", &ast.Field{Name: "__type", Arguments: nameArg, SelectionSet: ast.SelectionSet{&ast.Field{Name: "nope"}}}},
		{"unbound fragment", &ast.Field{Name: "__schema", SelectionSet: ast.SelectionSet{&ast.FragmentSpread{Name: "X"}}}},
		{"name not a string", &ast.Field{Name: "__type", Arguments: ast.ArgumentList{{Name: "name", Value: str(ast.IntValue, "1")}}}},
		{"skip without if", &ast.Field{Name: "__schema", SelectionSet: ast.SelectionSet{
			&ast.Field{Name: "description", Directives: ast.DirectiveList{{Name: "skip"}}}}}},
		{"includeDeprecated not a boolean", &ast.Field{Name: "__type", Arguments: nameArg, SelectionSet: ast.SelectionSet{
			&ast.Field{Name: "fields", Arguments: ast.ArgumentList{{Name: "includeDeprecated", Value: str(ast.StringValue, "yes")}},
				SelectionSet: ast.SelectionSet{&ast.Field{Name: "name"}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := Field(api, tt.field, map[string]any{})
			if !errors.Is(err, Err) {
				t.Errorf("got %s, %v; want an error wrapping Err", raw, err)
			}
		})
	}
	if _, err := Field(nil, &ast.Field{Name: "__schema"}, nil); !errors.Is(err, Err) {
		t.Errorf("nil schema: %v", err)
	}
	if _, err := Field(api, nil, nil); !errors.Is(err, Err) {
		t.Errorf("nil field: %v", err)
	}
}

// TestIntrospectCyclicFragments does not loop on fragments that spread each
// other (validation rejects them; a hand-built document may not).
func TestIntrospectCyclicFragments(t *testing.T) {
	api := loadTestSchema(t, introspectionTestSDL)
	a := &ast.FragmentDefinition{Name: "A", TypeCondition: "__Schema"}
	b := &ast.FragmentDefinition{Name: "B", TypeCondition: "__Schema"}
	a.SelectionSet = ast.SelectionSet{&ast.Field{Name: "description"}, &ast.FragmentSpread{Name: "B", Definition: b}}
	b.SelectionSet = ast.SelectionSet{&ast.FragmentSpread{Name: "A", Definition: a}, &ast.Field{Name: "__typename"}}
	field := &ast.Field{Name: "__schema", SelectionSet: ast.SelectionSet{&ast.FragmentSpread{Name: "A", Definition: a}}}
	raw, err := Field(api, field, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"description":"The test API: products, users and their reviews.","__typename":"__Schema"}`; string(raw) != want {
		t.Errorf("got %s, want %s", raw, want)
	}
}

func TestPrintLiteral(t *testing.T) {
	tests := []struct{ in, want string }{
		{`1`, `1`},
		{`-1.5e3`, `-1.5e3`},
		{`true`, `true`},
		{`null`, `null`},
		{`RED`, `RED`},
		{`"a\"b\\c\nd\u0001é"`, `"a\"b\\c\nd\u0001é"`},
		{`"""block "quoted" text"""`, `"block \"quoted\" text"`},
		{`[1, [2, 3], []]`, `[1, [2, 3], []]`},
		{`{a: {b: [X]}, c: "d"}`, `{a: {b: [X]}, c: "d"}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			api, err := gqlparser.LoadSchema(&ast.Source{Input: "scalar J\ntype Query { f(a: J = " + tt.in + "): Int }"})
			if err != nil {
				t.Fatal(err)
			}
			v := api.Query.Fields.ForName("f").Arguments.ForName("a").DefaultValue
			if got := printLiteral(v); got != tt.want {
				t.Errorf("printLiteral(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkIntrospectStandardQuery(b *testing.B) {
	api, err := gqlparser.LoadSchema(&ast.Source{Input: introspectionTestSDL})
	if err != nil {
		b.Fatal(err)
	}
	doc, errs := gqlparser.LoadQuery(api, standardIntrospectionQuery)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	field := doc.Operations[0].SelectionSet[0].(*ast.Field)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Field(api, field, nil); err != nil {
			b.Fatal(err)
		}
	}
}
