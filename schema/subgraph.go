package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Reading one subgraph SDL (ParseSubgraph).
//
// The SDL is taken exactly as a subgraph answers `_service { sdl }`:
//
//   - Federation 2 when the schema (definition or extension) has an @link
//     to https://specs.apollo.dev/federation/vX.Y. Its directives are named
//     as imported (`import: ["@key", {name: "@shareable", as: "@share"}]`)
//     or with the link's prefix (`@federation__key`, or `@fed__key` with
//     `as: "fed"`). Any other @link'ed spec keeps its own names; its
//     directives reach the supergraph only through @composeDirective.
//   - Federation 1 otherwise: the federation directives by their plain
//     names, used with or without definitions, `extend type` and @extends.
//
// Every federation directive application is renamed to its canonical name
// (key, external, ...). What a subgraph library adds to its schema is
// dropped: _Any, _Entity, _Service, _FieldSet/FieldSet, link__*,
// federation__* types, Query._entities and Query._service, and the
// definitions of federation and link directives. A type extension without
// a base definition in the subgraph becomes the definition (marked
// Extension); one with a base is merged into it. Custom root type names
// (schema { query: RootQuery }) are renamed to Query, Mutation and
// Subscription as composition requires.
//
// The result is validated by gqlparser with loose federation directive
// definitions, and every key / requires / provides field set is parsed and
// bound to it; errors use Apollo's codes (INVALID_GRAPHQL,
// KEY_INVALID_FIELDS, KEY_FIELDS_SELECT_INVALID_TYPE, KEY_FIELDS_HAS_ARGS,
// REQUIRES_INVALID_FIELDS, PROVIDES_INVALID_FIELDS, ...).

// FederationDirectives are the canonical names of the federation
// directives of v2.0 to v2.9 that ParseSubgraph understands.
var FederationDirectives = []string{
	"authenticated", "composeDirective", "context", "cost", "extends", "external", "fromContext",
	"inaccessible", "interfaceObject", "key", "listSize", "override", "policy", "provides",
	"requires", "requiresScopes", "shareable", "tag",
}

// directiveSince is the federation v2 minor version that introduced each
// directive.
var directiveSince = map[string]int{
	"key": 0, "requires": 0, "provides": 0, "external": 0, "shareable": 0, "extends": 0,
	"override": 0, "inaccessible": 0, "tag": 0, "composeDirective": 1, "interfaceObject": 3,
	"authenticated": 5, "requiresScopes": 5, "policy": 6, "context": 8, "fromContext": 8,
	"cost": 9, "listSize": 9,
}

// federationSubgraphDefs declares the federation directives loosely, with
// their canonical names, so that a subgraph validates with gqlparser.
const federationSubgraphDefs = `
scalar _FieldSet
type _Service { sdl: String }
directive @key(fields: _FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
directive @interfaceObject on OBJECT
directive @composeDirective(name: String!) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION
directive @fromContext(field: String) on ARGUMENT_DEFINITION
`

// SubgraphSchema is one subgraph's schema, parsed, normalised and validated.
// It is immutable once returned.
type SubgraphSchema struct {
	Name, URL string
	// SDL is the text as given.
	SDL string
	// Fed2 is true for a Federation 2 subgraph; FedVersion is its
	// federation spec version ("v2.3"), "v1" for Federation 1.
	Fed2       bool
	FedVersion string
	// Schema is the validated subgraph schema: federation directives under
	// their canonical names, extensions merged, federation machinery
	// removed (Query._service is kept so that a Query with no other field
	// validates; it is not composed).
	Schema *ast.Schema
	// Order lists the subgraph's own type names in declaration order.
	Order []string
	// Extension: types marked @extends (Apollo writes extension: true for
	// those only); Extended: types declared with `extend type` and no base.
	Extension map[string]bool
	Extended  map[string]bool
	// Keys by type name, in declaration order, bound to Schema.
	Keys map[string][]*SubgraphKey
	// ComposeDirectives are the directive names (without @) given to
	// @composeDirective; Links the non-federation @link applications by
	// local directive name.
	ComposeDirectives []string
	links             map[string]*subLink
	// composed holds the definitions of the composed directives.
	composed map[string]*ast.DirectiveDefinition
	// used: type -> fields that a @key, @requires or @provides of this
	// subgraph selects (set by ParseSubgraph).
	used map[string]map[string]bool
}

// SubgraphKey is one @key of a type in a subgraph.
type SubgraphKey struct {
	Fields     string
	Selection  ast.SelectionSet
	Resolvable bool
	explicit   bool // resolvable: given in the SDL (Apollo then prints it)
}

// subLink is a non-federation @link of a subgraph (for @composeDirective).
type subLink struct {
	url   string
	spec  string // name and version from the URL, e.g. "custom/v1.0"
	local string // local directive name
	name  string // the spec's name for the directive (without @)
	as    string // the link's `as:` when given
}

// removedSubgraphTypes are types a subgraph library adds to its schema.
var removedSubgraphTypes = map[string]bool{
	"_Any": true, "_Entity": true, "_Service": true, "_FieldSet": true, "FieldSet": true,
}

// ParseSubgraph parses and validates one subgraph SDL. The error, when not
// nil, is a CompositionErrors.
func ParseSubgraph(name, url, sdl string) (*SubgraphSchema, error) {
	if name == "" || strings.HasPrefix(name, "_") && strings.Trim(name, "_") == "" {
		return nil, CompositionErrors{{Code: "INVALID_SUBGRAPH_NAME", Message: fmt.Sprintf("invalid subgraph name %q: give each subgraph a non-empty name", name)}}
	}
	s := &SubgraphSchema{Name: name, URL: url, SDL: sdl, Extension: map[string]bool{}, Extended: map[string]bool{}, Keys: map[string][]*SubgraphKey{},
		links: map[string]*subLink{}, composed: map[string]*ast.DirectiveDefinition{}}
	doc, err := parser.ParseSchema(&ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, s.gqlErr(err)
	}
	for _, def := range doc.Definitions {
		if def.Kind == ast.Enum && strings.HasSuffix(def.Name, "__Graph") {
			for _, v := range def.EnumValues {
				if v.Directives.ForName(strings.TrimSuffix(def.Name, "Graph")+"graph") != nil {
					return nil, CompositionErrors{{Code: "INVALID_GRAPHQL", Subgraphs: []string{name},
						Message: fmt.Sprintf("[%s] this is a composed supergraph (it declares %s), not a subgraph schema: give the subgraph's own SDL, as _service { sdl } returns it", name, def.Name)}}
				}
			}
		}
	}
	p := &subParser{s: s, doc: doc, rename: map[string]string{}}
	if err := p.links(); err != nil {
		return nil, err
	}
	p.normalise()
	if err := p.validate(); err != nil {
		return nil, err
	}
	if errs := p.fieldSets(); len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	s.used = usedFields(s)
	return s, nil
}

func (s *SubgraphSchema) gqlErr(err error) error {
	msg := err.Error()
	if ge, ok := err.(*gqlerror.Error); ok {
		msg = ge.Message
		if len(ge.Locations) > 0 {
			msg = fmt.Sprintf("%d:%d: %s", ge.Locations[0].Line, ge.Locations[0].Column, msg)
		}
	}
	return CompositionErrors{{Code: "INVALID_GRAPHQL", Subgraphs: []string{s.Name},
		Message: fmt.Sprintf("[%s] %s", s.Name, msg)}}
}

// subParser holds the state of one ParseSubgraph call.
type subParser struct {
	s   *SubgraphSchema
	doc *ast.SchemaDocument
	// rename maps a local directive name to its canonical federation name.
	rename map[string]string
	// fedTypes are local names of federation types (FieldSet, Scope, ...).
	fedTypes map[string]bool
	roots    map[ast.Operation]string
}

func (p *subParser) links() error {
	var dirs ast.DirectiveList
	p.roots = map[ast.Operation]string{}
	for _, sd := range p.doc.Schema {
		dirs = append(dirs, sd.Directives...)
		for _, ot := range sd.OperationTypes {
			p.roots[ot.Operation] = ot.Type
		}
	}
	for _, sd := range p.doc.SchemaExtension {
		dirs = append(dirs, sd.Directives...)
		for _, ot := range sd.OperationTypes {
			p.roots[ot.Operation] = ot.Type
		}
	}
	p.fedTypes = map[string]bool{}
	var fed *feature
	for _, d := range dirs {
		if d.Name != "link" {
			continue
		}
		url, ok := stringArg(d, "url")
		if !ok {
			return CompositionErrors{{Code: "INVALID_LINK_DIRECTIVE_USAGE", Subgraphs: []string{p.s.Name},
				Message: fmt.Sprintf("[%s] @link without url: give the spec URL", p.s.Name)}}
		}
		f := &feature{url: url, imports: map[string]string{}}
		f.name, f.version, f.major, f.minor = parseSpecURL(url)
		f.prefix = f.name
		if as, ok := stringArg(d, "as"); ok {
			f.prefix = as
		}
		if a := d.Arguments.ForName("import"); a != nil && a.Value != nil {
			if err := readImports(f, a.Value); err != nil {
				return CompositionErrors{{Code: "INVALID_LINK_DIRECTIVE_USAGE", Subgraphs: []string{p.s.Name},
					Message: fmt.Sprintf("[%s] %v", p.s.Name, err)}}
			}
		}
		switch f.name {
		case "federation":
			if f.major != 2 {
				return CompositionErrors{{Code: "UNKNOWN_FEDERATION_LINK_VERSION", Subgraphs: []string{p.s.Name},
					Message: fmt.Sprintf("[%s] federation version %s (%s) is not known: use v2.0 to v2.9", p.s.Name, f.version, url)}}
			}
			fed = f
		case "link":
		default:
			for spec, local := range f.imports {
				if strings.HasPrefix(spec, "@") {
					p.s.links[strings.TrimPrefix(local, "@")] = &subLink{url: url, spec: f.name + "/" + f.version,
						local: strings.TrimPrefix(local, "@"), name: strings.TrimPrefix(spec, "@")}
				}
			}
			// The directive named like the spec is usable as @prefix.
			if _, imported := f.imports["@"+f.name]; !imported {
				p.s.links[f.prefix] = &subLink{url: url, spec: f.name + "/" + f.version, local: f.prefix, name: f.name, as: f.prefix}
			}
		}
	}
	if fed == nil {
		p.s.FedVersion = "v1"
		for _, d := range FederationDirectives {
			p.rename[d] = d
		}
		return nil
	}
	p.s.Fed2 = true
	p.s.FedVersion = fed.version
	for spec := range fed.imports {
		d := strings.TrimPrefix(spec, "@")
		if min, known := directiveSince[d]; strings.HasPrefix(spec, "@") && (!known || fed.minor < min) {
			why := "is not a federation directive"
			if known {
				why = fmt.Sprintf("needs federation v2.%d or later", min)
			}
			return CompositionErrors{{Code: "INVALID_LINK_DIRECTIVE_USAGE", Subgraphs: []string{p.s.Name},
				Message: fmt.Sprintf("[%s] the @link to %s imports %s, which %s: raise the version in the URL or remove the import", p.s.Name, fed.url, spec, why)}}
		}
	}
	for _, d := range FederationDirectives {
		if fed.minor >= directiveSince[d] {
			p.rename[fed.directive(d)] = d
		}
	}
	for _, t := range []string{"FieldSet", "Scope", "Policy", "ContextFieldValue"} {
		p.fedTypes[fed.typeName(t)] = true
	}
	return nil
}

// isFedType reports whether a type name is federation or link machinery.
func (p *subParser) isFedType(name string) bool {
	return removedSubgraphTypes[name] || p.fedTypes[name] || strings.HasPrefix(name, "link__") ||
		strings.HasPrefix(name, "federation__")
}

func (p *subParser) renameDirs(list ast.DirectiveList) ast.DirectiveList {
	for _, d := range list {
		if c, ok := p.rename[d.Name]; ok {
			d.Name = c
		}
	}
	return list
}

// normalise renames directives, merges extensions, drops machinery and
// renames root types.
func (p *subParser) normalise() {
	s := p.s
	for _, sd := range append(slices.Clone(p.doc.Schema), p.doc.SchemaExtension...) {
		p.renameDirs(sd.Directives)
		for _, d := range sd.Directives {
			if d.Name == "composeDirective" {
				if n, ok := stringArg(d, "name"); ok {
					s.ComposeDirectives = append(s.ComposeDirectives, strings.TrimPrefix(n, "@"))
				}
			}
		}
	}
	rootRename := map[string]string{}
	for op, want := range map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"} {
		if got, ok := p.roots[op]; ok && got != want {
			rootRename[got] = want
		}
	}
	var defs ast.DefinitionList
	byName := map[string]*ast.Definition{}
	add := func(def *ast.Definition, ext bool) {
		if p.isFedType(def.Name) {
			return
		}
		if n, ok := rootRename[def.Name]; ok {
			def.Name = n
		}
		p.renameDirs(def.Directives)
		for _, f := range def.Fields {
			p.renameDirs(f.Directives)
			for _, a := range f.Arguments {
				p.renameDirs(a.Directives)
			}
		}
		for _, v := range def.EnumValues {
			p.renameDirs(v.Directives)
		}
		if def.Directives.ForName("extends") != nil {
			s.Extension[def.Name] = true
		}
		if base := byName[def.Name]; base != nil {
			if !ext {
				// a definition after an extension: the type is defined here
				s.Extended[def.Name] = false
			}
			base.Directives = append(base.Directives, def.Directives...)
			base.Fields = append(base.Fields, def.Fields...)
			base.EnumValues = append(base.EnumValues, def.EnumValues...)
			base.Interfaces = append(base.Interfaces, def.Interfaces...)
			base.Types = append(base.Types, def.Types...)
			if base.Description == "" {
				base.Description = def.Description
			}
			return
		}
		byName[def.Name] = def
		s.Extended[def.Name] = ext
		defs = append(defs, def)
	}
	for _, def := range p.doc.Definitions {
		add(def, false)
	}
	for _, def := range p.doc.Extensions {
		add(def, true)
	}
	for name, ext := range s.Extended {
		if !ext {
			delete(s.Extended, name)
		}
	}
	for _, def := range defs {
		if len(rootRename) > 0 {
			renameTypeRefs(def, rootRename)
		}
		if def.Name == "Query" {
			def.Fields = slices.DeleteFunc(def.Fields, func(f *ast.FieldDefinition) bool {
				return f.Name == "_entities" || f.Name == "_service"
			})
		}
		s.Order = append(s.Order, def.Name)
	}
	q := byName["Query"]
	if q == nil {
		q = &ast.Definition{Kind: ast.Object, Name: "Query"}
		defs = append(defs, q)
		byName["Query"] = q
	}
	// A Query with no field of its own still validates: subgraphs serve _service.
	q.Fields = append(q.Fields, &ast.FieldDefinition{Name: "_service", Type: ast.NonNullNamedType("_Service", nil)})
	p.doc.Definitions = defs
	p.doc.Extensions = nil
	var dds ast.DirectiveDefinitionList
	for _, dd := range p.doc.Directives {
		if _, fed := p.rename[dd.Name]; fed || dd.Name == "link" || slices.Contains(FederationDirectives, dd.Name) {
			continue
		}
		if slices.Contains(s.ComposeDirectives, dd.Name) {
			s.composed[dd.Name] = dd
		}
		dds = append(dds, dd)
	}
	p.doc.Directives = dds
}

// renameTypeRefs renames references to types in def (fields, arguments,
// interfaces, union members).
func renameTypeRefs(def *ast.Definition, m map[string]string) {
	var fix func(t *ast.Type)
	fix = func(t *ast.Type) {
		if t == nil {
			return
		}
		if t.Elem != nil {
			fix(t.Elem)
			return
		}
		if n, ok := m[t.NamedType]; ok {
			t.NamedType = n
		}
	}
	for _, f := range def.Fields {
		fix(f.Type)
		for _, a := range f.Arguments {
			fix(a.Type)
		}
	}
	for i, n := range def.Types {
		if r, ok := m[n]; ok {
			def.Types[i] = r
		}
	}
}

// validate loads the normalised document into s.Schema.
func (p *subParser) validate() error {
	fedDefs, err := parser.ParseSchema(&ast.Source{Name: "federation", Input: federationSubgraphDefs, BuiltIn: true})
	if err != nil {
		return fmt.Errorf("schema: federation definitions: %w", err)
	}
	full := validator.PreludeDocument()
	full.Merge(fedDefs)
	known := map[string]bool{}
	for _, dd := range full.Directives {
		known[dd.Name] = true
	}
	for _, dd := range p.doc.Directives {
		known[dd.Name] = true
	}
	// Directive applications without a definition (allowed in Fed 1, and
	// for @link'ed specs) are kept in the document but not validated.
	strip := func(list ast.DirectiveList) ast.DirectiveList {
		out := list[:0:0]
		for _, d := range list {
			if known[d.Name] {
				out = append(out, d)
			}
		}
		return out
	}
	doc := &ast.SchemaDocument{Directives: p.doc.Directives}
	if len(p.roots) > 0 {
		sd := &ast.SchemaDefinition{}
		for _, op := range []ast.Operation{ast.Query, ast.Mutation, ast.Subscription} {
			if _, ok := p.roots[op]; ok {
				name := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[op]
				sd.OperationTypes = append(sd.OperationTypes, &ast.OperationTypeDefinition{Operation: op, Type: name})
			}
		}
		if _, ok := p.roots[ast.Query]; !ok {
			sd.OperationTypes = append(sd.OperationTypes, &ast.OperationTypeDefinition{Operation: ast.Query, Type: "Query"})
		}
		doc.Schema = append(doc.Schema, sd)
	}
	for _, def := range p.doc.Definitions {
		c := *def
		c.Directives = strip(def.Directives)
		c.Fields = nil
		for _, f := range def.Fields {
			fc := *f
			fc.Directives = strip(f.Directives)
			fc.Arguments = nil
			for _, a := range f.Arguments {
				ac := *a
				ac.Directives = strip(a.Directives)
				fc.Arguments = append(fc.Arguments, &ac)
			}
			c.Fields = append(c.Fields, &fc)
		}
		c.EnumValues = nil
		for _, v := range def.EnumValues {
			vc := *v
			vc.Directives = strip(v.Directives)
			c.EnumValues = append(c.EnumValues, &vc)
		}
		doc.Definitions = append(doc.Definitions, &c)
	}
	full.Merge(doc)
	sch, gerr := validator.ValidateSchemaDocument(full)
	if gerr != nil {
		return p.s.gqlErr(gerr)
	}
	// Keep every directive application (also undefined ones) on the
	// validated definitions: composition reads them.
	for _, def := range p.doc.Definitions {
		sd := sch.Types[def.Name]
		if sd == nil {
			continue
		}
		sd.Directives = def.Directives
		for _, f := range def.Fields {
			if sf := sd.Fields.ForName(f.Name); sf != nil {
				sf.Directives = f.Directives
				for _, a := range f.Arguments {
					if sa := sf.Arguments.ForName(a.Name); sa != nil {
						sa.Directives = a.Directives
					}
				}
			}
		}
		for _, v := range def.EnumValues {
			if sv := sd.EnumValues.ForName(v.Name); sv != nil {
				sv.Directives = v.Directives
			}
		}
	}
	p.s.Schema = sch
	return nil
}

// fieldSets parses and binds every @key, @requires and @provides.
func (p *subParser) fieldSets() CompositionErrors {
	s := p.s
	var errs CompositionErrors
	fail := func(code, coord, format string, args ...any) {
		errs = append(errs, &CompositionError{Code: code, Coordinates: []string{coord}, Subgraphs: []string{s.Name},
			Message: fmt.Sprintf("[%s] "+format, append([]any{s.Name}, args...)...)})
	}
	for _, name := range s.Order {
		def := s.Schema.Types[name]
		if def == nil {
			continue
		}
		for _, d := range def.Directives.ForNames("key") {
			text, _ := stringArg(d, "fields")
			sel, err := parseFieldSet(s.Schema, def, text)
			if err != nil {
				fail("KEY_INVALID_FIELDS", name, "on type %s, the @key(fields: %q) is invalid: %s; list fields of %s (and sub-selections of their types)",
					name, text, strings.TrimPrefix(err.Error(), ErrInvalidFieldSet.Error()+": "), name)
				continue
			}
			if bad := badKeyField(s.Schema, sel); bad != nil {
				if len(bad.Arguments) > 0 {
					fail("KEY_FIELDS_HAS_ARGS", name+"."+bad.Name, "on type %s, the @key(fields: %q) selects field %s.%s which has arguments: key fields cannot take arguments",
						name, text, bad.ObjectDefinition.Name, bad.Name)
				} else {
					fail("KEY_FIELDS_SELECT_INVALID_TYPE", bad.ObjectDefinition.Name+"."+bad.Name,
						"on type %s, the @key(fields: %q) selects field %s.%s of type %s, an %s: key fields cannot be interfaces or unions; select a scalar, enum or object field instead",
						name, text, bad.ObjectDefinition.Name, bad.Name, bad.Definition.Type.String(),
						strings.ToLower(string(s.Schema.Types[bad.Definition.Type.Name()].Kind)))
				}
				continue
			}
			s.Keys[name] = append(s.Keys[name], &SubgraphKey{Fields: text, Selection: sel, Resolvable: boolArg(d, "resolvable", true),
				explicit: d.Arguments.ForName("resolvable") != nil})
		}
		for _, f := range def.Fields {
			coord := name + "." + f.Name
			if d := f.Directives.ForName("requires"); d != nil {
				text, _ := stringArg(d, "fields")
				if _, err := parseFieldSet(s.Schema, def, text); err != nil {
					fail("REQUIRES_INVALID_FIELDS", coord, "on field %s, the @requires(fields: %q) is invalid: %s; require fields of %s declared @external here",
						coord, text, strings.TrimPrefix(err.Error(), ErrInvalidFieldSet.Error()+": "), name)
				}
			}
			if d := f.Directives.ForName("provides"); d != nil {
				text, _ := stringArg(d, "fields")
				rt := s.Schema.Types[f.Type.Name()]
				if !isComposite(rt) {
					fail("PROVIDES_ON_NON_OBJECT_FIELD", coord, "field %s has @provides but its type %s is not an object, interface or union: remove the @provides",
						coord, f.Type.Name())
					continue
				}
				if _, err := parseFieldSet(s.Schema, rt, text); err != nil {
					fail("PROVIDES_INVALID_FIELDS", coord, "on field %s, the @provides(fields: %q) is invalid: %s; provide fields of %s",
						coord, text, strings.TrimPrefix(err.Error(), ErrInvalidFieldSet.Error()+": "), rt.Name)
				}
			}
		}
	}
	return errs
}

// badKeyField returns the first field of a key selecting an interface or
// union, or one with arguments; nil when the key is fine.
func badKeyField(sch *ast.Schema, set ast.SelectionSet) *ast.Field {
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.Name == "__typename" {
				continue
			}
			if len(x.Arguments) > 0 {
				return x
			}
			if t := sch.Types[x.Definition.Type.Name()]; t != nil && (t.Kind == ast.Interface || t.Kind == ast.Union) {
				return x
			}
			if len(x.SelectionSet) > 0 {
				if f := badKeyField(sch, x.SelectionSet); f != nil {
					return f
				}
			}
		case *ast.InlineFragment:
			if f := badKeyField(sch, x.SelectionSet); f != nil {
				return f
			}
		}
	}
	return nil
}

// usedFields collects the fields every @key, @requires and @provides of s
// selects, by parent type.
func usedFields(s *SubgraphSchema) map[string]map[string]bool {
	used := map[string]map[string]bool{}
	for _, n := range s.Order {
		for _, k := range s.Keys[n] {
			markSelected(k.Selection, used)
		}
		def := s.Schema.Types[n]
		if def == nil {
			continue
		}
		for _, fd := range def.Fields {
			if d := fd.Directives.ForName("requires"); d != nil {
				text, _ := stringArg(d, "fields")
				if sel, err := parseFieldSet(s.Schema, def, text); err == nil {
					markSelected(sel, used)
				}
			}
			if d := fd.Directives.ForName("provides"); d != nil {
				text, _ := stringArg(d, "fields")
				if rt := s.Schema.Types[fd.Type.Name()]; isComposite(rt) {
					if sel, err := parseFieldSet(s.Schema, rt, text); err == nil {
						markSelected(sel, used)
					}
				}
			}
		}
	}
	return used
}
