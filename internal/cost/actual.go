package cost

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// The actual cost is the estimate's formula applied to what the response
// holds: every object returned counts its weight once, a list counts its
// real elements (not an assumed size), a null or a field left out counts
// nothing, and argument weights count once per field returned. An object
// of an interface or union type counts as its __typename when the client
// selected it, else by the keys it holds.
//
// The response's data is walked as bytes (walk.go), never decoded into
// maps: scalars are skipped, keys compared in place, and the fields of a
// selection collected once per type for all the elements of a list.

var errBadJSON = errors.New("the response's data is not valid JSON")

// actual is the cost of data (the response's data entry) for op.
func (t *Table) actual(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, data []byte) (float64, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return 0, nil
	}
	root := t.api.Query
	switch op.Operation {
	case ast.Mutation:
		root = t.api.Mutation
	case ast.Subscription:
		root = t.api.Subscription
	}
	if root == nil {
		return 0, nil
	}
	if data[0] != '{' {
		return 0, fmt.Errorf("demand control: the response's data is not an object")
	}
	e := &estimator{t: t, doc: doc, vars: vars, used: map[string]bool{}}
	w := &walker{b: data}
	total := e.actualObject([]ast.SelectionSet{op.SelectionSet}, root, w, nil, op.Operation == ast.Mutation)
	if w.err != nil {
		return 0, fmt.Errorf("demand control: %w", w.err)
	}
	return total, nil
}

// collected caches the groups of one selection per concrete type name,
// for the elements of one list.
type collected map[string][]group

// actualObject is the cost of the selection sets on the object at w, a
// value of type parent. mutation adds the mutation weight per root field.
func (e *estimator) actualObject(sets []ast.SelectionSet, parent *ast.Definition, w *walker, cache collected, mutation bool) float64 {
	c := parent
	if parent.Kind != ast.Object {
		if tn := w.typename(); tn != "" {
			if d := e.t.api.Types[tn]; d != nil && d.Kind == ast.Object {
				c = d
			}
		}
	}
	groups, ok := cache[c.Name]
	if !ok {
		groups = e.collect(sets, c)
		if cache != nil {
			cache[c.Name] = groups
		}
	}
	total := 0.0
	w.object(func(key []byte) {
		i := slices.IndexFunc(groups, func(g group) bool { return g.Key == string(key) })
		if i < 0 {
			w.skip()
			return
		}
		if mutation {
			total = add(total, mutationWeight)
		}
		total = add(total, e.actualField(groups[i], c, w))
	})
	return total
}

// actualField is the cost of the value at w of group g on type c.
func (e *estimator) actualField(g group, c *ast.Definition, w *walker) float64 {
	f0 := g.Fields[0]
	if strings.HasPrefix(f0.Name, "__") || w.null() {
		w.skip()
		return 0
	}
	owner, fd := e.fieldDef(c, f0.Name)
	var ret *ast.Definition
	if fd != nil {
		ret = e.t.api.Types[fd.Type.Name()]
	}
	if ret == nil {
		w.skip()
		return 0
	}
	wt := e.t.fieldWeight(owner, fd, ret)
	sets := make([]ast.SelectionSet, 0, len(g.Fields))
	for _, f := range g.Fields {
		sets = append(sets, f.SelectionSet)
	}
	return add(e.actualValue(sets, ret, wt, w, nil), e.args(owner, fd, f0))
}

// fieldDef finds field name on c, or (c abstract, its concrete type
// unknown) on the first of its possible types, by name, that has it.
func (e *estimator) fieldDef(c *ast.Definition, name string) (string, *ast.FieldDefinition) {
	if fd := c.Fields.ForName(name); fd != nil {
		return c.Name, fd
	}
	if c.Kind == ast.Object {
		return "", nil
	}
	ps := slices.Clone(e.t.api.GetPossibleTypes(c))
	slices.SortFunc(ps, func(a, b *ast.Definition) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range ps {
		if fd := p.Fields.ForName(name); fd != nil {
			return p.Name, fd
		}
	}
	return "", nil
}

// actualValue is the cost of the value at w (a list counts each element;
// its objects share one collection of their fields per type).
func (e *estimator) actualValue(sets []ast.SelectionSet, ret *ast.Definition, wt float64, w *walker, cache collected) float64 {
	switch w.peek() {
	case 'n':
		w.skip()
		return 0
	case '[':
		if cache == nil {
			cache = collected{}
		}
		total := 0.0
		w.array(func() { total = add(total, e.actualValue(sets, ret, wt, w, cache)) })
		return total
	case '{':
		if ret.Kind == ast.Scalar {
			w.skip() // a custom scalar holding an object
			return wt
		}
		return add(wt, e.actualObject(sets, ret, w, cache, false))
	}
	w.skip()
	return wt
}
