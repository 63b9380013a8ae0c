package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestParseSubgraphNaming: the same subgraph written with imports, renamed
// imports, the federation__ prefix, a renamed prefix, and as Fed 1 with
// what a subgraph library adds to _service { sdl }, composes to the same
// supergraph.
func TestParseSubgraphNaming(t *testing.T) {
	other := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { top: P } type P @key(fields: "id") { id: ID! name: String @shareable w: Int }`
	variants := map[string]string{
		"import": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@shareable"])
type P @key(fields: "id") { id: ID! name: String @shareable w: Int @external t: Int @requires(fields: "w") }
type Q @key(fields: "id") { id: ID! w: Int }
type Query { q: Q }`,
		"renamed import": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{name: "@key", as: "@id"}, "@external", {name: "@requires", as: "@needs"}, {name: "@shareable", as: "@shared"}])
type P @id(fields: "id") { id: ID! name: String @shared w: Int @external t: Int @needs(fields: "w") }
type Q @id(fields: "id") { id: ID! w: Int }
type Query { q: Q }`,
		"federation__ prefix": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3")
type P @federation__key(fields: "id") { id: ID! name: String @federation__shareable w: Int @federation__external t: Int @federation__requires(fields: "w") }
type Q @federation__key(fields: "id") { id: ID! w: Int }
type Query { q: Q }`,
		"renamed prefix": `schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/federation/v2.3", as: "fed") { query: Query }
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
directive @fed__key(fields: fed__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
scalar fed__FieldSet
type P @fed__key(fields: "id") { id: ID! name: String @fed__shareable w: Int @fed__external t: Int @fed__requires(fields: "w") }
type Q @fed__key(fields: "id") { id: ID! w: Int }
type Query { q: Q _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }
scalar _Any
union _Entity = P | Q
type _Service { sdl: String }`,
		"custom root names": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@shareable"])
schema { query: RootQuery }
type P @key(fields: "id") { id: ID! name: String @shareable w: Int @external t: Int @requires(fields: "w") }
type Q @key(fields: "id") { id: ID! w: Int }
type RootQuery { q: Q }`,
	}
	var first string
	var firstName string
	for _, name := range sortedKeys(variants) {
		t.Run(name, func(t *testing.T) {
			a, err := ParseSubgraph("a", "http://a", other)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseSubgraph("b", "http://b", variants[name])
			if err != nil {
				t.Fatal(err)
			}
			sg, err := Compose([]*SubgraphSchema{a, b})
			if err != nil {
				t.Fatal(err)
			}
			if src := sg.Types["P"].Fields["t"].Source("b"); src == nil || src.RequiresText != "w" {
				t.Errorf("P.t requires not read: %+v", src)
			}
			if src := sg.Types["P"].Fields["w"].Source("b"); src == nil || !src.External {
				t.Errorf("P.w external not read: %+v", src)
			}
			for _, n := range []string{"_Service", "_Any", "_Entity", "RootQuery", "fed__FieldSet", "link__Import"} {
				if sg.API.Types[n] != nil {
					t.Errorf("API has %s", n)
				}
			}
			if sg.API.Query.Fields.ForName("_service") != nil || sg.API.Query.Fields.ForName("_entities") != nil {
				t.Error("API has _service/_entities")
			}
			got := Print(sg)
			if first == "" {
				first, firstName = got, name
			} else if got != first {
				t.Errorf("supergraph differs from variant %q:\n%s\n---\n%s", firstName, got, first)
			}
		})
	}
}

// TestParseSubgraphFed1 reads a Fed 1 subgraph as a library prints it:
// federation directive definitions, _FieldSet, _Service, extend type Query
// with _service / _entities, a directive used without a definition.
func TestParseSubgraphFed1(t *testing.T) {
	sdl := `directive @key(fields: _FieldSet!) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
scalar _FieldSet
scalar _Any
type _Service { sdl: String }
union _Entity = Product
extend type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! top: [Product] @undefinedDirective }
type Product @key(fields: "upc") @extends { upc: String! @external price: Int @external tax: Int @requires(fields: "price") }`
	s, err := ParseSubgraph("tax", "http://tax", sdl)
	if err != nil {
		t.Fatal(err)
	}
	if s.Fed2 || s.FedVersion != "v1" || !s.Extension["Product"] {
		t.Errorf("fed2=%v version=%s extension=%v", s.Fed2, s.FedVersion, s.Extension)
	}
	base, err := ParseSubgraph("products", "http://products", `type Query { p: Product } type Product @key(fields: "upc") { upc: String! price: Int name: String }`)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := Compose([]*SubgraphSchema{s, base})
	if err != nil {
		t.Fatal(err)
	}
	p := sg.Types["Product"]
	if src := p.Fields["upc"].Source("tax"); src == nil || src.External {
		t.Errorf("Fed 1 key field read as external: %+v", src)
	}
	if src := p.Fields["price"].Source("tax"); src == nil || !src.External {
		t.Errorf("price in tax: %+v", src)
	}
	if !slices.Contains(p.Extension, "tax") {
		t.Errorf("@extends not kept: %v", p.Extension)
	}
}

func TestParseSubgraphErrors(t *testing.T) {
	for _, tc := range []struct{ sdl, code, msg string }{
		{`type Query { x: }`, "INVALID_GRAPHQL", "1:17"},
		{`type Query { x: Missing }`, "INVALID_GRAPHQL", "Missing"},
		{"enum join__Graph { A @join__graph(name: \"a\", url: \"http://a\") } type Query { x: Int }", "INVALID_GRAPHQL", "composed supergraph"},
		{`extend schema @link(url: "https://specs.apollo.dev/federation/v3.0", import: ["@key"]) type Query { x: Int }`, "UNKNOWN_FEDERATION_LINK_VERSION", "v3.0"},
		{`extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@interfaceObject"]) type Query { x: Int }`, "INVALID_LINK_DIRECTIVE_USAGE", "v2.3"},
		{`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { x: Int } type P @key(fields: "id(a: 1)") { id(a: Int): ID! }`, "KEY_FIELDS_HAS_ARGS", "arguments"},
		{`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@provides"]) type Query { x: Int @provides(fields: "a") }`, "PROVIDES_ON_NON_OBJECT_FIELD", "Query.x"},
	} {
		_, err := ParseSubgraph("s", "http://s", tc.sdl)
		var ce CompositionErrors
		if !errors.As(err, &ce) || len(ce) == 0 {
			t.Errorf("%s: err = %v", tc.code, err)
			continue
		}
		if ce[0].Code != tc.code || !strings.Contains(ce[0].Message, tc.msg) || !slices.Equal(ce[0].Subgraphs, []string{"s"}) {
			t.Errorf("%s: got %+v", tc.code, ce[0])
		}
	}
}
