package compose

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// MaxEdges bounds how many incoming edges of each type the satisfiability
// check plans through.
const MaxEdges = 4

// Compose is schema.Compose followed by Satisfiability. The error, when
// not nil, is a schema.CompositionErrors.
func Compose(subs []*schema.SubgraphSchema) (*schema.Supergraph, error) {
	sg, err := schema.Compose(subs)
	if err != nil {
		return nil, err
	}
	if errs := Satisfiability(sg); len(errs) > 0 {
		return nil, errs
	}
	return sg, nil
}

// step is one hop of a path: a field selection or an inline fragment.
type step struct {
	text  string // "topProducts(first: 0)" or "... on Book"
	label string // "Query.topProducts" or "... on Book"
}

type edge struct {
	from  string
	step  step
	order int
}

// Satisfiability plans every field of the API schema through the paths
// that reach it and reports the fields no plan reaches.
func Satisfiability(sg *schema.Supergraph) schema.CompositionErrors {
	api := sg.API
	c := &checker{sg: sg, api: api, pl: planner.New(sg, planner.WithCacheSize(0)), seen: map[string]bool{}}
	labels := c.pl.OverrideLabels()
	c.labelSets = []map[string]bool{nil}
	if len(labels) > 0 {
		all := map[string]bool{}
		for _, l := range labels {
			all[l] = true
		}
		c.labelSets = append(c.labelSets, all)
	}
	paths := map[string][]step{}
	in := map[string][]edge{}
	var queue []string
	for _, root := range []*ast.Definition{api.Query, api.Mutation} {
		if root == nil {
			continue
		}
		paths[root.Name] = nil
		queue = append(queue, root.Name)
	}
	n := 0
	addEdge := func(from, to string, s step) {
		n++
		if len(in[to]) < MaxEdges {
			in[to] = append(in[to], edge{from: from, step: s, order: n})
		}
		if _, ok := paths[to]; !ok {
			paths[to] = append(slices.Clone(paths[from]), s)
			queue = append(queue, to)
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		def := api.Types[name]
		if def.Kind == ast.Interface || def.Kind == ast.Union {
			for _, pt := range api.PossibleTypes[name] {
				addEdge(name, pt.Name, step{text: "... on " + pt.Name, label: "... on " + pt.Name})
			}
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			ct := api.Types[f.Type.Name()]
			if ct == nil || ct.Kind != ast.Object && ct.Kind != ast.Interface && ct.Kind != ast.Union {
				continue
			}
			addEdge(name, ct.Name, step{text: f.Name + c.args(f.Arguments), label: name + "." + f.Name})
		}
	}
	var names []string
	for name := range paths {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		def := api.Types[name]
		// Interface fields are checked on each implementation (reached
		// through `... on Impl` edges), as a client's selection on the
		// interface is answered per runtime type; an interface without
		// implementations answers nothing.
		if def.Kind != ast.Object {
			continue
		}
		if name == api.Query.Name || api.Mutation != nil && name == api.Mutation.Name {
			c.checkType(def, nil, "")
			continue
		}
		for _, e := range in[name] {
			c.checkType(def, append(slices.Clone(paths[e.from]), e.step), e.from)
		}
	}
	c.errs.Sort()
	return c.errs
}

type checker struct {
	sg        *schema.Supergraph
	api       *ast.Schema
	pl        *planner.Planner
	labelSets []map[string]bool
	errs      schema.CompositionErrors
	seen      map[string]bool // fields already reported
}

// checkType plans all of def's fields at the end of path, then one by one
// when that fails.
func (c *checker) checkType(def *ast.Definition, path []step, from string) {
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return
	}
	if err := c.plan(def, path, fields); err == nil {
		return
	}
	for _, f := range fields {
		coord := def.Name + "." + f.Name
		if c.seen[coord] {
			continue
		}
		err := c.plan(def, path, []*ast.FieldDefinition{f})
		if err == nil {
			continue
		}
		c.seen[coord] = true
		var via []string
		for _, s := range path {
			via = append(via, s.label)
		}
		route := strings.Join(append(via, coord), " → ")
		var subs []string
		contextual := false
		if t := c.sg.Types[def.Name]; t != nil && t.Fields[f.Name] != nil {
			for _, s := range t.Fields[f.Name].Sources {
				if !s.External {
					subs = append(subs, s.Subgraph)
				}
				contextual = contextual || len(s.Contexts) > 0
			}
		}
		advice := fmt.Sprintf("give %s a resolvable @key there whose fields the subgraphs on the path can provide, or make the field @shareable in a subgraph on the path", def.Name)
		if contextual {
			advice = "its contextual argument needs an enclosing object that sets the context on every path to it: set the context on a type of this path too, or make the argument an ordinary one"
		}
		c.errs = append(c.errs, &schema.CompositionError{
			Code:        "SATISFIABILITY_ERROR",
			Coordinates: []string{coord},
			Subgraphs:   subs,
			Message: fmt.Sprintf("no plan can reach field %s along %s: %v; the field is resolved only in subgraph(s) %s: %s",
				coord, route, plannerReason(err), quoteList(subs), advice),
		})
	}
}

func plannerReason(err error) string {
	msg := err.Error()
	if errors.Is(err, planner.ErrUnsatisfiable) {
		return msg
	}
	return "planning failed: " + msg
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// plan builds and plans the operation selecting fields of def at path.
func (c *checker) plan(def *ast.Definition, path []step, fields []*ast.FieldDefinition) error {
	var body []string
	for _, f := range fields {
		s := f.Name + c.args(f.Arguments)
		if ct := c.api.Types[f.Type.Name()]; ct != nil && (ct.Kind == ast.Object || ct.Kind == ast.Interface || ct.Kind == ast.Union) {
			s += " { __typename }"
		}
		body = append(body, s)
	}
	text := "{ " + strings.Join(body, " ") + " }"
	for i := len(path) - 1; i >= 0; i-- {
		text = "{ " + path[i].text + " " + text + " }"
	}
	op := "query"
	root := def.Name
	if len(path) > 0 {
		root = strings.SplitN(path[0].label, ".", 2)[0]
	}
	if c.api.Mutation != nil && root == c.api.Mutation.Name {
		op = "mutation"
	}
	text = op + " " + text
	doc, err := parser.ParseQuery(&ast.Source{Name: "satisfiability", Input: text})
	if err != nil {
		return nil // not a satisfiability matter
	}
	if errs := validator.Validate(c.api, doc); len(errs) > 0 {
		return nil // e.g. conflicting fields: not a satisfiability matter
	}
	for _, labels := range c.labelSets {
		pl, err := c.pl.PlanWithLabels(doc, "", labels)
		if err != nil {
			return err
		}
		// The planner answers a client field it cannot resolve with null
		// and an error at run time (Plan.Unresolved) rather than failing
		// the plan: for composition that field is unsatisfiable. The
		// __typename this check selects under a composite field is not
		// (an interface without implementations in the API has no concrete
		// type to tell, which Apollo's composition accepts).
		if err := unresolved(text, pl); err != nil {
			return err
		}
	}
	return nil
}

// unresolved returns the first (by document offset) client field of text
// that pl leaves unresolved, other than __typename, as an error.
func unresolved(text string, pl *planner.Plan) error {
	ats := slices.SortedFunc(maps.Keys(pl.Unresolved), func(a, b planner.FieldAt) int {
		return cmp.Or(cmp.Compare(a.Offset, b.Offset), strings.Compare(a.Type, b.Type))
	})
	for _, at := range ats {
		if strings.HasPrefix(text[at.Offset:], "__typename") {
			continue
		}
		msg := strings.TrimPrefix(pl.Unresolved[at].Message, "Cannot resolve ")
		return fmt.Errorf("%w: %s", planner.ErrUnsatisfiable, msg)
	}
	return nil
}

// args returns literals for the required arguments of a field.
func (c *checker) args(list ast.ArgumentDefinitionList) string {
	var parts []string
	for _, a := range list {
		if a.Type.NonNull && a.DefaultValue == nil {
			parts = append(parts, a.Name+": "+c.literal(a.Type, 0))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// literal returns a minimal valid literal of type t.
func (c *checker) literal(t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[]"
	}
	def := c.api.Types[t.NamedType]
	if def == nil || depth > 8 {
		return `""`
	}
	switch def.Kind {
	case ast.Enum:
		if len(def.EnumValues) > 0 {
			return def.EnumValues[0].Name
		}
	case ast.InputObject:
		var parts []string
		oneOf := def.Directives.ForName("oneOf") != nil
		for _, f := range def.Fields {
			if oneOf || f.Type.NonNull && f.DefaultValue == nil {
				parts = append(parts, f.Name+": "+c.literal(f.Type, depth+1))
				if oneOf {
					break
				}
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case ast.Scalar:
		switch def.Name {
		case "Int", "Float":
			return "0"
		case "Boolean":
			return "false"
		}
	}
	return `""`
}
