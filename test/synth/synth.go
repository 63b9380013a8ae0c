// Package synth generates synthetic supergraphs for benchmarks and tests:
// large enough to show how loading and planning scale, deterministic, and
// valid (schema.TestParseLarge checks that every part is read).
package synth

import (
	"fmt"
	"strings"
)

// LargeSupergraph generates a join v0.3 supergraph with the given number
// of subgraphs and entity types. Type i is declared in subgraphs i%n and
// (i+1)%n with a key "id" in each, has fields resolved in either, one
// field that @requires another, and a reference to type i+1; the subgraph
// that resolves the reference to type i (that of type i-1) declares type i
// with an unresolvable key "id", as composition would write it.
func LargeSupergraph(subgraphs, types int) string {
	var b strings.Builder
	b.WriteString(`schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{
  query: Query
}
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
`)
	for g := range subgraphs {
		fmt.Fprintf(&b, "  G%d @join__graph(name: \"g%d\", url: \"http://g%d/graphql\")\n", g, g, g)
	}
	b.WriteString("}\ninterface Node @join__type(graph: G0) { id: ID! }\n")
	b.WriteString("type Query")
	for g := range subgraphs {
		fmt.Fprintf(&b, " @join__type(graph: G%d)", g)
	}
	b.WriteString(" {\n")
	for i := range types {
		fmt.Fprintf(&b, "  t%d(id: ID!): T%d @join__field(graph: G%d)\n", i, i, i%subgraphs)
	}
	b.WriteString("}\n")
	for i := range types {
		a, c, p := i%subgraphs, (i+1)%subgraphs, (i+subgraphs-1)%subgraphs
		next := (i + 1) % types
		fmt.Fprintf(&b, `"""Type %d."""
type T%d implements Node @join__implements(graph: G%d, interface: "Node") @join__type(graph: G%d, key: "id") @join__type(graph: G%d, key: "id") @join__type(graph: G%d, key: "id", resolvable: false) {
  id: ID!
  name: String @join__field(graph: G%d)
  size: Int @join__field(graph: G%d) @join__field(graph: G%d, external: true)
  label(lang: String = "en"): String @join__field(graph: G%d, requires: "size name")
  ref: T%d @join__field(graph: G%d) @join__field(graph: G%d, provides: "name")
  hidden: String @join__field(graph: G%d) @inaccessible
  kind: Kind%d @join__field(graph: G%d)
}
enum Kind%d @join__type(graph: G%d) { A @join__enumValue(graph: G%d) B @join__enumValue(graph: G%d) C @join__enumValue(graph: G%d) @inaccessible }
`, i, i, a, a, c, p, a, a, c, c, next, a, c, a, i, a, i, a, a, a, a)
	}
	return b.String()
}

// LargeQuery is an operation on LargeSupergraph(subgraphs, types) that
// crosses subgraphs: roots t0..t(roots-1), each following ref depth times,
// selecting fields resolved in both subgraphs of each type, a field with
// @requires and an enum.
func LargeQuery(roots, depth int) string {
	var b strings.Builder
	b.WriteString("query Large {\n")
	for i := range roots {
		fmt.Fprintf(&b, "  t%d(id: \"%d\") {", i, i)
		for range depth {
			b.WriteString(" id name size label kind ref {")
		}
		b.WriteString(" id name")
		for range depth {
			b.WriteString(" }")
		}
		b.WriteString(" }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// LargeSubgraphs generates the subgraph SDLs (Federation 2.3) whose
// composition has the shape of LargeSupergraph(subgraphs, types): type i
// is an entity with key "id" in subgraphs i%n (name, size, hidden
// @inaccessible, kind, ref) and (i+1)%n (label @requires "size name" over
// @external fields, ref @shareable), and a stub with an unresolvable key in
// (i-1)%n, which returns it from T(i-1).ref. Query.t<i> is in i%n. It is
// keyed by subgraph name ("g0".."g<n-1>"); iterate it in sorted order.
func LargeSubgraphs(subgraphs, types int) map[string]string {
	bs := make([]*strings.Builder, subgraphs)
	for g := range bs {
		bs[g] = &strings.Builder{}
		bs[g].WriteString(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@shareable", "@inaccessible"])
interface Node { id: ID! }
type Query {
  root: String @shareable
`)
	}
	for i := range types {
		fmt.Fprintf(bs[i%subgraphs], "  t%d(id: ID!): T%d\n", i, i)
	}
	for g := range bs {
		bs[g].WriteString("}\n")
	}
	for i := range types {
		a, c, p := i%subgraphs, (i+1)%subgraphs, (i+subgraphs-1)%subgraphs
		next := (i + 1) % types
		fmt.Fprintf(bs[a], `"""Type %d."""
type T%d implements Node @key(fields: "id") {
  id: ID!
  name: String
  size: Int
  ref: T%d @shareable
  hidden: String @inaccessible
  kind: Kind%d
}
enum Kind%d { A B C @inaccessible }
`, i, i, next, i, i)
		if c != a {
			fmt.Fprintf(bs[c], `type T%d @key(fields: "id") {
  id: ID!
  name: String @external
  size: Int @external
  label(lang: String = "en"): String @requires(fields: "size name")
  ref: T%d @shareable
}
`, i, next)
		}
		if p != a && p != c {
			fmt.Fprintf(bs[p], "type T%d @key(fields: \"id\", resolvable: false) { id: ID! }\n", i)
		}
	}
	out := make(map[string]string, subgraphs)
	for g, b := range bs {
		out[fmt.Sprintf("g%d", g)] = b.String()
	}
	return out
}
