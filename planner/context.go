package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// Contextual arguments (@fromContext, schema/context.go).
//
// A field with a contextual argument in subgraph S is never local: like a
// @requires field it is fetched through an entity fetch into S (even from
// S). For each of its contextual arguments the planner climbs the chain of
// enclosing objects (walk.up), nearest first, to the first whose type sets
// the argument's context (the type itself, an interface it implements, or
// a union it belongs to, as Apollo matches them; the field's own object is
// not a candidate). An abstract position where only some possible types set
// it is a source too, its selection in fragments on those types, and the
// climb goes on (ContextArgument.From, nearest first: an object's own
// types decide at run time). A field planned from several positions at one
// path (fragments on different members) has one variable with the sources
// of all, each in a fragment on its position's type. The context's selection is planned there like
// @requires fields (parts may come from other subgraphs through their own
// jumps; __typename is selected when it has type conditions), and the
// entity group depends on every group that fetches part of it. The field
// is placed with the argument set to a variable, $__junction_ctx_<i>,
// declared with the argument's subgraph type; Fetch.Context says, for each
// such variable, where its value comes from: the enclosing object at
// Flatten.Path[:Level] and the selection (response keys as aliases) to
// evaluate on it. When no enclosing object sets the context the field is
// unresolvable where it is selected (null with an error).
//
// The executor computes the values per entity, groups the entities by their
// distinct values and sends one request: Operation as it is when there is
// one set of values, otherwise ContextOperation(n), one aliased _entities
// selection per set, each with its own representations and variables.

// ContextArgument says where the value of one contextual variable of an
// entity Fetch comes from.
type ContextArgument struct {
	// Variable is the variable's name in Operation (without $).
	Variable string
	// Type is the variable's GraphQL type (the argument's in the subgraph).
	Type string
	// From are the enclosing objects that may set the context, nearest
	// first: the value is the first source's whose selection applies to
	// its object (null when none does).
	From []ContextSource
}

// ContextSource is one enclosing object a context value may come from.
type ContextSource struct {
	// Level: the enclosing object is the one at Flatten.Path[:Level]
	// on the way to each entity.
	Level int
	// At is Flatten.Path[:Level], for the plan text.
	At []string
	// Selection is evaluated on that object: fields (Alias is the response
	// key to read, Name the field), lists mapped, inline fragments applying
	// by the object's __typename. At an abstract position where only some
	// types set the context, the selection is wrapped in fragments on those
	// types: an object of another type does not apply and the next source
	// is tried.
	Selection ast.SelectionSet
}

// ctxMarker brackets the index of a contextual variable in operation text
// while it is written (a NUL never appears in printed GraphQL otherwise).
const ctxMarker = "\x00"

// ctxVariable is the name of contextual variable i.
func ctxVariable(i int) string { return "__junction_ctx_" + itoa(i) }

// hasContext reports whether the source takes arguments from a context.
func hasContext(src *schema.FieldSource) bool { return src != nil && len(src.Contexts) > 0 }

// addContext plans the contextual arguments of the field of it, about to
// be placed at cw (the entity group of its subgraph, src), from the
// parent-side position w, and returns the item to place: the field with
// those arguments set to the group's context variables.
func (p *planning) addContext(w, cw walk, src *schema.FieldSource, it *item) (*item, error) {
	f := *it.field
	f.Arguments = slices.Clone(it.field.Arguments)
	for _, ca := range src.Contexts {
		types := p.sg.ContextTypes(ca.Context)
		arg := ContextArgument{Type: ca.Type}
		for fr := w.up; fr != nil; fr = fr.w.up {
			aw := fr.w
			sel, whole := p.contextAt(aw.typ, types, ca)
			if sel == nil {
				continue
			}
			if len(aw.path) > len(cw.g.path) || !slices.Equal(aw.path, cw.g.path[:len(aw.path)]) {
				return nil, fmt.Errorf("%w: %s.%s: the object setting context %q (path %v) does not enclose the entity fetch at %v",
					ErrUnsatisfiable, w.typ, it.field.Name, ca.Context, aw.path, cw.g.path)
			}
			var touched []*group
			rw := aw
			rw.touched = &touched
			items := p.internalKids(aw.typ, sel, aw.client)
			for _, k := range items {
				k.dirs = it.dirs
			}
			if err := p.planInternal(rw, items, nil); err != nil {
				return nil, err
			}
			for _, t := range touched {
				if t == cw.g || dependsOn(t, cw.g, map[*group]bool{}) {
					return nil, fmt.Errorf("%w: %s.%s: the fetch of its context %q depends on the field's own fetch",
						ErrUnsatisfiable, w.typ, it.field.Name, ca.Context)
				}
				cw.g.dependOn(t)
			}
			// In a fragment on the position's type: the same field may be
			// planned from another position at the same path (a fragment
			// on another member), whose objects must not match this one.
			cs := ContextSource{Level: len(aw.path), At: slices.Clone(aw.path), Selection: ctxItems(items)}
			if aw.up == nil || namedType(aw.up.it.field.Definition) != aw.typ {
				cs.Selection = ast.SelectionSet{&ast.InlineFragment{TypeCondition: aw.typ, SelectionSet: cs.Selection}}
			}
			arg.From = append(arg.From, cs)
			if whole {
				break
			}
		}
		if len(arg.From) == 0 {
			return nil, fieldUnresolvable(clientField(it), w.typ,
				"%s.%s takes its argument %s from context %q, which no enclosing object of this operation sets (types setting it: %s)",
				w.typ, it.field.Name, ca.Name, ca.Context, strings.Join(types, ", "))
		}
		i := cw.g.contextVar(cw.typ+"."+it.respKey+"("+ca.Name+":)", arg)
		f.Arguments = append(f.Arguments, &ast.Argument{Name: ca.Name,
			Value: &ast.Value{Kind: ast.Variable, Raw: ctxMarker + itoa(i) + ctxMarker}})
	}
	cp := *it
	cp.field = &f
	return &cp, nil
}

// contextMatch returns the type among types (those setting a context) that
// an object of type typ at this position provides it as: typ itself, an
// interface it implements, a union it belongs to; "" when none.
func (p *planning) contextMatch(typ string, types []string) string {
	for _, t := range types {
		if t == typ || p.interfaceOf(typ, t) {
			return t
		}
		if d := p.sg.API.Types[t]; d != nil && d.Kind == ast.Union && slices.Contains(d.Types, typ) {
			return t
		}
		if d := p.sg.Schema.Types[typ]; d != nil && slices.Contains(d.Interfaces, t) {
			return t
		}
	}
	return ""
}

// contextAt returns the selection to plan at an enclosing object of type
// typ for context argument ca (set by types): the whole selection when typ
// sets it (whole), fragments on the possible types of an abstract typ that
// set it (the object may be of another type: whole is false), nil when
// none can.
func (p *planning) contextAt(typ string, types []string, ca *schema.ContextArgument) (sel ast.SelectionSet, whole bool) {
	if m := p.contextMatch(typ, types); m != "" {
		return p.contextSelection(typ, ca.Bound[m]), true
	}
	if !p.isAbstract(typ) {
		return nil, false
	}
	for _, d := range p.possible(typ) {
		if d.Kind != ast.Object {
			continue
		}
		if m := p.contextMatch(d.Name, types); m != "" {
			sel = append(sel, &ast.InlineFragment{TypeCondition: d.Name, SelectionSet: p.contextSelection(d.Name, ca.Bound[m])})
		}
	}
	return sel, false
}

// contextSelection drops the inline fragments of a context selection whose
// type cannot be an object of typ.
func (p *planning) contextSelection(typ string, sel ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	for _, s := range sel {
		if fr, ok := s.(*ast.InlineFragment); ok && fr.TypeCondition != "" && fr.TypeCondition != typ &&
			!p.satisfies(fr.TypeCondition, typ) && !p.satisfies(typ, fr.TypeCondition) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// ctxItems converts planned internal items to a context selection: fields
// under their response keys (Alias), fragments with their type condition.
func ctxItems(items []*item) ast.SelectionSet {
	var out ast.SelectionSet
	for _, it := range items {
		if it.field == nil {
			out = append(out, &ast.InlineFragment{TypeCondition: it.typeCond, SelectionSet: ctxItems(it.kids)})
			continue
		}
		out = append(out, &ast.Field{Alias: it.respKey, Name: it.field.Name, SelectionSet: ctxItems(it.kids)})
	}
	return out
}

// contextVar returns the index of the group's context variable of the
// argument at key (type.responseKey(argument:) in the group's selection),
// adding it, or adding arg's sources to it: one field of one response key
// planned from several positions at the same path (fragments on different
// members) is one field in the fetch, its sources those of every position,
// nearest first.
func (g *group) contextVar(key string, arg ContextArgument) int {
	for i := range g.ctx {
		c := &g.ctx[i]
		if g.ctxKeys[i] != key {
			continue
		}
		for _, f := range arg.From {
			if !slices.ContainsFunc(c.From, func(x ContextSource) bool {
				return x.Level == f.Level && compactSelection(x.Selection) == compactSelection(f.Selection)
			}) {
				c.From = append(c.From, f)
			}
		}
		slices.SortStableFunc(c.From, func(a, b ContextSource) int { return b.Level - a.Level })
		return i
	}
	arg.Variable = ctxVariable(len(g.ctx))
	g.ctx = append(g.ctx, arg)
	g.ctxKeys = append(g.ctxKeys, key)
	return len(g.ctx) - 1
}

// contextText replaces the context markers in written operation text with
// the variables' names; suffix, when set, is appended to each name.
func contextText(s, suffix string) string {
	if !strings.Contains(s, ctxMarker) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, ctxMarker)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i+1:], ctxMarker)
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString("__junction_ctx_" + s[i+1:i+1+j] + suffix)
		s = s[i+2+j:]
	}
}

// contextTemplate is what ContextOperation needs of an entity fetch with
// context variables: the operation's head ("query Name"), the client
// variables' definitions, and the selection under _entities with markers.
type contextTemplate struct {
	head string
	defs []string
	sel  string
}

// ContextOperation returns the operation that asks n sets of entities at
// once, each set with its own context values: aliased _0 … _<n-1>
// _entities selections, set k with $__junction_reps_<k> and
// $__junction_ctx_<i>_<k>. For n == 1 it is Operation (with
// $representations and $__junction_ctx_<i>).
func (f *Fetch) ContextOperation(n int) string {
	t := f.ctxTmpl
	if n <= 1 || t == nil {
		return f.Operation
	}
	var b strings.Builder
	b.WriteString(t.head + "(")
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString("$__junction_reps_" + itoa(k) + ":[_Any!]!")
		for _, c := range f.Context {
			b.WriteString(",$" + c.Variable + "_" + itoa(k) + ":" + c.Type)
		}
	}
	for _, d := range t.defs {
		b.WriteString("," + d)
	}
	b.WriteString("){")
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("_" + itoa(k) + ":_entities(representations:$__junction_reps_" + itoa(k) + ")")
		b.WriteString(contextText(t.sel, "_"+itoa(k)))
	}
	b.WriteString("}")
	return b.String()
}

// printContext writes the context variables of a fetch in the plan text.
func (pr *printer) context(d int, f *Fetch) {
	if len(f.Context) == 0 {
		return
	}
	pr.line(d, "context {")
	for _, c := range f.Context {
		var from []string
		for _, s := range c.From {
			from = append(from, `"`+strings.Join(s.At, ".")+`" `+compactSelection(s.Selection))
		}
		pr.line(d+1, "$"+c.Variable+": "+c.Type+" = "+strings.Join(from, " else "))
	}
	pr.line(d, "} =>")
}
