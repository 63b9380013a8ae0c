package robustness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// queryGen writes random valid operations over an API schema: random
// fields with aliases, inline fragments, named fragments, @skip/@include
// on literals and variables, __typename, nested to a few levels.
type queryGen struct {
	api   *ast.Schema
	r     *rand.Rand
	frags []string
	n     int
	// Variables declared for arguments, and their values.
	decls []string
	vars  map[string]any
	// echo: at an interface, sometimes select a field both on the
	// interface and in a fragment on one of its possible types (one
	// response key, two places), as clients of shared fragments do.
	echo bool
	// deferOne: the first inline fragment of an operation is deferred
	// (one deferred block, so the payloads' order is the plan's alone).
	deferOne bool
	deferred bool
}

// operation returns a random operation and the variables it declares for
// arguments.
func (g *queryGen) operation() (string, map[string]any) {
	g.frags, g.n, g.decls, g.vars, g.deferred = nil, 0, nil, map[string]any{}, false
	var b strings.Builder
	var root strings.Builder
	g.selection(&root, g.api.Query, 0)
	b.WriteString("query Q($yes: Boolean = true, $no: Boolean = false")
	for _, d := range g.decls {
		b.WriteString(", " + d)
	}
	// Both conditions are always used.
	b.WriteString(") { t: __typename @include(if: $yes) @skip(if: $no) ")
	b.WriteString(strings.TrimPrefix(root.String(), "{ "))
	for _, f := range g.frags {
		b.WriteString(" ")
		b.WriteString(f)
	}
	return b.String(), g.vars
}

func (g *queryGen) selection(b *strings.Builder, def *ast.Definition, depth int) {
	b.WriteString("{ ")
	count := 1 + g.r.IntN(4)
	for i := 0; i < count; i++ {
		switch k := g.r.IntN(10); {
		case k >= 8 && g.echo && def.Kind == ast.Interface && depth > 0:
			g.echoField(b, def, depth)
		case k == 0:
			b.WriteString("__typename ")
		case k == 1 && depth > 0:
			// Inline fragment on the type itself or one of its possible types.
			t := def
			if pt := g.api.PossibleTypes[def.Name]; def.IsAbstractType() && len(pt) > 0 {
				t = pt[g.r.IntN(len(pt))] // else the type itself (an interface without implementations)
			}
			dir := g.directive()
			if g.deferOne && !g.deferred {
				dir, g.deferred = `@defer(label: "d") `, true
			}
			fmt.Fprintf(b, "... on %s %s", t.Name, dir)
			g.selection(b, t, depth)
		case k == 2 && depth > 0 && len(g.frags) < 3:
			g.n++
			name := fmt.Sprintf("F%d", g.n)
			var fb strings.Builder
			fmt.Fprintf(&fb, "fragment %s on %s ", name, def.Name)
			g.selection(&fb, def, depth)
			g.frags = append(g.frags, fb.String())
			fmt.Fprintf(b, "...%s %s", name, g.directive())
		default:
			g.field(b, def, depth)
		}
	}
	b.WriteString("} ")
}

// echoField selects a field of interface def (one without arguments) on def
// and again inside a fragment on one of its possible types.
func (g *queryGen) echoField(b *strings.Builder, def *ast.Definition, depth int) {
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if !strings.HasPrefix(f.Name, "__") && len(f.Arguments) == 0 {
			fields = append(fields, f)
		}
	}
	pt := g.api.PossibleTypes[def.Name]
	if len(fields) == 0 || len(pt) == 0 {
		b.WriteString("__typename ")
		return
	}
	f := fields[g.r.IntN(len(fields))]
	t := g.api.Types[f.Type.Name()]
	composite := t.Kind == ast.Object || t.Kind == ast.Interface || t.Kind == ast.Union
	one := func() {
		b.WriteString(f.Name + " ")
		if composite {
			g.selection(b, t, depth+1)
		}
	}
	one()
	fmt.Fprintf(b, "... on %s { ", pt[g.r.IntN(len(pt))].Name)
	one()
	b.WriteString("} ")
}

func (g *queryGen) directive() string {
	switch g.r.IntN(6) {
	case 0:
		return "@skip(if: $no) "
	case 1:
		return "@include(if: $yes) "
	case 2:
		return "@skip(if: true) "
	case 3:
		return "@include(if: $no) "
	}
	return ""
}

func (g *queryGen) field(b *strings.Builder, def *ast.Definition, depth int) {
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		b.WriteString("__typename ")
		return
	}
	f := fields[g.r.IntN(len(fields))]
	t := g.api.Types[f.Type.Name()]
	if (t.Kind == ast.Object || t.Kind == ast.Interface || t.Kind == ast.Union) && depth >= 4 {
		b.WriteString("__typename ")
		return
	}
	if g.r.IntN(3) == 0 {
		fmt.Fprintf(b, "%s%d: ", f.Name, g.r.IntN(3)) // one alias, one field
	}
	b.WriteString(f.Name)
	if len(f.Arguments) > 0 {
		var args []string
		for _, a := range f.Arguments {
			if !a.Type.NonNull && g.r.IntN(2) == 0 {
				continue
			}
			if g.r.IntN(2) == 0 {
				args = append(args, a.Name+": "+g.literal(a.Type, 0))
				continue
			}
			name := fmt.Sprintf("v%d", len(g.decls))
			g.decls = append(g.decls, "$"+name+": "+a.Type.String())
			g.vars[name] = g.input(a.Type, 0)
			args = append(args, a.Name+": $"+name)
		}
		if len(args) > 0 {
			b.WriteString("(" + strings.Join(args, ", ") + ")")
		}
	}
	b.WriteString(" ")
	b.WriteString(g.directive())
	if t.Kind == ast.Object || t.Kind == ast.Interface || t.Kind == ast.Union {
		g.selection(b, t, depth+1)
	}
}

// literal writes a GraphQL literal of input type t.
func (g *queryGen) literal(t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + g.literal(t.Elem, depth) + "]"
	}
	d := g.api.Types[t.NamedType]
	switch {
	case d == nil:
		return "null"
	case d.Kind == ast.Enum && len(d.EnumValues) > 0:
		return d.EnumValues[g.r.IntN(len(d.EnumValues))].Name
	case d.Kind == ast.InputObject:
		var parts []string
		for _, f := range d.Fields {
			if (f.Type.NonNull && f.DefaultValue == nil) || (depth < 2 && g.r.IntN(2) == 0) {
				parts = append(parts, f.Name+": "+g.literal(f.Type, depth+1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	switch t.NamedType {
	case "Int":
		return "2"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	}
	return `"1"`
}

// input is a JSON value of input type t, for a variable.
func (g *queryGen) input(t *ast.Type, depth int) any {
	if t.Elem != nil {
		return []any{g.input(t.Elem, depth)}
	}
	d := g.api.Types[t.NamedType]
	switch {
	case d == nil:
		return nil
	case d.Kind == ast.Enum && len(d.EnumValues) > 0:
		return d.EnumValues[g.r.IntN(len(d.EnumValues))].Name
	case d.Kind == ast.InputObject:
		obj := map[string]any{}
		for _, f := range d.Fields {
			if (f.Type.NonNull && f.DefaultValue == nil) || (depth < 2 && g.r.IntN(2) == 0) {
				obj[f.Name] = g.input(f.Type, depth+1)
			}
		}
		return obj
	}
	switch t.NamedType {
	case "Int":
		return 3
	case "Float":
		return 2.5
	case "Boolean":
		return false
	}
	return "2"
}

// TestRandomQueries runs random valid operations through the pipeline
// against the demo supergraph (canned subgraphs): each validates, plans and
// executes with data and without an internal or planning error. Aliases
// may collide only where the same field and arguments are selected, so an
// operation the validator refuses is skipped.
func TestRandomQueries(t *testing.T) {
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg, gateway.WithClient(cannedClient{}))
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(gw)
	gen := &queryGen{api: sg.API, r: rand.New(rand.NewPCG(1, 2))}
	ran := 0
	for i := 0; i < 400; i++ {
		q, vars := gen.operation()
		raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		body := rec.Body.String()
		if strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
			continue // e.g. two fields aliased alike with different arguments
		}
		ran++
		checkResponse(t, rec.Code, rec.Body.Bytes())
		if !strings.HasPrefix(body, `{"data":{`) || strings.Contains(body, "QUERY_PLANNING_FAILED") {
			t.Errorf("query %s\n got %d %s", q, rec.Code, body)
		}
	}
	if ran < 200 {
		t.Errorf("only %d of 400 random operations were valid", ran)
	}
}
