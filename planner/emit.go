package planner

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// build plans op from scratch; dm says which fragments are deferred.
func (p *Planner) build(op *ast.OperationDefinition, dm *deferMode) (*Plan, error) {
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = p.sg.API.Mutation
	case ast.Subscription:
		root = p.sg.API.Subscription
	default:
		root = p.sg.API.Query
	}
	plan := &Plan{Kind: op.Operation}
	if root == nil {
		return plan, nil
	}
	c := &collector{p: p, typ: root.Name, dm: dm}
	c.collect(op.SelectionSet, nil)
	items := rootItems(c.items) // root __typename and introspection: the executor's
	setPeers(items, nil)
	if len(items) == 0 && len(c.defers) == 0 {
		return plan, nil
	}
	em := &emitter{op: op, opKind: op.Operation}
	if op.Operation == ast.Mutation {
		// One fetch per consecutive run of root fields of one subgraph, in
		// client order, strictly in sequence.
		var runs []Node
		var b *buildState
		var g *group
		client := clientItems(items)
		for _, it := range items {
			cands := p.rootCandidates(root.Name, it.field.Name)
			if len(cands) == 0 {
				return nil, unsatisfiableRoot(root.Name, it.field.Name)
			}
			var cur []string
			if g != nil {
				cur = []string{g.service}
			}
			sub, err := p.cheapestRoot(root.Name, cands, it, client, cur)
			if sub == "" {
				return nil, err
			}
			if g == nil || g.service != sub {
				if b != nil {
					runs = append(runs, em.emit(b, nil))
				}
				b = &buildState{byKey: map[string]*group{}}
				g = b.newGroup(sub, false, nil, nil, nil)
			}
			if err := p.placeField(walk{b: b, g: g, pos: g.sel, typ: root.Name, client: client}, it); err != nil {
				return nil, err
			}
		}
		runs = append(runs, em.emit(b, nil))
		plan.Root = sequence(runs)
		return plan, nil
	}
	b := &buildState{byKey: map[string]*group{}, mode: dm}
	var roots []*group
	client := p.clientMap(root.Name, items, c.defers)
	// Subgraphs some root field can only come from are fetched anyway: a
	// shareable root field counts them as already used.
	var forced []string
	for _, it := range items {
		if c := p.rootCandidates(root.Name, it.field.Name); len(c) == 1 && !containsName(forced, c[0]) {
			forced = append(forced, c[0])
		}
	}
	for _, it := range items {
		if err := p.planQueryRoot(b, &roots, root.Name, it, client, forced, op.Operation != ast.Subscription, nil); err != nil {
			return nil, err
		}
	}
	for _, d := range c.defers {
		if err := p.planRootDefer(b, root.Name, d, nil); err != nil {
			return nil, err
		}
	}
	plan.Root = em.emitDeferred(b)
	return plan, nil
}

func unsatisfiableRoot(typ, name string) error {
	return &wrapped{ErrUnsatisfiable, typ + "." + name}
}

type wrapped struct {
	err  error
	what string
}

func (w *wrapped) Error() string { return w.err.Error() + ": " + w.what }
func (w *wrapped) Unwrap() error { return w.err }

func sequence(ns []Node) Node {
	var flat []Node
	for _, n := range ns {
		if n == nil {
			continue
		}
		if s, ok := n.(*Sequence); ok {
			flat = append(flat, s.Nodes...)
		} else {
			flat = append(flat, n)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return &Sequence{Nodes: flat}
}

// emitter turns groups into plan nodes.
type emitter struct {
	op     *ast.OperationDefinition
	opKind ast.Operation
	count  int
	ids    map[*group]string // Fetch.ID of the fetches deferred blocks depend on
}

// emit schedules the groups of b that belong to block blk (nil: the
// primary part) by dependency level: level 0 holds the groups with no
// dependency in blk, a group's level is one more than the highest of its
// dependencies in blk. Each level runs in parallel, levels in sequence.
func (e *emitter) emit(b *buildState, blk *deferBlock) Node {
	var levels [][]*group
	memo := map[*group]int{}
	var level func(g *group) int
	level = func(g *group) int {
		if l, ok := memo[g]; ok {
			return l
		}
		memo[g] = 0 // cycle guard
		l := 0
		for _, d := range g.deps {
			if d.blk != g.blk {
				continue // an enclosing part, complete before this one starts
			}
			if dl := level(d) + 1; dl > l {
				l = dl
			}
		}
		memo[g] = l
		return l
	}
	for _, g := range b.groups {
		g.sel.children = prune(g.sel.children)
		if len(g.sel.children) == 0 || g.blk != blk {
			continue
		}
		if !g.entity {
			g.conds = commonConds(g.sel.children)
		}
		l := level(g)
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], g)
	}
	var seq []Node
	for _, gs := range levels {
		sort.SliceStable(gs, func(i, j int) bool { return gs[i].id < gs[j].id })
		var par []Node
		for _, g := range gs {
			par = append(par, e.node(g))
		}
		switch len(par) {
		case 0:
		case 1:
			seq = append(seq, par[0])
		default:
			seq = append(seq, &Parallel{Nodes: par})
		}
	}
	return sequence(seq)
}

func (e *emitter) node(g *group) Node {
	rewrites := (&dealiaser{}).set(g.sel.children, nil)
	// A rewrite's path may go through an alias an earlier one renames:
	// innermost first.
	for i, j := 0, len(rewrites)-1; i < j; i, j = i+1, j-1 {
		rewrites[i], rewrites[j] = rewrites[j], rewrites[i]
	}
	vars := map[string]bool{}
	varsUsed(g.sel.children, vars)
	names := sortedKeys(vars)
	f := &Fetch{Service: g.service, Variables: names, OperationKind: ast.Query, ID: e.ids[g]}
	if !g.entity {
		f.OperationKind = e.opKind
	}
	if e.op.Name != "" {
		f.OperationName = e.op.Name + "__" + g.service + "__" + itoa(e.count)
	}
	e.count++
	var b strings.Builder
	b.WriteString(string(f.OperationKind))
	if f.OperationName != "" {
		b.WriteString(" " + f.OperationName)
	}
	var defs []string
	if g.entity {
		defs = append(defs, "$representations:[_Any!]!")
	}
	for _, v := range names {
		d := e.op.VariableDefinitions.ForName(v)
		if d == nil {
			continue
		}
		s := "$" + v + ":" + d.Type.String()
		if d.DefaultValue != nil {
			s += "=" + d.DefaultValue.String()
		}
		defs = append(defs, s)
	}
	if len(defs) > 0 {
		b.WriteString("(" + strings.Join(defs, ",") + ")")
	}
	if g.entity {
		b.WriteString("{_entities(representations:$representations)")
		writeSel(&b, g.sel.children)
		b.WriteString("}")
	} else {
		writeSel(&b, g.sel.children)
	}
	f.Operation = b.String()
	f.OutputRewrites = rewrites
	var n Node = f
	if g.entity {
		f.Requires = reqSelection(g.reqs.children)
		f.InputRewrites = g.rewrite
		n = &Flatten{Path: append([]string(nil), g.path...), Node: f}
	}
	for i := len(g.conds) - 1; i >= 0; i-- {
		c := g.conds[i]
		if c.include {
			n = &Condition{Variable: c.variable, If: n}
		} else {
			n = &Condition{Variable: c.variable, Else: n}
		}
	}
	return n
}

// commonConds returns the variable conditions every root field of a root
// fetch carries: when the whole fetch depends on them it is wrapped in
// Condition nodes (the directives stay on the fields too).
func commonConds(ns []*node) []cond {
	if len(ns) == 0 {
		return nil
	}
	var out []cond
	for _, c := range condsOf(ns[0].dirs) {
		all := true
		for _, n := range ns[1:] {
			found := false
			for _, d := range condsOf(n.dirs) {
				found = found || d == c
			}
			all = all && found
		}
		if all {
			out = append(out, c)
		}
	}
	return out
}

// prune drops inline fragments left empty (their fields were planned in
// another fetch, e.g. through a parent entity); a field whose selection
// becomes empty selects __typename instead.
func prune(ns []*node) []*node {
	out := ns[:0]
	for _, n := range ns {
		if len(n.children) > 0 {
			n.children = prune(n.children)
			if len(n.children) == 0 && n.name != "" {
				n.children = []*node{{respKey: "__typename", name: "__typename", shape: "String!"}}
			}
		}
		if n.name == "" && len(n.children) == 0 {
			continue
		}
		out = append(out, n)
	}
	return out
}
