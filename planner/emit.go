package planner

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// build plans op from scratch; dm says which fragments are deferred.
func (p *planning) build(op *ast.OperationDefinition, dm *deferMode) (*Plan, error) {
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

// emit nests the groups of b that belong to block blk (nil: the primary
// part) into Sequence and Parallel nodes that say what waits for what (see
// nest). Subgraph operations are numbered (OperationName's index) by
// dependency level, then group order, so that the names do not depend on
// the nesting.
func (e *emitter) emit(b *buildState, blk *deferBlock) Node {
	var gs []*group
	in := map[*group]bool{}
	for _, g := range b.groups {
		g.sel.children = prune(g.sel.children)
		if len(g.sel.children) == 0 || g.blk != blk {
			continue
		}
		if !g.entity {
			g.conds = commonConds(g.sel.children)
		}
		gs = append(gs, g)
		in[g] = true
	}
	if len(gs) == 0 {
		return nil
	}
	deps := e.partDeps(gs, in, blk)
	// Operation numbers: by level (the longest chain of dependencies
	// before the group), then group order.
	level := map[*group]int{}
	var lv func(g *group) int
	lv = func(g *group) int {
		if l, ok := level[g]; ok {
			return l
		}
		level[g] = 0 // cycle guard
		l := 0
		for _, d := range deps[g] {
			l = max(l, lv(d)+1)
		}
		level[g] = l
		return l
	}
	order := append([]*group(nil), gs...)
	sort.SliceStable(order, func(i, j int) bool { return lv(order[i]) < lv(order[j]) })
	nodes := map[*group]Node{}
	for _, g := range order {
		nodes[g] = e.fetchNode(g)
	}
	return nest(gs, deps, rootOverlaps(gs), nodes)
}

// partDeps returns, for each group of one part (gs, set in), the groups of
// the same part it must wait for, transitively reduced: a dependency
// reachable through another one is left out. A dependency on a group of
// the part that fetches nothing (pruned) stands for that group's own
// dependencies; a dependency on an enclosing part is complete before the
// part starts and is left out.
func (e *emitter) partDeps(gs []*group, in map[*group]bool, blk *deferBlock) map[*group][]*group {
	direct := map[*group][]*group{}
	var through func(d *group, into []*group, seen map[*group]bool) []*group
	through = func(d *group, into []*group, seen map[*group]bool) []*group {
		if d.blk != blk || seen[d] {
			return into
		}
		seen[d] = true
		if in[d] {
			return appendGroup(into, d)
		}
		for _, x := range d.deps {
			into = through(x, into, seen)
		}
		return into
	}
	for _, g := range gs {
		seen := map[*group]bool{g: true}
		var ds []*group
		for _, d := range g.deps {
			ds = through(d, ds, seen)
		}
		direct[g] = ds
	}
	// Ancestors (transitive dependencies) of each group.
	anc := map[*group]map[*group]bool{}
	var ancestors func(g *group) map[*group]bool
	ancestors = func(g *group) map[*group]bool {
		if a, ok := anc[g]; ok {
			return a
		}
		a := map[*group]bool{}
		anc[g] = a // cycle guard
		for _, d := range direct[g] {
			a[d] = true
			for x := range ancestors(d) {
				a[x] = true
			}
		}
		return a
	}
	out := map[*group][]*group{}
	for _, g := range gs {
		var keep []*group
		for _, d := range direct[g] {
			redundant := false
			for _, o := range direct[g] {
				if o != d && ancestors(o)[d] {
					redundant = true
					break
				}
			}
			if !redundant {
				keep = append(keep, d)
			}
		}
		sort.Slice(keep, func(i, j int) bool { return keep[i].id < keep[j].id })
		out[g] = keep
	}
	return out
}

func appendGroup(gs []*group, g *group) []*group {
	for _, x := range gs {
		if x == g {
			return gs
		}
	}
	return append(gs, g)
}

// rootOverlaps pairs the root groups that write a common root response
// key (a shareable root field split among subgraphs): they are kept
// together in one Parallel, whose root fetches the executor merges once all
// have answered, in plan order, so that what both write never depends on
// which answered first.
func rootOverlaps(gs []*group) map[*group][]*group {
	out := map[*group][]*group{}
	owner := map[string]*group{}
	for _, g := range gs {
		if g.entity {
			continue
		}
		for _, k := range topKeys(g.sel.children, nil) {
			if o, ok := owner[k]; ok && o != g {
				out[g] = appendGroup(out[g], o)
				out[o] = appendGroup(out[o], g)
				continue
			}
			owner[k] = g
		}
	}
	return out
}

// topKeys appends the response keys of the fields at the top of ns (inline
// fragments looked through).
func topKeys(ns []*selNode, into []string) []string {
	for _, n := range ns {
		if n.name == "" {
			into = topKeys(n.children, into)
			continue
		}
		into = append(into, n.respKey)
	}
	return into
}

// nest turns the groups gs (in group order) and their dependencies into
// plan nodes, as Apollo's plans read:
//
//   - groups that are not connected (no dependency path between them in
//     either direction, no shared root key) run in Parallel, one branch
//     per connected part, ordered by their first group;
//   - a connected part runs its groups without dependencies first (in
//     Parallel when several), then, in Sequence after them, the rest,
//     nested the same way.
//
// Every dependency is respected. A dependency graph that is a forest (each
// group needs at most one other, the usual case) is expressed exactly: a
// group starts as soon as the one it needs is done. When a group needs
// several, the groups in Sequence after a Parallel of starting groups wait
// for all of them, which may be more than some of them need.
func nest(gs []*group, deps, overlaps map[*group][]*group, nodes map[*group]Node) Node {
	if len(gs) == 0 {
		return nil
	}
	in := make(map[*group]bool, len(gs))
	for _, g := range gs {
		in[g] = true
	}
	// Connected parts (union-find over dependencies and root overlaps).
	parent := map[*group]*group{}
	var find func(g *group) *group
	find = func(g *group) *group {
		for parent[g] != nil && parent[g] != g {
			g = parent[g]
		}
		return g
	}
	union := func(a, b *group) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra.id < rb.id {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	for _, g := range gs {
		for _, d := range deps[g] {
			if in[d] {
				union(g, d)
			}
		}
		for _, o := range overlaps[g] {
			if in[o] {
				union(g, o)
			}
		}
	}
	var parts [][]*group
	at := map[*group]int{}
	for _, g := range gs {
		r := find(g)
		i, ok := at[r]
		if !ok {
			i = len(parts)
			at[r] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], g)
	}
	if len(parts) > 1 {
		par := &Parallel{}
		for _, p := range parts {
			par.Nodes = append(par.Nodes, nest(p, deps, overlaps, nodes))
		}
		return par
	}
	var first, rest []*group
	for _, g := range gs {
		ready := true
		for _, d := range deps[g] {
			if in[d] {
				ready = false
				break
			}
		}
		if ready {
			first = append(first, g)
		} else {
			rest = append(rest, g)
		}
	}
	if len(first) == 0 { // a cycle: cannot happen; keep every group
		first, rest = gs, nil
	}
	var head Node
	if len(first) == 1 {
		head = nodes[first[0]]
	} else {
		par := &Parallel{}
		for _, g := range first {
			par.Nodes = append(par.Nodes, nodes[g])
		}
		head = par
	}
	return sequence([]Node{head, nest(rest, deps, overlaps, nodes)})
}

func (e *emitter) fetchNode(g *group) Node {
	rewrites := (&dealiaser{}).set(g.sel.children, nil)
	// A rewrite's path may go through an alias an earlier one renames:
	// innermost first.
	for i, j := 0, len(rewrites)-1; i < j; i, j = i+1, j-1 {
		rewrites[i], rewrites[j] = rewrites[j], rewrites[i]
	}
	vars := map[string]bool{}
	varsUsed(g.sel.children, vars)
	for v := range vars {
		if strings.HasPrefix(v, ctxMarker) {
			delete(vars, v) // context variables, declared below
		}
	}
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
	var tmpl *contextTemplate
	if len(g.ctx) > 0 {
		tmpl = &contextTemplate{head: b.String(), defs: defs[1:]}
		for _, c := range g.ctx {
			defs = append(defs, "$"+c.Variable+":"+c.Type)
		}
	}
	if len(defs) > 0 {
		b.WriteString("(" + strings.Join(defs, ",") + ")")
	}
	if g.entity {
		b.WriteString("{_entities(representations:$representations)")
		start := b.Len()
		writeSel(&b, g.sel.children)
		if tmpl != nil {
			tmpl.sel = b.String()[start:]
		}
		b.WriteString("}")
	} else {
		writeSel(&b, g.sel.children)
	}
	f.Operation = contextText(b.String(), "")
	f.Context, f.ctxTmpl = g.ctx, tmpl
	f.keys = rootKeys(g.sel.children, nil)
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
func commonConds(ns []*selNode) []cond {
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
func prune(ns []*selNode) []*selNode {
	out := ns[:0]
	for _, n := range ns {
		if len(n.children) > 0 {
			n.children = prune(n.children)
			if len(n.children) == 0 && n.name != "" {
				n.children = []*selNode{{respKey: "__typename", name: "__typename", shape: "String!"}}
			}
		}
		if n.name == "" && len(n.children) == 0 {
			continue
		}
		out = append(out, n)
	}
	return out
}

// rootKeys appends the response keys of the fields of ns (what writeSel
// writes), inline fragments looked through, in order.
func rootKeys(ns []*selNode, keys []string) []string {
	for _, n := range ns {
		if n.name == "" {
			keys = rootKeys(n.children, keys)
		} else {
			keys = append(keys, n.respKey)
		}
	}
	return keys
}
