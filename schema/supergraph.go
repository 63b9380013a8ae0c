package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// ParseSupergraph loads a supergraph SDL (as written by rover, wgc, Hive or
// @apollo/composition; join v0.1 to v0.5 under @link v1.0 or @core
// v0.1/v0.2) into a validated, immutable Supergraph with its API schema.
// Every error wraps ErrInvalidSupergraph and names the offending element.
func ParseSupergraph(sdl string) (*Supergraph, error) {
	src := &ast.Source{Name: "supergraph.graphql", Input: sdl}
	doc, err := parser.ParseSchemas(validator.Prelude, src)
	if err != nil {
		return nil, wrapGQLError(err)
	}
	fs, err := resolveFeatures(doc)
	if err != nil {
		return nil, err
	}
	if err := checkFeatures(fs); err != nil {
		return nil, err
	}
	l := newLoader(doc, fs)
	if !l.declaresGraphEnum() {
		if looksLikeSubgraph(doc) {
			return nil, fmt.Errorf("%w: %w: no %s enum; this is the schema of one subgraph (it uses federation directives such as @key), not a composed supergraph",
				ErrInvalidSupergraph, ErrSubgraphSDL, l.tGraph)
		}
		return nil, fmt.Errorf("%w: missing %s enum", ErrInvalidSupergraph, l.tGraph)
	}
	full, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, wrapGQLError(err)
	}
	l.full = full
	if err := l.load(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(sdl))
	sg := &Supergraph{
		SDL:       sdl,
		Version:   hex.EncodeToString(sum[:]),
		Schema:    full,
		Subgraphs: l.subgraphs,
		Types:     l.types,
		Links:     fs.links(),
		tags:      fs.directiveNames("tag", "tag", "federation"),
	}
	if len(sg.tags) == 0 {
		sg.tags["tag"] = true
	}
	api, err := l.buildAPI()
	if err != nil {
		return nil, err
	}
	sg.API = api
	return sg, nil
}

// wrapGQLError turns a gqlparser error into one wrapping ErrInvalidSupergraph
// with its line:col.
func wrapGQLError(err error) error {
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		loc := ""
		if len(ge.Locations) > 0 {
			loc = fmt.Sprintf("%d:%d: ", ge.Locations[0].Line, ge.Locations[0].Column)
		}
		return fmt.Errorf("%w: %s%s", ErrInvalidSupergraph, loc, ge.Message)
	}
	return fmt.Errorf("%w: %v", ErrInvalidSupergraph, err)
}

// loader holds the state of one ParseSupergraph call.
type loader struct {
	full *ast.Schema
	doc  *ast.SchemaDocument
	fs   *features

	// local names of the join directives and types
	dGraph, dType, dField, dImplements, dUnionMember, dEnumValue, dOwner string
	tGraph                                                               string
	inaccessible                                                         map[string]bool
	dContext                                                             string              // @context of the context spec; "" when not linked
	contexts                                                             map[string][]string // context name -> types setting it, in declaration order

	subgraphs []*Subgraph
	allNames  []string          // subgraph names, ascending
	byEnum    map[string]string // join__Graph value -> subgraph name
	order     []*ast.Definition // user types in declaration order
	types     map[string]*Type
	owner     map[string]string // join v0.1 @join__owner by type
}

func newLoader(doc *ast.SchemaDocument, fs *features) *loader {
	j := fs.get("join")
	if j == nil {
		j = &feature{name: "join", prefix: "join", imports: map[string]string{}}
	}
	l := &loader{
		doc: doc, fs: fs,
		dGraph:       j.directive("graph"),
		dType:        j.directive("type"),
		dField:       j.directive("field"),
		dImplements:  j.directive("implements"),
		dUnionMember: j.directive("unionMember"),
		dEnumValue:   j.directive("enumValue"),
		dOwner:       j.directive("owner"),
		tGraph:       j.typeName("Graph"),
		inaccessible: fs.directiveNames("inaccessible", "inaccessible", "federation"),
		byEnum:       map[string]string{},
		types:        map[string]*Type{},
		owner:        map[string]string{},
		contexts:     map[string][]string{},
	}
	if cf := fs.get("context"); cf != nil {
		l.dContext = cf.directive("context")
	}
	if len(fs.list) == 0 || fs.get("inaccessible") == nil && fs.get("federation") == nil {
		l.inaccessible["inaccessible"] = true
	}
	return l
}

// declaresGraphEnum reports whether the document declares the join__Graph enum.
func (l *loader) declaresGraphEnum() bool {
	for _, def := range l.doc.Definitions {
		if def.Name == l.tGraph && def.Kind == ast.Enum {
			return true
		}
	}
	return false
}

// isMachinery reports whether the named type belongs to a feature
// (join__*, link__*, core__*, imported feature types).
func (l *loader) isMachinery(name string) bool {
	if l.fs.ownsType(name) {
		return true
	}
	if len(l.fs.list) == 0 {
		return strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") ||
			strings.HasPrefix(name, "core__")
	}
	return false
}

func (l *loader) hasInaccessible(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if l.inaccessible[d.Name] {
			return true
		}
	}
	return false
}

func (l *loader) load() error {
	if err := l.loadGraphs(); err != nil {
		return err
	}
	seen := map[string]bool{}
	add := func(name string) {
		if seen[name] || strings.HasPrefix(name, "__") || l.isMachinery(name) {
			return
		}
		seen[name] = true
		if def := l.full.Types[name]; def != nil && !def.BuiltIn {
			l.order = append(l.order, def)
		}
	}
	for _, def := range l.doc.Definitions {
		if def.Position != nil && def.Position.Src != nil && def.Position.Src.BuiltIn {
			continue
		}
		add(def.Name)
	}
	for _, ext := range l.doc.Extensions {
		add(ext.Name)
	}
	// Pass 1: which subgraphs declare each type.
	for _, def := range l.order {
		t, err := l.typeHeader(def)
		if err != nil {
			return err
		}
		l.types[def.Name] = t
	}
	// Pass 2: keys, implements, members, enum values, fields.
	for _, def := range l.order {
		if err := l.typeBody(def, l.types[def.Name]); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) loadGraphs() error {
	g := l.full.Types[l.tGraph]
	if g == nil || g.Kind != ast.Enum {
		return fmt.Errorf("%w: missing %s enum", ErrInvalidSupergraph, l.tGraph)
	}
	names := map[string]bool{}
	for _, v := range g.EnumValues {
		d := v.Directives.ForName(l.dGraph)
		if d == nil {
			return fmt.Errorf("%w: %s.%s has no @%s", ErrInvalidSupergraph, l.tGraph, v.Name, l.dGraph)
		}
		name, _ := stringArg(d, "name")
		url, _ := stringArg(d, "url")
		if name == "" {
			return fmt.Errorf("%w: %s.%s: @%s without name", ErrInvalidSupergraph, l.tGraph, v.Name, l.dGraph)
		}
		if names[name] {
			return fmt.Errorf("%w: %s.%s: duplicate subgraph name %q", ErrInvalidSupergraph, l.tGraph, v.Name, name)
		}
		names[name] = true
		l.byEnum[v.Name] = name
		l.subgraphs = append(l.subgraphs, &Subgraph{Name: name, Enum: v.Name, URL: url})
	}
	slices.SortFunc(l.subgraphs, func(a, b *Subgraph) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range l.subgraphs {
		l.allNames = append(l.allNames, s.Name)
	}
	return nil
}

// graphArg resolves the graph: argument of a join directive to a subgraph
// name. ok is false when the argument is absent or null.
func (l *loader) graphArg(d *ast.Directive, where string) (string, bool, error) {
	a := d.Arguments.ForName("graph")
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return "", false, nil
	}
	name, found := l.byEnum[a.Value.Raw]
	if !found {
		return "", false, fmt.Errorf("%w: %s: @%s(graph: %s): unknown graph (not a value of %s)",
			ErrInvalidSupergraph, where, d.Name, a.Value.Raw, l.tGraph)
	}
	return name, true, nil
}

// sortedUnique sorts names and drops duplicates.
func sortedUnique(names []string) []string {
	slices.Sort(names)
	return slices.Compact(names)
}

func (l *loader) typeHeader(def *ast.Definition) (*Type, error) {
	t := &Type{
		Name:         def.Name,
		Kind:         def.Kind,
		Inaccessible: l.hasInaccessible(def.Directives),
	}
	var owner string
	for _, d := range def.Directives {
		switch d.Name {
		case l.dType:
			sg, ok, err := l.graphArg(d, "type "+def.Name)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%w: type %s: @%s without graph", ErrInvalidSupergraph, def.Name, d.Name)
			}
			t.Subgraphs = append(t.Subgraphs, sg)
			if boolArg(d, "extension", false) {
				t.Extension = append(t.Extension, sg)
			}
			if boolArg(d, "isInterfaceObject", false) {
				t.InterfaceObject = append(t.InterfaceObject, sg)
			}
		case l.dOwner:
			sg, ok, err := l.graphArg(d, "type "+def.Name)
			if err != nil {
				return nil, err
			}
			if ok {
				owner = sg
			}
		}
	}
	if len(t.Subgraphs) == 0 {
		t.Subgraphs = slices.Clone(l.allNames)
	}
	t.Subgraphs = sortedUnique(t.Subgraphs)
	l.readContexts(def, t)
	t.InterfaceObject = sortedUnique(t.InterfaceObject)
	t.Extension = sortedUnique(t.Extension)
	if owner != "" {
		// join v0.1: the subgraphs other than the owner extend the type.
		for _, sg := range t.Subgraphs {
			if sg != owner {
				t.Extension = append(t.Extension, sg)
			}
		}
		t.Extension = sortedUnique(t.Extension)
		l.owner[def.Name] = owner
	}
	return t, nil
}

// looksLikeSubgraph reports whether a document without join machinery is a
// subgraph schema: it links the federation spec or applies @key / @extends.
func looksLikeSubgraph(doc *ast.SchemaDocument) bool {
	for _, sd := range append(slices.Clone(doc.Schema), doc.SchemaExtension...) {
		for _, d := range sd.Directives {
			if url, ok := stringArg(d, "url"); ok && strings.Contains(url, "specs.apollo.dev/federation/") {
				return true
			}
		}
	}
	for _, def := range append(slices.Clone(doc.Definitions), doc.Extensions...) {
		for _, d := range def.Directives {
			if d.Name == "key" || d.Name == "extends" || strings.HasPrefix(d.Name, "federation__") {
				return true
			}
		}
	}
	return false
}
