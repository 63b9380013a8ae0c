package cost

import (
	"bytes"
	"encoding/json"
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

// actual is the cost of data (the response's data entry) for op.
func (t *Table) actual(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, data json.RawMessage) (float64, error) {
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return 0, fmt.Errorf("demand control: reading the response: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return 0, fmt.Errorf("demand control: the response's data is not an object")
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
	e := &estimator{t: t, doc: doc, vars: vars, used: map[string]bool{}}
	total := 0.0
	for _, g := range e.collect([]ast.SelectionSet{op.SelectionSet}, root) {
		val, present := obj[g.key]
		if !present {
			continue
		}
		if op.Operation == ast.Mutation {
			total = add(total, mutationWeight)
		}
		total = add(total, e.actualField(g, root, val))
	}
	return total, nil
}

// actualObject is the cost of the selections sets on obj, a value of
// type parent.
func (e *estimator) actualObject(sets []ast.SelectionSet, parent *ast.Definition, obj map[string]any) float64 {
	c := parent
	if parent.Kind != ast.Object {
		if tn, ok := obj["__typename"].(string); ok {
			if d := e.t.api.Types[tn]; d != nil && d.Kind == ast.Object {
				c = d
			}
		}
	}
	total := 0.0
	for _, g := range e.collect(sets, c) {
		val, present := obj[g.key]
		if !present {
			continue
		}
		total = add(total, e.actualField(g, c, val))
	}
	return total
}

// actualField is the cost of val, the value of group g on type c.
func (e *estimator) actualField(g group, c *ast.Definition, val any) float64 {
	f0 := g.fields[0]
	if strings.HasPrefix(f0.Name, "__") || val == nil {
		return 0
	}
	owner, fd := e.fieldDef(c, f0.Name)
	if fd == nil {
		return 0
	}
	ret := e.t.api.Types[fd.Type.Name()]
	if ret == nil {
		return 0
	}
	w := e.t.fieldWeight(owner, fd, ret)
	sets := make([]ast.SelectionSet, 0, len(g.fields))
	for _, f := range g.fields {
		sets = append(sets, f.SelectionSet)
	}
	return add(e.actualValue(sets, ret, w, val), e.args(owner, fd, f0))
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

// actualValue is the cost of one value (a list counts each element).
func (e *estimator) actualValue(sets []ast.SelectionSet, ret *ast.Definition, w float64, val any) float64 {
	switch v := val.(type) {
	case nil:
		return 0
	case []any:
		total := 0.0
		for _, x := range v {
			total = add(total, e.actualValue(sets, ret, w, x))
		}
		return total
	case map[string]any:
		return add(w, e.actualObject(sets, ret, v))
	}
	return w
}
