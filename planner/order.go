package planner

import (
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// Write order: the executor merges each fetch's data into the response as
// it arrives, a later write of a key replacing an earlier one. Two
// branches of a Parallel run concurrently, so if both may write the same
// response key of the same object the answer would depend on which
// finishes last. When the plan is prepared, such branches are found (from
// the plan alone: each Flatten's path, its fetch's root keys and the
// entity types of its representation selection; a root fetch writes its
// root keys at the empty path) and grouped in a Sequence in plan order,
// so the later-in-plan write always wins, by construction (two identical
// fetches at one path, which write the same value and may share one
// _entities call, are left concurrent). Branches that
// write nothing in common keep running concurrently: a plan whose fetches
// never overlap costs nothing more. Direct root-fetch children of a
// Parallel are already merged in plan order after all of them answered
// (the executor's parallel), so two of them never need ordering.
//
// The printed plan is unchanged: Parallel.Nodes stays as built, the
// executor runs Parallel.Branches.

// Branches is what the executor runs concurrently for p: Nodes, with the
// nodes that may write the same response key of the same object grouped
// in a Sequence in plan order. Shared: never modify it.
func (p *Parallel) Branches() []Node {
	if p.branches != nil {
		return p.branches
	}
	return p.Nodes
}

// write is one (object, key) a fetch may write: the response path of the
// objects (list steps left out), their type condition ("" at the root)
// and the response key, and the fetch's identity (subgraph, operation,
// representation selection: two identical fetches at one path write the
// same value, whichever is last).
type write struct {
	path  string
	typ   string
	key   string
	fetch string
}

// writesOf appends what n may write, deferred blocks and both branches of
// a condition included.
func writesOf(n Node, out []write) []write {
	switch n := n.(type) {
	case *Sequence:
		for _, c := range n.Nodes {
			out = writesOf(c, out)
		}
	case *Parallel:
		for _, c := range n.Nodes {
			out = writesOf(c, out)
		}
	case *Condition:
		out = writesOf(n.If, out)
		out = writesOf(n.Else, out)
	case *Defer:
		out = writesOf(n.Primary, out)
		for _, b := range n.Deferred {
			if b != nil {
				out = writesOf(b.Node, out)
			}
		}
	case *Fetch:
		for _, k := range n.prepared().rootKeys {
			out = append(out, write{key: k, fetch: n.Service + "\x00" + n.Operation})
		}
	case *Flatten:
		f, ok := n.Node.(*Fetch)
		if !ok {
			return writesOf(n.Node, out)
		}
		path := make([]byte, 0, 32)
		for _, s := range n.Path {
			if s != "@" {
				path = append(path, s...)
				path = append(path, '.')
			}
		}
		var types []string
		for _, s := range f.Requires {
			if fr, ok := s.(*ast.InlineFragment); ok {
				types = append(types, fr.TypeCondition)
			}
		}
		if len(types) == 0 {
			types = []string{""}
		}
		for _, k := range f.prepared().rootKeys {
			for _, t := range types {
				out = append(out, write{path: string(path), typ: t, key: k, fetch: f.prepared().batchKey})
			}
		}
	}
	return out
}

// orderWrites sets p.branches when some of p's nodes may write the same
// key of the same object (see above); conds tells whether two type
// conditions may hold for one object (nil: any two may).
func orderWrites(p *Parallel, conds *schema.TypeConditions) {
	n := len(p.Nodes)
	if n < 2 {
		return
	}
	writes := make([][]write, n)
	for i, c := range p.Nodes {
		writes[i] = writesOf(c, nil)
	}
	group := make([]int, n) // union-find over conflicting nodes
	for i := range group {
		group[i] = i
	}
	find := func(i int) int {
		for group[i] != i {
			i = group[i]
		}
		return i
	}
	conflict := false
	for i := 0; i < n; i++ {
		_, fi := p.Nodes[i].(*Fetch)
		for j := i + 1; j < n; j++ {
			if _, fj := p.Nodes[j].(*Fetch); fi && fj {
				continue // merged in plan order by the executor
			}
			if find(i) != find(j) && overlapping(writes[i], writes[j], conds) {
				group[find(j)] = find(i)
				conflict = true
			}
		}
	}
	if !conflict {
		return
	}
	var branches []Node
	seqAt := map[int]*Sequence{} // group root -> its Sequence
	for i, c := range p.Nodes {
		r := find(i)
		members := 0
		for j := range n {
			if find(j) == r {
				members++
			}
		}
		if members == 1 {
			branches = append(branches, c)
			continue
		}
		s := seqAt[r]
		if s == nil {
			s = &Sequence{}
			seqAt[r] = s
			branches = append(branches, s) // at its first member: plan order
		}
		s.Nodes = append(s.Nodes, c)
	}
	p.branches = branches
}

// overlapping reports whether a and b write a key of an object in common.
func overlapping(a, b []write, conds *schema.TypeConditions) bool {
	for _, x := range a {
		for _, y := range b {
			if x.key != y.key || x.path != y.path || x.fetch == y.fetch {
				continue
			}
			if x.typ == "" || y.typ == "" || conds.Overlap(x.typ, y.typ) {
				return true
			}
		}
	}
	return false
}
