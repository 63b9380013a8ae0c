package cost

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/schema"
)

// The static estimate (the IBM GraphQL cost spec as Apollo Router's demand
// control applies it):
//
//	operation = Σ root fields (+ 10 per root field of a mutation)
//	field     = size × (weight + Σ selected fields) + Σ argument weights
//	weight    = the field's @cost, else its type's @cost, else 1 for an
//	            object, interface or union and 0 for a scalar or an enum
//	size      = 1 for a field that is not a list; for a list, the largest
//	            value given to its slicing arguments (@listSize
//	            slicingArguments, variables resolved), else its
//	            @listSize(assumedSize:), else demand_control.list_size.
//	            @listSize(sizedFields:) gives that size to the named child
//	            lists instead (a connection's edges).
//
// Fields are collected per concrete type as execution collects them
// (fragments merged, same response key merged, @skip and @include
// applied); a selection on an interface or a union costs the most
// expensive of its possible types. Introspection fields cost nothing.

// mutationWeight is what Apollo Router adds per mutation.
const mutationWeight = 10

// maxCost saturates every sum: a cost is a finite number whatever the
// sizes a client asks for, and one this large breaks any budget.
const maxCost = float64(math.MaxInt64)

type estimator struct {
	t    *Table
	doc  *ast.QueryDocument
	vars map[string]any
	used map[string]bool // variables the estimate read
	memo map[string]float64
	// slicing is the first field that broke requireOneSlicingArgument.
	slicing *slicingProblem
	// on is the concrete type collect is collecting for (see Applies).
	on *ast.Definition
}

type slicingProblem struct {
	msg  string
	path ast.Path
	loc  *ast.Position
}

func add(a, b float64) float64 { return min(a+b, maxCost) }

func mul(a, b float64) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return min(a*b, maxCost)
}

// estimate is the operation's estimated cost.
func (t *Table) estimate(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (float64, *estimator) {
	e := &estimator{t: t, doc: doc, vars: vars, used: map[string]bool{}, memo: map[string]float64{}}
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = t.api.Mutation
	case ast.Subscription:
		root = t.api.Subscription
	default:
		root = t.api.Query
	}
	if root == nil {
		return 0, e
	}
	groups := e.collect([]ast.SelectionSet{op.SelectionSet}, root)
	total := 0.0
	for _, g := range groups {
		if op.Operation == ast.Mutation {
			total = add(total, mutationWeight)
		}
		total = add(total, e.field(g, root, -1, nil, ast.Path{ast.PathName(g.Key)}))
	}
	return total, e
}

// group is the fields of one response key, collected for one concrete type.
type group = schema.FieldGroup

// collect groups the fields of sets that apply to concrete type c by
// response key, in order of first appearance (schema.CollectFields, the
// estimator its FieldFilter).
func (e *estimator) collect(sets []ast.SelectionSet, c *ast.Definition) []group {
	var frags ast.FragmentDefinitionList
	if e.doc != nil {
		frags = e.doc.Fragments
	}
	e.on = c
	return schema.CollectFields(e, frags, nil, sets...)
}

// Include applies @skip and @include; the variables of a selection left
// out are recorded (markAll).
func (e *estimator) Include(sel ast.Selection, dirs ast.DirectiveList) bool {
	if e.included(dirs) {
		return true
	}
	e.markAll(ast.SelectionSet{sel}, map[string]bool{})
	return false
}

// Applies reports whether a fragment on cond applies to the concrete type
// being collected (TypeConditions.Satisfies).
func (e *estimator) Applies(cond string) bool {
	c := e.on
	if cond == "" || cond == c.Name || c.Kind != ast.Object {
		// An abstract c: the actual cost of an object whose concrete
		// type the response does not tell (actual.go) takes every
		// fragment; only the keys present in the response count.
		return true
	}
	return e.t.conds.Satisfies(c.Name, cond)
}

// included applies @skip and @include (schema.Included), recording the
// variables they read.
func (e *estimator) included(ds ast.DirectiveList) bool {
	if len(ds) == 0 {
		return true
	}
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		if a := d.Arguments.ForName("if"); a != nil {
			e.mark(a.Value)
		}
	}
	ok, _ := schema.Included(ds, e.vars)
	return ok
}

// markAll records every variable of a skipped selection (arguments and
// directives): other values may include it, and the cached estimate must
// then be keyed by them.
func (e *estimator) markAll(ss ast.SelectionSet, seen map[string]bool) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				e.mark(a.Value)
			}
			e.markDirectives(s.Directives)
			e.markAll(s.SelectionSet, seen)
		case *ast.InlineFragment:
			e.markDirectives(s.Directives)
			e.markAll(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			e.markDirectives(s.Directives)
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			def := s.Definition
			if def == nil && e.doc != nil {
				def = e.doc.Fragments.ForName(s.Name)
			}
			if def != nil {
				e.markAll(def.SelectionSet, seen)
			}
		}
	}
}

func (e *estimator) markDirectives(ds ast.DirectiveList) {
	for _, d := range ds {
		for _, a := range d.Arguments {
			e.mark(a.Value)
		}
	}
}

// mark records the variables value reads.
func (e *estimator) mark(v *ast.Value) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		e.used[v.Raw] = true
		return
	}
	for _, c := range v.Children {
		e.mark(c.Value)
	}
}

// selection is the cost of sets selected on parent (an interface or a
// union costs its most expensive possible type). sized gives child
// lists their size (from the parent field's @listSize(sizedFields:)).
func (e *estimator) selection(sets []ast.SelectionSet, parent *ast.Definition, sized map[string][][]string, size float64, path ast.Path) float64 {
	if parent.Kind == ast.Object {
		return e.concrete(sets, parent, sized, size, path)
	}
	best := 0.0
	for _, c := range e.t.api.GetPossibleTypes(parent) {
		best = max(best, e.concrete(sets, c, sized, size, path))
	}
	return best
}

func (e *estimator) concrete(sets []ast.SelectionSet, c *ast.Definition, sized map[string][][]string, size float64, path ast.Path) float64 {
	total := 0.0
	for _, g := range e.collect(sets, c) {
		override, rest := -1.0, [][]string(nil)
		if paths, ok := sized[g.Fields[0].Name]; ok {
			for _, p := range paths {
				if len(p) == 0 {
					override = size
				} else {
					rest = append(rest, p)
				}
			}
		}
		var childSized map[string][][]string
		if len(rest) > 0 {
			childSized = nest(rest)
		}
		total = add(total, e.field(g, c, override, childSized, append(slices.Clip(path), ast.PathName(g.Key))))
	}
	return total
}

// nest turns sizedFields paths into the first segment -> what remains.
func nest(paths [][]string) map[string][][]string {
	m := map[string][][]string{}
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		m[p[0]] = append(m[p[0]], p[1:])
	}
	return m
}

// field is the cost of the fields of group g on concrete (or root) type c.
// override, when >= 0, is the list size a parent's sizedFields gave;
// sized passes a dotted sizedFields path further down.
func (e *estimator) field(g group, c *ast.Definition, override float64, sized map[string][][]string, path ast.Path) float64 {
	f0 := g.Fields[0]
	if strings.HasPrefix(f0.Name, "__") {
		return 0
	}
	fd := c.Fields.ForName(f0.Name)
	if fd == nil {
		return 0
	}
	ret := e.t.api.Types[fd.Type.Name()]
	if ret == nil {
		return 0
	}
	w := e.t.fieldWeight(c.Name, fd, ret)
	args := e.args(c.Name, fd, f0)
	list := fd.Type.Elem != nil
	size, childSize := 1.0, -1.0
	childSized := sized
	if ls := e.t.sizes[coord(c.Name, fd.Name)]; ls != nil {
		n := e.listSize(ls, c.Name, fd, f0, path)
		if len(ls.sized) > 0 {
			childSized = mergeSized(childSized, nest(ls.sized))
			childSize = n
			if list {
				size = e.t.defaultSize
				if ls.assumed >= 0 {
					size = ls.assumed
				}
			}
		} else if list {
			size = n
		}
	} else if list {
		size = e.t.defaultSize
	}
	if override >= 0 && list {
		size = override
	}
	children := 0.0
	if ret.Kind == ast.Object || ret.Kind == ast.Interface || ret.Kind == ast.Union {
		sets := make([]ast.SelectionSet, 0, len(g.Fields))
		for _, f := range g.Fields {
			sets = append(sets, f.SelectionSet)
		}
		key := ""
		if childSized == nil {
			key = memoKey(g.Fields, c.Name)
		}
		if v, ok := e.memo[key]; ok && key != "" {
			children = v
		} else if key != "" {
			children = e.selection(sets, ret, nil, -1, path)
			e.memo[key] = children
		} else {
			children = e.selection(sets, ret, childSized, childSize, path)
		}
	}
	return add(mul(size, add(w, children)), args)
}

func mergeSized(a, b map[string][][]string) map[string][][]string {
	if a == nil {
		return b
	}
	out := make(map[string][][]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = append(slices.Clip(out[k]), v...)
	}
	return out
}

// memoKey identifies a field group on a parent type: the same fields (by
// their offsets in the document) on the same type cost the same within
// one estimate, so a selection under an interface with many
// implementations is walked once per type, not once per path.
func memoKey(fs []*ast.Field, parent string) string {
	var b strings.Builder
	b.WriteString(parent)
	for _, f := range fs {
		if f.Position == nil {
			return "" // not from a parsed document: not memoized
		}
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(f.Position.Start))
	}
	return b.String()
}

// listSize is the size of a list field with @listSize: the largest
// slicing argument given, else assumedSize, else the default.
func (e *estimator) listSize(ls *listSize, parent string, fd *ast.FieldDefinition, f *ast.Field, path ast.Path) float64 {
	given, n := 0, 0.0
	for _, p := range ls.slicing {
		v, ok := e.argValue(fd, f, p)
		if !ok {
			continue
		}
		given++
		n = max(n, v)
	}
	if ls.requireOne && len(ls.slicing) > 0 && given != 1 && e.slicing == nil {
		names := make([]string, len(ls.slicing))
		for i, p := range ls.slicing {
			names[i] = strings.Join(p, ".")
		}
		e.slicing = &slicingProblem{
			msg: fmt.Sprintf("%s.%s takes exactly one of its slicing arguments (%s), %d given (@listSize requireOneSlicingArgument)",
				parent, fd.Name, strings.Join(names, ", "), given),
			path: slices.Clone(path),
			loc:  f.Position,
		}
	}
	if given > 0 {
		return n
	}
	if ls.assumed >= 0 {
		return ls.assumed
	}
	return e.t.defaultSize
}

// argValue reads the number at path p (an argument, or a dotted path
// into an input object) of field f, its definition's default applying.
func (e *estimator) argValue(fd *ast.FieldDefinition, f *ast.Field, p []string) (float64, bool) {
	var v any
	if a := f.Arguments.ForName(p[0]); a != nil && a.Value != nil {
		e.mark(a.Value)
		val, err := a.Value.Value(e.vars)
		if err != nil {
			return 0, false
		}
		v = val
	} else if ad := fd.Arguments.ForName(p[0]); ad != nil && ad.DefaultValue != nil {
		val, err := ad.DefaultValue.Value(nil)
		if err != nil {
			return 0, false
		}
		v = val
	}
	for _, k := range p[1:] {
		m, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		v = m[k]
	}
	n, ok := number(v)
	if !ok {
		return 0, false
	}
	return max(n, 0), true
}

// args is the weight of the arguments f gives: each argument's @cost,
// and the @cost of the input fields its value sets.
func (e *estimator) args(parent string, fd *ast.FieldDefinition, f *ast.Field) float64 {
	if len(e.t.args) == 0 && len(e.t.costedInputs) == 0 {
		return 0
	}
	total := 0.0
	for _, a := range f.Arguments {
		ad := fd.Arguments.ForName(a.Name)
		if ad == nil || a.Value == nil {
			continue
		}
		w, weighted := e.t.args[argCoord(parent, fd.Name, a.Name)]
		if !weighted && !e.t.costedInputs[ad.Type.Name()] {
			continue // its value cannot change the cost
		}
		e.mark(a.Value)
		v, err := a.Value.Value(e.vars)
		if err != nil || v == nil {
			continue
		}
		total = add(total, w)
		total = add(total, e.t.inputCost(ad.Type, v, 0))
	}
	return total
}

// inputCost is the @cost of the input fields set in v, a value of type
// typ (lists summed). Input nesting is bounded by the document limits;
// depth guards a recursive input type all the same.
func (t *Table) inputCost(typ *ast.Type, v any, depth int) float64 {
	if v == nil || depth > 64 {
		return 0
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return t.inputCost(typ.Elem, v, depth+1)
		}
		total := 0.0
		for _, x := range list {
			total = add(total, t.inputCost(typ.Elem, x, depth+1))
		}
		return total
	}
	def := t.api.Types[typ.Name()]
	m, ok := v.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return 0
	}
	total := 0.0
	for _, fd := range def.Fields { // declaration order: deterministic
		x, set := m[fd.Name]
		if !set || x == nil {
			continue
		}
		total = add(total, t.fields[coord(def.Name, fd.Name)])
		total = add(total, t.inputCost(fd.Type, x, depth+1))
	}
	return total
}
