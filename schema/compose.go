package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Composition (Compose).
//
// Subgraphs are sorted by name first, so the input order never changes the
// output. Types are merged by name:
//
//   - Objects and interfaces union their fields. A field's supergraph type
//     is the most general of its subgraph types (nullable over non-null, an
//     interface or union over its implementations); types that are not
//     related are FIELD_TYPE_MISMATCH. When subgraphs disagree, each
//     @join__field records the subgraph's own type. Arguments intersect
//     (an optional argument missing somewhere is dropped, a required one is
//     REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH), take the most
//     restrictive type and must agree on defaults.
//   - Input objects intersect their fields (EMPTY_MERGED_INPUT_TYPE when
//     nothing is left), taking the most restrictive type.
//   - Enums union their values when used only as output types (or unused),
//     intersect when used only as input types, and must be equal when used
//     both ways (ENUM_VALUE_MISMATCH).
//   - Unions union their members; implemented interfaces are unioned.
//   - Descriptions: the most common non-empty one (ties: first subgraph);
//     @deprecated, @inaccessible, @tag, @authenticated, @requiresScopes,
//     @policy, @cost, @listSize and @composeDirective'd directives are
//     carried to the supergraph.
//
// Join metadata is written as Apollo writes it: @join__type per subgraph
// (key, extension, resolvable, isInterfaceObject), @join__field only where
// a field is not simply in every subgraph of its type (external, requires,
// provides, type, override, overrideLabel, usedOverridden),
// @join__implements, @join__unionMember, @join__enumValue. The printed
// supergraph is loaded with ParseSupergraph, so a composed Supergraph is
// exactly what loading its own SDL gives.
//
// Validation covers field sharing (INVALID_FIELD_SHARING: a field resolved
// by more than one subgraph must be @shareable, key fields and Fed 1
// fields are), @external (EXTERNAL_MISSING_ON_BASE, EXTERNAL_UNUSED), @override
// (OVERRIDE_SOURCE_HAS_OVERRIDE, OVERRIDE_FROM_SELF_ERROR,
// OVERRIDE_LABEL_INVALID, OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE), arguments
// and inputs (REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH,
// REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH, FIELD_ARGUMENT_TYPE_MISMATCH,
// FIELD_ARGUMENT_DEFAULT_MISMATCH, INPUT_FIELD_DEFAULT_MISMATCH,
// EMPTY_MERGED_INPUT_TYPE, EMPTY_MERGED_ENUM_TYPE, ENUM_VALUE_MISMATCH), @requires and
// @provides against @external (REQUIRES_FIELDS_MISSING_EXTERNAL,
// PROVIDES_FIELDS_MISSING_EXTERNAL), kinds (TYPE_KIND_MISMATCH) and
// interfaces (INTERFACE_FIELD_NO_IMPLEM). Satisfiability needs the
// planner and lives above this package (package compose).
//
// Compose never modifies its SubgraphSchemas: the same parsed subgraphs may
// be composed by several goroutines at once.

// Compose merges subgraphs into a supergraph. The error, when not nil, is a
// CompositionErrors.
func Compose(subs []*SubgraphSchema) (*Supergraph, error) {
	c, errs := merge(subs)
	if len(errs) > 0 {
		return nil, errs
	}
	sdl := c.print()
	sg, err := ParseSupergraph(sdl)
	if err != nil {
		return nil, CompositionErrors{{Code: "INTERNAL", Message: fmt.Sprintf("the composed supergraph does not load: %v (please report this with the subgraph SDLs)", err)}}
	}
	return sg, nil
}

// Print writes sg as Apollo's supergraph SDL (@link v1.0, join v0.3, or
// v0.4 when progressive override labels need it). For a composed
// supergraph, and for one loaded with ParseSupergraph, that is the SDL it
// was loaded from: ParseSupergraph(Print(sg)) is the same model.
func Print(sg *Supergraph) string { return sg.SDL }

// composer holds one Compose call.
type composer struct {
	subs  []*SubgraphSchema
	enum  map[string]string // subgraph name -> join__Graph value
	types map[string]*mType
	names []string // type names, ascending
	errs  CompositionErrors
	// features the supergraph needs
	labels, inaccessible, tag, authenticated, scopes, policy, cost bool
	listSize                                                       bool // @listSize applied: imported by the cost link
	contexts                                                       bool // @context used: the context spec is linked
	composed                                                       map[string]*composedDirective
}

type composedDirective struct {
	def  *ast.DirectiveDefinition
	link *subLink
}

type mType struct {
	name      string
	kind      ast.DefinitionKind
	decls     []*tDecl
	fields    []*mField
	fieldIdx  map[string]*mField
	values    []*mValue
	valueIdx  map[string]*mValue
	ifaces    []string
	members   []string
	usedIn    bool // as an input type somewhere
	usedOut   bool // as an output type somewhere
	dropped   bool
	mergedDef *ast.Definition
}

type tDecl struct {
	sub       *SubgraphSchema
	def       *ast.Definition
	ext       bool
	ifaceObj  bool
	shareable bool
	external  bool
	keyFields map[string]bool // fields of this type selected by a key of any type here
}

type mField struct {
	name      string
	decls     []*fDecl
	typ       *ast.Type
	args      []*mArg
	graphless bool // added to an implementation from an @interfaceObject
	needsJoin bool
	defValue  *ast.Value
}

type fDecl struct {
	sub            *SubgraphSchema
	t              *tDecl
	def            *ast.FieldDefinition
	external       bool
	shareable      bool
	requires       string
	provides       string
	override       string
	label          string
	removed        bool // fully overridden away and unused
	usedOverridden bool
	typeDiffers    bool
	contexts       []ctxArg // @fromContext arguments (context.go)
}

type mArg struct {
	name  string
	defs  []*ast.ArgumentDefinition
	typ   *ast.Type
	value *ast.Value
}

type mValue struct {
	name string
	defs []*ast.EnumValueDefinition
	subs []string
}

func (c *composer) fail(code string, coords, subs []string, format string, args ...any) {
	c.errs = append(c.errs, &CompositionError{Code: code, Coordinates: coords, Subgraphs: slices.Clone(subs),
		Message: fmt.Sprintf(format, args...)})
}

// merge runs the whole composition up to (not including) printing.
func merge(in []*SubgraphSchema) (*composer, CompositionErrors) {
	c := &composer{enum: map[string]string{}, types: map[string]*mType{}, composed: map[string]*composedDirective{}}
	c.subs = slices.Clone(in)
	slices.SortStableFunc(c.subs, func(a, b *SubgraphSchema) int { return strings.Compare(a.Name, b.Name) })
	if len(c.subs) == 0 {
		return nil, CompositionErrors{{Code: "NO_SUBGRAPHS", Message: "no subgraph to compose: give at least one"}}
	}
	used := map[string]bool{}
	for i, s := range c.subs {
		if s == nil || s.Schema == nil {
			return nil, CompositionErrors{{Code: "INVALID_SUBGRAPH", Message: "a subgraph was not parsed with ParseSubgraph"}}
		}
		if i > 0 && c.subs[i-1].Name == s.Name {
			c.fail("INVALID_SUBGRAPH_NAME", nil, []string{s.Name}, "subgraph name %q is used twice: give each subgraph its own name", s.Name)
			continue
		}
		e := graphEnumName(s.Name)
		base := e
		for n := 1; used[e]; n++ {
			e = fmt.Sprintf("%s_%d", base, n)
		}
		used[e] = true
		c.enum[s.Name] = e
	}
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	c.collect()
	c.usage()
	for _, n := range c.names {
		t := c.types[n]
		switch t.kind {
		case ast.Object, ast.Interface:
			c.mergeFields(t)
		case ast.InputObject:
			c.mergeInput(t)
		case ast.Enum:
			c.mergeEnum(t)
		case ast.Union:
			c.mergeUnion(t)
		}
	}
	for _, n := range c.names {
		if t := c.types[n]; t.kind == ast.Object || t.kind == ast.Interface {
			c.mergeFieldTypes(t)
		}
	}
	c.interfaces()
	c.validateFields()
	c.directives()
	if q := c.types["Query"]; q == nil || len(q.fields) == 0 {
		c.fail("NO_QUERIES", []string{"Query"}, nil, "no subgraph defines a field on Query: the supergraph needs at least one query field")
	}
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	return c, nil
}

// graphEnumName is the join__Graph value of a subgraph name, as Apollo
// writes it: upper case, other characters than letters and digits as _,
// a leading digit prefixed with _.
func graphEnumName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s
}

// collect gathers every type declaration and settles kinds.
func (c *composer) collect() {
	for _, s := range c.subs {
		names := s.Order
		if !slices.Contains(names, "Query") {
			names = append(slices.Clone(names), "Query")
		}
		keyFields := map[string]map[string]bool{}
		for _, tn := range s.Order {
			for _, k := range s.Keys[tn] {
				markSelected(k.Selection, keyFields)
			}
		}
		for _, n := range names {
			def := s.Schema.Types[n]
			if def == nil || def.BuiltIn {
				continue
			}
			d := &tDecl{sub: s, def: def, ext: s.Extension[n] || s.Fed2 && s.Extended[n],
				ifaceObj:  def.Kind == ast.Object && def.Directives.ForName("interfaceObject") != nil,
				shareable: def.Directives.ForName("shareable") != nil,
				external:  def.Directives.ForName("external") != nil,
				keyFields: keyFields[n]}
			t := c.types[n]
			if t == nil {
				t = &mType{name: n, kind: def.Kind, fieldIdx: map[string]*mField{}, valueIdx: map[string]*mValue{}}
				c.types[n] = t
				c.names = append(c.names, n)
			}
			t.decls = append(t.decls, d)
		}
	}
	slices.Sort(c.names)
	for _, n := range c.names {
		t := c.types[n]
		kinds := map[ast.DefinitionKind][]string{}
		var order []ast.DefinitionKind
		for _, d := range t.decls {
			k := d.def.Kind
			if d.ifaceObj {
				k = ast.Interface
			}
			if _, ok := kinds[k]; !ok {
				order = append(order, k)
			}
			kinds[k] = append(kinds[k], d.sub.Name)
		}
		t.kind = order[0]
		if len(order) > 1 {
			var parts []string
			var subs []string
			for _, k := range order {
				parts = append(parts, fmt.Sprintf("%s in %s", strings.ToLower(string(k)), strings.Join(kinds[k], ", ")))
				subs = append(subs, kinds[k]...)
			}
			c.fail("TYPE_KIND_MISMATCH", []string{n}, subs, "type %s is declared as %s: declare it with the same kind everywhere (an interface may be an @interfaceObject object)",
				n, strings.Join(parts, " but as "))
		}
	}
}

// markSelected records every (type, field) a field set selects.
func markSelected(set ast.SelectionSet, out map[string]map[string]bool) {
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.ObjectDefinition != nil {
				m := out[x.ObjectDefinition.Name]
				if m == nil {
					m = map[string]bool{}
					out[x.ObjectDefinition.Name] = m
				}
				m[x.Name] = true
			}
			markSelected(x.SelectionSet, out)
		case *ast.InlineFragment:
			markSelected(x.SelectionSet, out)
		}
	}
}

// usage records whether each enum (and input) is used in input or output position.
func (c *composer) usage() {
	mark := func(t *ast.Type, input bool) {
		if mt := c.types[t.Name()]; mt != nil {
			if input {
				mt.usedIn = true
			} else {
				mt.usedOut = true
			}
		}
	}
	for _, n := range c.names {
		for _, d := range c.types[n].decls {
			for _, f := range d.def.Fields {
				if f.Name == "_service" && n == "Query" {
					continue
				}
				mark(f.Type, d.def.Kind == ast.InputObject)
				for _, a := range f.Arguments {
					mark(a.Type, true)
				}
			}
		}
	}
}

func (c *composer) mergeFields(t *mType) {
	for _, d := range t.decls {
		for _, fd := range d.def.Fields {
			if strings.HasPrefix(fd.Name, "__") || t.name == "Query" && fd.Name == "_service" {
				continue
			}
			f := t.fieldIdx[fd.Name]
			if f == nil {
				f = &mField{name: fd.Name}
				t.fieldIdx[fd.Name] = f
				t.fields = append(t.fields, f)
			}
			x := &fDecl{sub: d.sub, t: d, def: fd,
				external:  d.external || fd.Directives.ForName("external") != nil,
				shareable: d.shareable || fd.Directives.ForName("shareable") != nil || !d.sub.Fed2 || d.keyFields[fd.Name],
			}
			if x.external && d.keyFields[fd.Name] && (!d.sub.Fed2 || d.ext || d.sub.Extended[t.name]) {
				// Key fields of an extension (and of any Fed 1 type) are
				// marked @external but the subgraph resolves them.
				x.external = false
			}
			if dd := fd.Directives.ForName("requires"); dd != nil {
				x.requires, _ = stringArg(dd, "fields")
			}
			if dd := fd.Directives.ForName("provides"); dd != nil {
				x.provides, _ = stringArg(dd, "fields")
			}
			if dd := fd.Directives.ForName("override"); dd != nil {
				x.override, _ = stringArg(dd, "from")
				x.label, _ = stringArg(dd, "label")
			}
			x.contexts = contextArgsOf(fd)
			f.decls = append(f.decls, x)
		}
	}
	c.overrides(t)
}

// overrides settles @override on t's fields.
func (c *composer) overrides(t *mType) {
	for _, f := range t.fields {
		coord := t.name + "." + f.name
		for _, x := range f.decls {
			if x.override == "" {
				continue
			}
			if x.external {
				c.fail("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", []string{coord}, []string{x.sub.Name},
					"field %s in subgraph %q has both @override and @external: a subgraph cannot take over a field it does not resolve; remove one of them", coord, x.sub.Name)
				continue
			}
			if x.label != "" {
				if x.sub.Fed2 && fedMinor(x.sub) < 7 {
					c.fail("INVALID_LINK_DIRECTIVE_USAGE", []string{coord}, []string{x.sub.Name},
						"field %s in subgraph %q uses @override(label: %q), which needs federation v2.7 or later (the subgraph links %s): raise the version", coord, x.sub.Name, x.label, x.sub.FedVersion)
					continue
				}
				if !validOverrideLabel(x.label) {
					c.fail("OVERRIDE_LABEL_INVALID", []string{coord}, []string{x.sub.Name},
						"field %s in subgraph %q has @override(label: %q): a label is percent(N) with 0 <= N <= 100, or starts with a letter followed by letters, digits, _ - : . /", coord, x.sub.Name, x.label)
					continue
				}
			}
			if x.override == x.sub.Name {
				c.fail("OVERRIDE_FROM_SELF_ERROR", []string{coord}, []string{x.sub.Name},
					"field %s in subgraph %q has @override(from: %q) naming its own subgraph: name the subgraph the field moves from", coord, x.sub.Name, x.override)
				continue
			}
			if _, ok := c.enum[x.override]; !ok {
				// Apollo: a hint; the override has no effect.
				x.override, x.label = "", ""
				continue
			}
			var src *fDecl
			for _, y := range f.decls {
				if y.sub.Name == x.override {
					src = y
				}
			}
			if src == nil {
				continue
			}
			if src.override != "" {
				c.fail("OVERRIDE_SOURCE_HAS_OVERRIDE", []string{coord}, []string{x.sub.Name, src.sub.Name},
					"field %s is @override(from: %q) in subgraph %q, but in %q it has @override(from: %q) itself: a field can move only once, remove one of the two @override",
					coord, src.sub.Name, x.sub.Name, src.sub.Name, src.override)
				continue
			}
			if src.external {
				continue
			}
			if x.label != "" {
				c.labels = true
				continue
			}
			if src.t.keyFields[f.name] || usedInRequires(src.t, f.name) || implementsField(src.t, f.name) {
				src.usedOverridden = true
			} else {
				src.removed = true
			}
		}
	}
}

// validOverrideLabel reports whether label is percent(N) (0 <= N <= 100)
// or a custom label as Apollo accepts them.
func validOverrideLabel(label string) bool {
	if strings.HasPrefix(label, "percent(") {
		if !strings.HasSuffix(label, ")") {
			return false
		}
		n, err := strconv.ParseFloat(label[len("percent("):len(label)-1], 64)
		return err == nil && n >= 0 && n <= 100
	}
	for i, r := range label {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter || !letter && !(r >= '0' && r <= '9') && !strings.ContainsRune("_-:./", r) {
			return false
		}
	}
	return label != ""
}

// implementsField reports whether the field implements a field of an
// interface the type implements in its subgraph.
func implementsField(d *tDecl, name string) bool {
	for _, in := range d.def.Interfaces {
		if it := d.sub.Schema.Types[in]; it != nil && it.Fields.ForName(name) != nil {
			return true
		}
	}
	return false
}

// usedInRequires reports whether a @requires of type decl d selects field name at its top level.
func usedInRequires(d *tDecl, name string) bool {
	for _, fd := range d.def.Fields {
		if dd := fd.Directives.ForName("requires"); dd != nil {
			text, _ := stringArg(dd, "fields")
			if sel, err := parseFieldSet(d.sub.Schema, d.def, text); err == nil {
				for _, s := range sel {
					if f, ok := s.(*ast.Field); ok && f.Name == name {
						return true
					}
				}
			}
		}
	}
	return false
}

// interfaces settles implemented interfaces and interface fields: a field
// of an interface that an implementation lacks is added from an
// @interfaceObject (graph-less @join__field) or is INTERFACE_FIELD_NO_IMPLEM.
func (c *composer) interfaces() {
	for _, n := range c.names {
		t := c.types[n]
		if t.kind != ast.Object && t.kind != ast.Interface {
			continue
		}
		for _, d := range t.decls {
			for _, in := range d.def.Interfaces {
				if !slices.Contains(t.ifaces, in) {
					t.ifaces = append(t.ifaces, in)
				}
			}
		}
	}
	for _, n := range c.names {
		t := c.types[n]
		if t.kind != ast.Object {
			continue
		}
		for _, in := range t.ifaces {
			it := c.types[in]
			if it == nil {
				continue
			}
			for _, f := range it.fields {
				if t.fieldIdx[f.name] != nil {
					continue
				}
				var fromObj bool
				for _, x := range f.decls {
					fromObj = fromObj || x.t.ifaceObj
				}
				if fromObj {
					nf := &mField{name: f.name, typ: f.typ, args: f.args, graphless: true}
					t.fields = append(t.fields, nf)
					t.fieldIdx[f.name] = nf
					continue
				}
				c.fail("INTERFACE_FIELD_NO_IMPLEM", []string{in + "." + f.name, n}, append(subNames(f.decls), declSubs(t)...),
					"interface field %s.%s is declared in %s but type %s, which implements %s, has no field %s in any subgraph (%s): add the field to %s",
					in, f.name, quoteList(subNames(f.decls)), n, in, f.name, quoteList(declSubs(t)), n)
			}
		}
	}
}

// validateFields checks sharing, @external, @requires and @provides.
func (c *composer) validateFields() {
	for _, n := range c.names {
		t := c.types[n]
		if t.kind != ast.Object && t.kind != ast.Interface {
			continue
		}
		for _, f := range t.fields {
			coord := n + "." + f.name
			var resolvers, unshared []string
			labeledFrom := map[string]bool{}
			for _, x := range f.decls {
				if x.override != "" && x.label != "" {
					labeledFrom[x.override] = true
				}
			}
			hasResolver := false
			for _, x := range f.decls {
				if x.external || x.removed || x.usedOverridden {
					continue
				}
				hasResolver = true
				if labeledFrom[x.sub.Name] || x.t.ifaceObj {
					continue
				}
				resolvers = append(resolvers, x.sub.Name)
				if !x.shareable {
					unshared = append(unshared, x.sub.Name)
				}
			}
			if t.kind == ast.Object && len(resolvers) > 1 && len(unshared) > 0 {
				c.fail("INVALID_FIELD_SHARING", []string{coord}, resolvers,
					"non-shareable field %s is resolved from several subgraphs: it is resolved from %s and defined as non-shareable in %s; mark it @shareable in every subgraph that resolves it (or @external where it is only used)",
					coord, quoteList(resolvers), quoteList(unshared))
			}
			for _, x := range f.decls {
				if x.external && x.sub.Fed2 && !c.externalUsed(x, n, f.name) {
					c.fail("EXTERNAL_UNUSED", []string{coord}, []string{x.sub.Name},
						"field %s is marked @external in subgraph %q but no @key, @requires or @provides there uses it and it implements no interface field: remove it, or use it", coord, x.sub.Name)
				}
			}
			for _, x := range f.decls {
				if x.external && !hasResolver && !f.graphless {
					c.fail("EXTERNAL_MISSING_ON_BASE", []string{coord}, []string{x.sub.Name},
						"field %s is marked @external in subgraph %q but no other subgraph defines it without @external: define it in the subgraph that resolves it, or remove it", coord, x.sub.Name)
					break
				}
			}
			for _, x := range f.decls {
				if x.requires != "" && x.sub.Fed2 {
					c.checkExternal(x, x.t.def, x.requires, "REQUIRES_FIELDS_MISSING_EXTERNAL", "@requires", coord)
				}
				if x.provides != "" && x.sub.Fed2 {
					if rt := x.sub.Schema.Types[x.def.Type.Name()]; isComposite(rt) {
						c.checkExternal(x, rt, x.provides, "PROVIDES_FIELDS_MISSING_EXTERNAL", "@provides", coord)
					}
				}
			}
		}
	}
}

// externalUsed reports whether an @external field is used in its subgraph:
// selected by a @key, @requires or @provides, or implementing an interface
// field.
func (c *composer) externalUsed(x *fDecl, typ, field string) bool {
	s := x.sub
	if s.used[typ][field] {
		return true
	}
	// A @provides on an interface or union selects through fragments;
	// a field selected on an interface counts for its implementations.
	for _, in := range x.t.def.Interfaces {
		if s.used[in][field] {
			return true
		}
	}
	return implementsField(x.t, field)
}

// checkExternal requires the leaf-most fields a @requires / @provides
// selects at its top level to be @external in the subgraph (key fields of
// the provided type are allowed).
func (c *composer) checkExternal(x *fDecl, parent *ast.Definition, text, code, dir, coord string) {
	sel, err := parseFieldSet(x.sub.Schema, parent, text)
	if err != nil {
		return
	}
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch f := s.(type) {
			case *ast.Field:
				if f.Name == "__typename" || f.ObjectDefinition == nil {
					continue
				}
				pt := f.ObjectDefinition
				fd := pt.Fields.ForName(f.Name)
				ext := fd != nil && fd.Directives.ForName("external") != nil || pt.Directives.ForName("external") != nil
				if !ext && len(f.SelectionSet) == 0 {
					isKey := false
					for _, k := range x.sub.Keys[pt.Name] {
						for _, ks := range k.Selection {
							if kf, ok := ks.(*ast.Field); ok && kf.Name == f.Name {
								isKey = true
							}
						}
					}
					if !(dir == "@provides" && isKey) {
						c.fail(code, []string{coord}, []string{x.sub.Name},
							"on field %s, the %s(fields: %q) selects %s.%s, which is not marked @external in subgraph %q: mark it @external there",
							coord, dir, text, pt.Name, f.Name, x.sub.Name)
						return
					}
				}
			case *ast.InlineFragment:
				walk(f.SelectionSet)
			}
		}
	}
	walk(sel)
}
