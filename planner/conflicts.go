package planner

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Response-shape conflicts. A subgraph operation is validated against the
// subgraph's own schema, where a field may have another type than in the
// supergraph (@join__field(type:)): Person.id may be ID! in one subgraph
// while Robot.id is ID there. Selecting both under one response key in one
// selection set ("... on Person { id } ... on Robot { id }") breaks the
// spec's SameResponseShape rule and the subgraph rejects the operation.
// Before a fetch is printed, every selection set (fields of its fragments
// included) is checked: fields of one response key whose shapes differ keep
// the key for the first shape and get the alias __junction_alias_<n> for the
// others, and the Fetch carries an OutputRewrite renaming the alias back to
// the response key in the subgraph's answer before it is merged. Fields that
// share a key and a composite shape have their sub-selections checked as one
// set, recursively, as the spec does.

// shape returns the response shape of typeName.field in subgraph sub.
func (p *planning) shape(sub, typeName string, f *ast.Field) string {
	if f.Name == "__typename" {
		return "String!"
	}
	var t string
	if fm := p.field(typeName, f.Name); fm != nil {
		if src := fm.Source(sub); src != nil {
			t = src.Type
		}
	}
	if t == "" && f.Definition != nil && f.Definition.Type != nil {
		t = f.Definition.Type.String()
	}
	name := strings.Trim(t, "[]!")
	if d := p.sg.Schema.Types[name]; d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface || d.Kind == ast.Union) {
		return strings.Replace(t, name, "{}", 1)
	}
	return t
}

// dealiaser renames conflicting fields of one fetch.
type dealiaser struct {
	n        int
	rewrites []Rewrite
}

// set resolves the conflicts of the selection set ns (fragments flattened)
// at response path path and returns the rewrites of the whole fetch, outer
// before inner: a path runs through the aliases of the subgraph's answer.
func (d *dealiaser) set(ns []*selNode, path []string) []Rewrite {
	var fields []*selNode
	var gather func([]*selNode)
	gather = func(ns []*selNode) {
		for _, n := range ns {
			if n.name == "" {
				gather(n.children)
				continue
			}
			fields = append(fields, n)
		}
	}
	gather(ns)
	// Group by response key, in order of first appearance; within a key,
	// one sub-group per shape.
	type keyGroup struct {
		key    string
		shapes []string
		nodes  [][]*selNode
	}
	var groups []*keyGroup
	byKey := map[string]*keyGroup{}
	for _, f := range fields {
		g := byKey[f.respKey]
		if g == nil {
			g = &keyGroup{key: f.respKey}
			byKey[f.respKey] = g
			groups = append(groups, g)
		}
		i := 0
		for i < len(g.shapes) && g.shapes[i] != f.shape && f.shape != "" && g.shapes[i] != "" {
			i++
		}
		if i == len(g.shapes) {
			g.shapes = append(g.shapes, f.shape)
			g.nodes = append(g.nodes, nil)
		}
		g.nodes[i] = append(g.nodes[i], f)
	}
	for _, g := range groups {
		for i, same := range g.nodes {
			key := g.key
			if i > 0 {
				key = "__junction_alias_" + itoa(d.n)
				d.n++
				for _, f := range same {
					f.respKey = key
				}
				d.rewrites = append(d.rewrites, Rewrite{Path: append(append([]string(nil), path...), key), RenameKeyTo: g.key})
			}
			var kids []*selNode
			for _, f := range same {
				kids = append(kids, f.children...)
			}
			if len(kids) > 0 {
				d.set(kids, append(append([]string(nil), path...), key))
			}
		}
	}
	return d.rewrites
}

// subgraphType returns the type the object below typeName.name has in
// subgraph sub: the supergraph's type super unless the subgraph declares the
// field with a narrower one (@join__field(type:): an implementation where
// the supergraph has the interface). Planning continues in the subgraph's
// type, so nothing is asked that its schema cannot spread; when the
// supergraph type is abstract __typename is selected at n all the same, for
// the client's fragments to be decided.
func (p *planning) subgraphType(sub, typeName, name, super string, n *selNode) string {
	fm := p.field(typeName, name)
	if fm == nil {
		return super
	}
	src := fm.Source(sub)
	if src == nil || src.Type == "" {
		return super
	}
	st := strings.Trim(src.Type, "[]!")
	if st == super || p.sg.Types[st] == nil || !p.satisfies(st, super) {
		return super
	}
	if p.isAbstract(super) && !p.isAbstract(st) {
		n.add(&selNode{respKey: "__typename", name: "__typename", shape: "String!"})
	}
	return st
}
