package robustness

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
)

// mockClient answers any subgraph operation with synthetic, well-typed
// data for exactly what it selects: every scalar has a value, lists have
// two items, an abstract field takes the subgraph's possible types in turn,
// and _entities answers one object per representation, of the
// representation's type. Directives are ignored: a skipped field is
// answered anyway, which a gateway must tolerate.
type mockClient struct {
	sg *schema.Supergraph
	// schemas, when set, are the subgraphs' own schemas: every operation
	// is validated against its subgraph's, variables included, and refused
	// with the validation errors as a real subgraph would.
	schemas map[string]*ast.Schema
	// tagged: String values are the answering subgraph's name, so that
	// subgraphs disagree and an answer shows which one was used.
	tagged bool
	// jitter, when set, delays every answer by a random time below it.
	jitter time.Duration
}

func (m mockClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	var r struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(req.Body, &r); err != nil {
		return nil, err
	}
	if m.jitter > 0 {
		select {
		case <-time.After(time.Duration(rand.Int64N(int64(m.jitter)))):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: r.Query})
	if err != nil || len(doc.Operations) == 0 {
		return []byte(`{"errors":[{"message":"mock: cannot parse"}]}`), nil
	}
	op := doc.Operations[0]
	if sch := m.schemas[req.Service]; sch != nil {
		var msgs []map[string]string
		for _, e := range validator.Validate(sch, doc) {
			msgs = append(msgs, map[string]string{"message": "subgraph validation: " + e.Message})
		}
		if len(msgs) == 0 {
			if _, err := validator.VariableValues(sch, op, r.Variables); err != nil {
				msgs = append(msgs, map[string]string{"message": "subgraph variables: " + err.Error()})
			}
		}
		if len(msgs) > 0 {
			return json.Marshal(map[string]any{"errors": msgs})
		}
	}
	root := "Query"
	if op.Operation == ast.Mutation && m.sg.Schema.Mutation != nil {
		root = m.sg.Schema.Mutation.Name
	} else if m.sg.Schema.Query != nil {
		root = m.sg.Schema.Query.Name
	}
	g := &mockGen{s: m.sg.Schema, doc: doc, sg: m.sg, service: req.Service, tagged: m.tagged}
	data := map[string]any{}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if ok && f.Name == "_entities" {
			// The variable the field names (contextual fetches alias
			// several _entities selections, each with its own).
			repsVar := "representations"
			if a := f.Arguments.ForName("representations"); a != nil && a.Value != nil && a.Value.Kind == ast.Variable {
				repsVar = a.Value.Raw
			}
			reps, _ := r.Variables[repsVar].([]any)
			list := make([]any, len(reps))
			for i, rp := range reps {
				rep, _ := rp.(map[string]any)
				tn, _ := rep["__typename"].(string)
				if d := g.s.Types[tn]; d != nil && d.IsAbstractType() {
					// An @interfaceObject's representation: the owner of
					// the implementations answers with a concrete type.
					list[i] = g.value(&ast.Type{NamedType: tn}, f.SelectionSet, i)
					continue
				}
				list[i] = g.object(tn, tn, f.SelectionSet)
			}
			data[key(f)] = list
			continue
		}
		g.selection(data, root, root, ast.SelectionSet{sel})
	}
	return json.Marshal(map[string]any{"data": data})
}

type mockGen struct {
	s       *ast.Schema
	doc     *ast.QueryDocument
	sg      *schema.Supergraph
	service string
	tagged  bool
}

// known reports whether the subgraph answering declares type name: a real
// subgraph never returns a type it does not have.
func (g *mockGen) known(name string) bool {
	t := g.sg.Types[name]
	return t != nil && slices.Contains(t.Subgraphs, g.service)
}

// everywhere reports whether name belongs to abstract in every subgraph
// that has abstract.
func (g *mockGen) everywhere(abstract, name string) bool {
	a := g.sg.Types[abstract]
	if a == nil {
		return false
	}
	for _, sub := range a.Subgraphs {
		other := &mockGen{sg: g.sg, service: sub}
		if !other.member(abstract, name) {
			return false
		}
	}
	return true
}

// member reports whether object type name belongs to abstract type in the
// answering subgraph (@join__implements, @join__unionMember).
func (g *mockGen) member(abstract, name string) bool {
	if !g.known(name) {
		return false
	}
	if a := g.sg.Types[abstract]; a != nil && a.Kind == ast.Union {
		return slices.Contains(a.UnionMembers[g.service], name)
	}
	t := g.sg.Types[name]
	return slices.Contains(t.Implements[g.service], abstract)
}

func key(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

func (g *mockGen) object(static, concrete string, ss ast.SelectionSet) map[string]any {
	obj := map[string]any{}
	g.selection(obj, static, concrete, ss)
	return obj
}

func (g *mockGen) applies(cond, concrete string) bool {
	if cond == "" || cond == concrete {
		return true
	}
	for _, d := range g.s.PossibleTypes[cond] {
		if d.Name == concrete {
			return true
		}
	}
	return false
}

func (g *mockGen) selection(obj map[string]any, static, concrete string, ss ast.SelectionSet) {
	for _, sel := range ss {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				obj[key(s)] = concrete
				continue
			}
			var fd *ast.FieldDefinition
			for _, tn := range []string{concrete, static} {
				if d := g.s.Types[tn]; d != nil && fd == nil {
					fd = d.Fields.ForName(s.Name)
				}
			}
			if fd == nil {
				continue
			}
			obj[key(s)] = merge(obj[key(s)], g.value(fd.Type, s.SelectionSet, 0))
		case *ast.InlineFragment:
			if g.applies(s.TypeCondition, concrete) {
				g.selection(obj, static, concrete, s.SelectionSet)
			}
		case *ast.FragmentSpread:
			if fr := g.doc.Fragments.ForName(s.Name); fr != nil && g.applies(fr.TypeCondition, concrete) {
				g.selection(obj, static, concrete, fr.SelectionSet)
			}
		}
	}
}

// value answers a field of type t; i is the index in the enclosing list,
// so that the items of an abstract list take each possible type in turn
// (and every field merged into the same item agrees on its type).
func (g *mockGen) value(t *ast.Type, ss ast.SelectionSet, i int) any {
	if t.Elem != nil {
		return []any{g.value(t.Elem, ss, 0), g.value(t.Elem, ss, 1)}
	}
	d := g.s.Types[t.NamedType]
	if d == nil {
		return nil
	}
	switch d.Kind {
	case ast.Scalar:
		switch d.Name {
		case "Int":
			return 1
		case "Float":
			return 1.5
		case "Boolean":
			return true
		case "ID":
			return "1"
		}
		if g.tagged {
			return g.service
		}
		return "s"
	case ast.Enum:
		if len(d.EnumValues) > 0 {
			return d.EnumValues[0].Name
		}
		return nil
	case ast.Object:
		return g.object(d.Name, d.Name, ss)
	}
	// Abstract: the i-th possible type (by name) of this subgraph, among
	// those every subgraph with the abstract type has, when there are
	// some: subgraphs sharing a field then agree on what it returns.
	var names, shared []string
	for _, p := range g.s.PossibleTypes[d.Name] {
		if g.member(d.Name, p.Name) {
			names = append(names, p.Name)
			if g.everywhere(d.Name, p.Name) {
				shared = append(shared, p.Name)
			}
		}
	}
	if len(shared) > 0 {
		names = shared
	}
	slices.Sort(names)
	var concrete string
	switch {
	case len(names) > 0:
		concrete = names[i%len(names)]
	case g.known(d.Name):
		concrete = d.Name // an @interfaceObject: the subgraph's object type
	default:
		return nil
	}
	return g.object(d.Name, concrete, ss)
}

// merge combines two answers for the same response key, as a real server
// merges fields of the same name.
func merge(a, b any) any {
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			for k, v := range y {
				x[k] = merge(x[k], v)
			}
			return x
		}
	case []any:
		if y, ok := b.([]any); ok && len(x) == len(y) {
			for i := range x {
				x[i] = merge(x[i], y[i])
			}
			return x
		}
	}
	return b
}
