package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Contexts (federation v2.8 @context / @fromContext, join v0.5
// contextArguments, the context spec v0.1).
//
// In a subgraph, @context(name: "x") on an object, interface or union type
// makes every object of that type in a response a provider of context x;
// an argument @fromContext(field: "$x { prop }") (or "$x ... on T { prop }
// ... on U { other }" for an abstract or several context types) takes its
// value from the nearest enclosing object, above the field's own object,
// whose type sets x: the selection evaluated on that object. The argument
// is gone from the supergraph and the API schema; the supergraph records it
// as @join__field(graph:, contextArguments: [{context: "S__x", name:,
// type:, selection:}]), with the context named after its subgraph, and the
// types as @context(name: "S__x").
//
// Loading (ParseSupergraph): Type.Contexts lists the context names a type
// sets; FieldSource.Contexts the contextual arguments of a field in one
// subgraph, each selection bound on every type that sets its context.
//
// Composing: the subgraph rules are Apollo's, with its error codes
// (checkContexts): CONTEXT_NAME_INVALID, NO_CONTEXT_IN_SELECTION,
// CONTEXT_NOT_SET, CONTEXT_INVALID_SELECTION, CONTEXT_NO_RESOLVABLE_KEY,
// and CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS across subgraphs.
// A selection is one field (nested one field per level down to a leaf, lists
// allowed on the way), or inline fragments on distinct object types, each
// such a path; its leaf type must fit the argument's type.

// ContextArgument is an argument whose value a subgraph takes from an
// enclosing object (@fromContext), as the supergraph records it.
type ContextArgument struct {
	// Name is the argument's name in the subgraph; Type its type there
	// ("String", "[ID!]").
	Name, Type string
	// Context is the supergraph's context name ("accounts__userContext").
	Context string
	// Selection is the selection as written (" { prop }", " ... on T { x }").
	Selection string
	// Bound maps each type that sets Context to Selection parsed and bound
	// on it (read only by key).
	Bound map[string]ast.SelectionSet
}

// ContextTypes returns the types that set context name, ascending.
func (s *Supergraph) ContextTypes(name string) []string {
	var out []string
	for n, t := range s.Types {
		if slices.Contains(t.Contexts, name) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// readContexts reads the @context applications of a supergraph type.
func (l *loader) readContexts(def *ast.Definition, t *Type) {
	if l.dContext == "" {
		return
	}
	for _, d := range def.Directives {
		if d.Name != l.dContext {
			continue
		}
		if n, ok := stringArg(d, "name"); ok && !slices.Contains(t.Contexts, n) {
			t.Contexts = append(t.Contexts, n)
			l.contexts[n] = append(l.contexts[n], def.Name)
		}
	}
}

// readContextArguments reads @join__field(contextArguments:) into src.
func (l *loader) readContextArguments(d *ast.Directive, src *FieldSource, where string) error {
	a := d.Arguments.ForName("contextArguments")
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return nil
	}
	items := a.Value.Children
	if a.Value.Kind == ast.ObjectValue {
		items = ast.ChildValueList{{Value: a.Value}}
	}
	for _, it := range items {
		ca := &ContextArgument{Bound: map[string]ast.SelectionSet{}}
		if it.Value == nil || it.Value.Kind != ast.ObjectValue {
			return fmt.Errorf("%w: %s: @%s(contextArguments:): not an object", ErrInvalidSupergraph, where, d.Name)
		}
		for _, c := range it.Value.Children {
			switch c.Name {
			case "name":
				ca.Name = c.Value.Raw
			case "type":
				ca.Type = c.Value.Raw
			case "context":
				ca.Context = c.Value.Raw
			case "selection":
				ca.Selection = c.Value.Raw
			}
		}
		if ca.Name == "" || ca.Context == "" {
			return fmt.Errorf("%w: %s: @%s(contextArguments:): name and context are required", ErrInvalidSupergraph, where, d.Name)
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: "query($v:" + ca.Type + "){a}"}); err != nil || ca.Type == "" {
			return fmt.Errorf("%w: %s: contextual argument %s: type %q is not a GraphQL type", ErrInvalidSupergraph, where, ca.Name, ca.Type)
		}
		types := l.contexts[ca.Context]
		if len(types) == 0 {
			return fmt.Errorf("%w: %s: contextual argument %s: context %q is set on no type (no @context(name: %q))",
				ErrInvalidSupergraph, where, ca.Name, ca.Context, ca.Context)
		}
		for _, tn := range types {
			sel, err := parseFieldSet(l.full, l.full.Types[tn], contextSelectionBody(ca.Selection))
			if err != nil {
				return fmt.Errorf("%w: %s: contextual argument %s: selection %q on %s: %w",
					ErrInvalidSupergraph, where, ca.Name, ca.Selection, tn, err)
			}
			ca.Bound[tn] = sel
		}
		src.Contexts = append(src.Contexts, ca)
	}
	return nil
}

// contextSelectionBody is a context selection without the braces around
// it, as parseFieldSet takes field sets.
func contextSelectionBody(sel string) string {
	s := strings.TrimSpace(sel)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		return s[1 : len(s)-1]
	}
	return s
}

// parseFromContext splits a @fromContext(field:) value "$name selection"
// into the context name and the selection (as written, after the name);
// ok is false when it does not start with a $name.
func parseFromContext(field string) (name, selection string, ok bool) {
	s := strings.TrimLeft(field, " \t\r\n,")
	if !strings.HasPrefix(s, "$") {
		return "", "", false
	}
	s = strings.TrimLeft(s[1:], " \t\r\n,")
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || i > 0 && s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 0 || strings.TrimSpace(s[i:]) == "" {
		return "", "", false
	}
	return s[:i], s[i:], true
}

// ctxArg is a contextual argument of a field in one subgraph (composition).
type ctxArg struct {
	name, typ, context, selection string
}

// contextArgsOf lists the @fromContext arguments of a subgraph field.
func contextArgsOf(fd *ast.FieldDefinition) []ctxArg {
	var out []ctxArg
	for _, a := range fd.Arguments {
		d := a.Directives.ForName("fromContext")
		if d == nil {
			continue
		}
		field, _ := stringArg(d, "field")
		name, sel, ok := parseFromContext(field)
		if !ok {
			continue
		}
		out = append(out, ctxArg{name: a.Name, typ: a.Type.String(), context: name, selection: sel})
	}
	return out
}

// validContextName reports whether a context name is letters, digits and
// no underscore, starting with a letter (Apollo's rule: the supergraph
// prefixes it with the subgraph's name and "__").
func validContextName(n string) bool {
	if n == "" || strings.Contains(n, "_") {
		return false
	}
	for i, r := range n {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// checkContexts validates @context / @fromContext in every subgraph.
func (c *composer) checkContexts() {
	for _, s := range c.subs {
		set := map[string][]*ast.Definition{}
		for _, n := range s.Order {
			def := s.Schema.Types[n]
			if def == nil {
				continue
			}
			for _, d := range def.Directives {
				if d.Name != "context" {
					continue
				}
				name, _ := stringArg(d, "name")
				if !validContextName(name) {
					why := "it should have only letters and digits, starting with a letter"
					if strings.Contains(name, "_") {
						why = "it may not contain an underscore"
					}
					c.fail("CONTEXT_NAME_INVALID", []string{n}, []string{s.Name},
						"@context(name: %q) on %s in subgraph %q: the name is invalid, %s: rename it", name, n, s.Name, why)
					continue
				}
				set[name] = append(set[name], def)
				c.contexts = true
			}
		}
		for _, n := range s.Order {
			def := s.Schema.Types[n]
			if def == nil {
				continue
			}
			for _, f := range def.Fields {
				for _, a := range f.Arguments {
					if d := a.Directives.ForName("fromContext"); d != nil {
						c.checkFromContext(s, def, f, a, d, set)
					}
				}
			}
		}
	}
}

// checkFromContext validates one @fromContext argument of subgraph s.
func (c *composer) checkFromContext(s *SubgraphSchema, def *ast.Definition, f *ast.FieldDefinition, a *ast.ArgumentDefinition,
	d *ast.Directive, set map[string][]*ast.Definition) {
	coord := fmt.Sprintf("%s.%s(%s:)", def.Name, f.Name, a.Name)
	fail := func(code, format string, args ...any) {
		c.fail(code, []string{coord}, []string{s.Name}, "%s in subgraph %q: "+format, append([]any{coord, s.Name}, args...)...)
	}
	if def.Kind != ast.Object {
		fail("CONTEXT_NOT_SET", "@fromContext cannot be used on a field of an abstract type (%s is an %s): move it to the implementations", def.Name, strings.ToLower(string(def.Kind)))
		return
	}
	for _, in := range def.Interfaces {
		if it := s.Schema.Types[in]; it != nil && it.Fields.ForName(f.Name) != nil {
			fail("CONTEXT_NOT_SET", "@fromContext cannot be used on a field implementing the interface field %s.%s", in, f.Name)
		}
	}
	if a.DefaultValue != nil {
		fail("CONTEXT_NOT_SET", "a @fromContext argument may not have a default value: remove the default")
	}
	field, _ := stringArg(d, "field")
	name, sel, ok := parseFromContext(field)
	if !ok {
		fail("NO_CONTEXT_IN_SELECTION", "@fromContext(field: %q) does not reference a context: write \"$contextName { field }\"", field)
		return
	}
	locs := set[name]
	if len(locs) == 0 {
		fail("CONTEXT_NOT_SET", "context %q is used but never set: add @context(name: %q) to the type(s) it comes from in this subgraph", name, name)
	} else if msg := c.contextSelectionError(s, sel, a.Type, locs); msg != "" {
		fail("CONTEXT_INVALID_SELECTION", "the selection %q of context %q is invalid: %s", strings.TrimSpace(sel), name, msg)
	}
	resolvable := false
	for _, k := range s.Keys[def.Name] {
		resolvable = resolvable || k.Resolvable
	}
	if !resolvable {
		c.fail("CONTEXT_NO_RESOLVABLE_KEY", []string{def.Name}, []string{s.Name},
			"object %s in subgraph %q has no resolvable @key but its field %s has a contextual argument: the field is fetched through _entities, add a resolvable @key", def.Name, s.Name, coord)
	}
}

// contextSelectionError checks a context selection against every type that
// sets the context and the argument's type; "" when it is valid.
func (c *composer) contextSelectionError(s *SubgraphSchema, sel string, argType *ast.Type, locs []*ast.Definition) string {
	body := contextSelectionBody(sel)
	used := map[string]bool{}
	var conds []string
	for _, loc := range locs {
		set, err := parseFieldSet(s.Schema, loc, body)
		if err != nil {
			return fmt.Sprintf("on %s: %v", loc.Name, err)
		}
		if f, isField := set[0].(*ast.Field); isField {
			if len(set) != 1 {
				return "it selects several fields: select exactly one"
			}
			if msg := contextPathError(f, argType); msg != "" {
				return msg
			}
			continue
		}
		seen := map[string]bool{}
		matched := 0
		for _, x := range set {
			fr, ok := x.(*ast.InlineFragment)
			if !ok {
				return "a selection is either one field or inline fragments only"
			}
			if fr.TypeCondition == "" || s.Schema.Types[fr.TypeCondition].Kind != ast.Object {
				return "each inline fragment needs a type condition on an object type"
			}
			if seen[fr.TypeCondition] {
				return "type conditions must be distinct"
			}
			seen[fr.TypeCondition] = true
			if !slices.Contains(conds, fr.TypeCondition) {
				conds = append(conds, fr.TypeCondition)
			}
			if len(fr.Directives) > 0 {
				return "directives are not allowed in the selection"
			}
			if !slices.ContainsFunc(s.Schema.GetPossibleTypes(loc), func(d *ast.Definition) bool { return d.Name == fr.TypeCondition }) {
				continue
			}
			matched++
			used[fr.TypeCondition] = true
			if len(fr.SelectionSet) != 1 {
				return fmt.Sprintf("the fragment on %s selects several fields: select exactly one", fr.TypeCondition)
			}
			f, ok := fr.SelectionSet[0].(*ast.Field)
			if !ok {
				return "fragments may not nest"
			}
			if msg := contextPathError(f, argType); msg != "" {
				return msg
			}
		}
		if matched == 0 {
			return fmt.Sprintf("no type condition matches %s", loc.Name)
		}
	}
	for _, tc := range conds {
		if !used[tc] {
			return fmt.Sprintf("type condition %q is never used", tc)
		}
	}
	return ""
}

// contextPathError checks one selected path (one field per level) and
// that the leaf, with the lists on the way, fits the argument's type.
func contextPathError(f *ast.Field, argType *ast.Type) string {
	var lists []bool // list levels on the way, outermost first
	for {
		if f.Alias != "" && f.Alias != f.Name {
			return "aliases are not allowed in the selection"
		}
		if len(f.Directives) > 0 {
			return "directives are not allowed in the selection"
		}
		if f.Definition == nil {
			return "unknown field " + f.Name
		}
		for t := f.Definition.Type; t.Elem != nil; t = t.Elem {
			lists = append(lists, true)
		}
		if len(f.SelectionSet) == 0 {
			break
		}
		if len(f.SelectionSet) != 1 {
			return fmt.Sprintf("%s selects several fields: select exactly one", f.Name)
		}
		next, ok := f.SelectionSet[0].(*ast.Field)
		if !ok {
			return "fragments are allowed only at the top of the selection"
		}
		f = next
	}
	// The value's type: the leaf's named type in as many lists as the
	// path crosses; it must be the argument's (nullability may be
	// stricter on the value's side).
	t := argType
	for range lists {
		if t.Elem == nil {
			return fmt.Sprintf("the selected value is a list but the argument's type is %s", argType.String())
		}
		t = t.Elem
	}
	if t.Elem != nil {
		return fmt.Sprintf("the selected value is not a list but the argument's type is %s", argType.String())
	}
	leaf := f.Definition.Type
	for leaf.Elem != nil {
		leaf = leaf.Elem
	}
	if t.NamedType != leaf.NamedType || t.NonNull && !leaf.NonNull {
		return fmt.Sprintf("the type of the selection (%s) does not match the argument's type %s", f.Definition.Type.String(), argType.String())
	}
	return ""
}

// contextualArgs returns the names of the arguments of f that are
// contextual in some subgraph (they leave the supergraph's field), after
// checking that every other subgraph declaring one makes it optional.
func (c *composer) contextualArgs(coord string, decls []*fDecl) map[string]bool {
	var out map[string]bool
	for _, x := range decls {
		for _, ca := range x.contexts {
			if out == nil {
				out = map[string]bool{}
			}
			out[ca.name] = true
		}
	}
	for _, x := range decls {
		for _, a := range x.def.Arguments {
			if !out[a.Name] || a.Directives.ForName("fromContext") != nil {
				continue
			}
			if a.Type.NonNull && a.DefaultValue == nil {
				ac := fmt.Sprintf("%s(%s:)", coord, a.Name)
				c.fail("CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS", []string{ac}, []string{x.sub.Name},
					"argument %s is contextual in at least one subgraph but in subgraph %q it has no @fromContext, is not nullable and has no default value: make it nullable, give it a default, or take it from the context there too",
					ac, x.sub.Name)
			}
		}
	}
	return out
}

// printContextArguments writes a join__field contextArguments value.
func (c *composer) printContextArguments(x *fDecl) string {
	parts := make([]string, len(x.contexts))
	for i, ca := range x.contexts {
		parts[i] = fmt.Sprintf("{context: %s, name: %s, type: %s, selection: %s}",
			quote(x.sub.Name+"__"+ca.context), quote(ca.name), quote(ca.typ), quote(ca.selection))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// contextDirectives returns the @context applications of a type in the
// supergraph: one per subgraph and name, the name prefixed with the
// subgraph's.
func (c *composer) contextDirectives(t *mType) []string {
	var out []string
	for _, d := range t.decls {
		for _, dd := range d.def.Directives {
			if dd.Name != "context" {
				continue
			}
			if n, ok := stringArg(dd, "name"); ok {
				s := "@context(name: " + quote(d.sub.Name+"__"+n) + ")"
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
