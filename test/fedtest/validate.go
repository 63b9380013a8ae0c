package fedtest

import (
	"fmt"
	"sort"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	// Registers the standard validation rules with validator.Validate.
	_ "github.com/vektah/gqlparser/v2/validator/rules"
)

// federationDefs declares what a federation subgraph library adds to a
// subgraph SDL, loosely typed: enough to validate operations against it.
const federationDefs = `
scalar _Any
scalar _FieldSet
scalar link__Import
type _Service { sdl: String }
directive @key(fields: _FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @composeDirective(name: String!) repeatable on SCHEMA
directive @link(url: String, as: String, for: String, import: [link__Import]) repeatable on SCHEMA
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION
directive @fromContext(field: String) on ARGUMENT_DEFINITION
`

// subgraphSchema loads a subgraph SDL (Fed 1 or Fed 2) as the schema its
// server would expose: federation directives declared, type extensions
// without a base treated as definitions, Query._entities over every type
// with a @key and Query._service added.
func subgraphSchema(sdl string) (*ast.Schema, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: "federation", Input: federationDefs, BuiltIn: true},
		&ast.Source{Name: "subgraph", Input: sdl})
	if err != nil {
		return nil, err
	}
	doc.SchemaExtension = nil
	var exts ast.DefinitionList
	for _, e := range doc.Extensions {
		if doc.Definitions.ForName(e.Name) == nil {
			doc.Definitions = append(doc.Definitions, e)
			continue
		}
		exts = append(exts, e)
	}
	doc.Extensions = exts
	var entities []string
	for _, d := range append(append(ast.DefinitionList(nil), doc.Definitions...), doc.Extensions...) {
		if d.Kind == ast.Object && d.Directives.ForName("key") != nil {
			entities = append(entities, d.Name)
		}
	}
	sort.Strings(entities)
	extra := "type _Service_Root { _service: _Service! }"
	if len(entities) > 0 {
		extra = "union _Entity = " + joinNames(entities) + "\n" +
			"type _Service_Root { _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }"
	}
	more, err := parser.ParseSchema(&ast.Source{Name: "entities", Input: extra, BuiltIn: true})
	if err != nil {
		return nil, err
	}
	root := more.Definitions.ForName("_Service_Root")
	q := doc.Definitions.ForName("Query")
	if q == nil {
		q = &ast.Definition{Kind: ast.Object, Name: "Query"}
		doc.Definitions = append(doc.Definitions, q)
	}
	q.Fields = append(q.Fields, root.Fields...)
	for _, d := range more.Definitions {
		if d != root {
			doc.Definitions = append(doc.Definitions, d)
		}
	}
	s, gerr := validator.ValidateSchemaDocument(doc)
	if gerr != nil {
		return nil, gerr
	}
	return s, nil
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += " | "
		}
		out += n
	}
	return out
}

// schemaCache holds the loaded Schema of a Subgraph.
type schemaCache struct {
	once   sync.Once
	schema *ast.Schema
	err    error
}

// validate checks doc against the subgraph's Schema, when one is set, and
// returns the errors a GraphQL server would answer with.
func (s *Subgraph) validate(doc *ast.QueryDocument) []string {
	if s.Schema == "" {
		return nil
	}
	s.loaded.once.Do(func() { s.loaded.schema, s.loaded.err = subgraphSchema(s.Schema) })
	if s.loaded.err != nil {
		return []string{fmt.Sprintf("subgraph %s: schema: %v", s.Name, s.loaded.err)}
	}
	var out []string
	for _, e := range validator.Validate(s.loaded.schema, doc) {
		out = append(out, e.Message)
	}
	return out
}

// SubgraphSchema loads a subgraph SDL (Fed 1 or Fed 2) as a schema that
// subgraph operations validate against: federation directives, _Any,
// _Entity, _entities and _service added, as Subgraph.Schema does.
func SubgraphSchema(sdl string) (*ast.Schema, error) { return subgraphSchema(sdl) }
