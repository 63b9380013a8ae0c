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
// root keys at the empty path; a write of a key covers everything below
// it, so a fetch writing product.details overlaps one writing
// product.details.weight) and grouped in a Sequence in plan order,
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
	// read marks what a deferred block's payload reads (see orderDeferred):
	// two reads never conflict.
	read bool
}

func newWrite(path, typ, key, fetch string) write {
	return write{path: path, typ: typ, key: key, fetch: fetch}
}

// same reports whether w and o write at the same response path.
func (w write) same(o write) bool { return w.key == o.key && w.path == o.path }

// below reports whether w writes strictly below what o writes: w's path
// starts with o's path, o's key and a dot.
func (w write) below(o write) bool {
	n, k := len(o.path), len(o.key)
	return len(w.path) > n+k && w.path[n+k] == '.' && w.path[:n] == o.path && w.path[n:n+k] == o.key
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
			out = append(out, newWrite("", "", k, n.Service+"\x00"+n.Operation))
		}
	case *Flatten:
		f, ok := n.Node.(*Fetch)
		if !ok {
			return writesOf(n.Node, out)
		}
		path := objectPath(n.Path)
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
				out = append(out, newWrite(path, t, k, f.prepared().batchKey))
			}
		}
	}
	return out
}

// objectPath is the path of the objects at a Flatten or deferred block's
// path: its response keys, list steps left out, each followed by a dot.
func objectPath(p []string) string {
	path := make([]byte, 0, 32)
	for _, s := range p {
		if s != "@" {
			path = append(path, s...)
			path = append(path, '.')
		}
	}
	return string(path)
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
	root := conflictGroups(writes, conds, func(i, j int) bool {
		_, fi := p.Nodes[i].(*Fetch)
		_, fj := p.Nodes[j].(*Fetch)
		return fi && fj // merged in plan order by the executor
	})
	if root == nil {
		return
	}
	var branches []Node
	seqAt := map[int]*Sequence{} // group root -> its Sequence
	for i, c := range p.Nodes {
		r := root[i]
		members := 0
		for j := range n {
			if root[j] == r {
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

// conflictGroups groups the indexes of effects (what each of n nodes may
// write, and read) whose effects overlap, transitively (union-find; skip
// exempts a pair), and returns for each index one index naming its group,
// or nil when no two overlap.
func conflictGroups(effects [][]write, conds *schema.TypeConditions, skip func(i, j int) bool) []int {
	n := len(effects)
	group := make([]int, n)
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
		for j := i + 1; j < n; j++ {
			if skip != nil && skip(i, j) {
				continue
			}
			if find(i) != find(j) && overlapping(effects[i], effects[j], conds) {
				group[find(j)] = find(i)
				conflict = true
			}
		}
	}
	if !conflict {
		return nil
	}
	for i := range group {
		group[i] = find(i)
	}
	return group
}

// overlapping reports whether a and b write (or one writes what the other
// reads) a key of an object in common, or one writes below a key the
// other writes (the deep merge of the outer write reaches it: a list of
// another length, or an object where the other had null, replaces).
func overlapping(a, b []write, conds *schema.TypeConditions) bool {
	for _, x := range a {
		for _, y := range b {
			if x.read && y.read {
				continue
			}
			if !x.same(y) {
				if x.below(y) || y.below(x) {
					return true
				}
				continue
			}
			if x.fetch == y.fetch && x.fetch != "" {
				continue
			}
			if x.typ == "" || y.typ == "" || conds.Overlap(x.typ, y.typ) {
				return true
			}
		}
	}
	return false
}

// Deferred blocks: the executor starts the sibling blocks of a Defer
// together once the part they are deferred from is complete, merges each
// block's fetches into the response as they answer, and shapes a block's
// payload from the response as it stands when the block completes. Two
// sibling blocks of which one may write what the other writes or reads
// (the keys its payload selects at its path that its own fetches do not
// write, as those of the enclosing part; what its nested blocks write and
// read included) would let completion order decide both a value and
// a payload. They are chained in plan order (Defer.Chains): a block starts
// once the block before it in its chain, and every block nested in that
// one, has completed and been shaped, so the later-in-plan write always
// wins and every payload, and the order of the payloads, is the same
// whatever the timing. Blocks that share nothing still start together.
// The printed plan shows a chained block's predecessor ("after: i", its
// index among the Defer's blocks).

// Chains is how the executor starts d's deferred blocks: each chain's
// blocks one after the other in plan order (a block and all its nested
// blocks complete before the next starts), the chains together. Without
// any two blocks in common, each block is a chain of its own. Shared:
// never modify it.
func (d *Defer) Chains() [][]*DeferredBlock {
	if d.chains != nil {
		return d.chains
	}
	return d.chainsOf()
}

// After returns the index in d.Deferred of the block that block i is
// chained after (see Chains), or -1 when it starts with the part it is
// deferred from.
func (d *Defer) After(i int) int {
	if d.after == nil || i < 0 || i >= len(d.after) {
		return -1
	}
	return d.after[i]
}

// Branches is what the executor runs for d's deferred blocks when it
// answers in one response: each chain's block nodes (a Sequence for a
// chain of more than one), to run concurrently. Shared: never modify it.
func (d *Defer) Branches() []Node {
	if d.branches != nil {
		return d.branches
	}
	return branchesOf(d.Chains())
}

func (d *Defer) chainsOf() [][]*DeferredBlock {
	var out [][]*DeferredBlock
	at := make([]int, len(d.Deferred)) // block index -> its chain in out
	for i, b := range d.Deferred {
		if b == nil {
			continue
		}
		if a := d.After(i); a >= 0 {
			out[at[a]] = append(out[at[a]], b)
			at[i] = at[a]
			continue
		}
		at[i] = len(out)
		out = append(out, []*DeferredBlock{b})
	}
	return out
}

func branchesOf(chains [][]*DeferredBlock) []Node {
	out := make([]Node, 0, len(chains))
	for _, c := range chains {
		if len(c) == 1 {
			out = append(out, c[0].Node)
			continue
		}
		s := &Sequence{Nodes: make([]Node, len(c))}
		for i, b := range c {
			s.Nodes[i] = b.Node
		}
		out = append(out, s)
	}
	return out
}

// orderDeferred chains d's blocks that have a write in common, or a write
// of what the other reads (see above); conds as for orderWrites.
func orderDeferred(d *Defer, conds *schema.TypeConditions) {
	d.after = nil
	if n := len(d.Deferred); n >= 2 {
		effects := make([][]write, n)
		for i, b := range d.Deferred {
			if b != nil {
				effects[i] = effectsOf(b, nil)
			}
		}
		if root := conflictGroups(effects, conds, nil); root != nil {
			d.after = make([]int, n)
			last := map[int]int{} // group -> its last block so far
			for i := range n {
				d.after[i] = -1
				if p, ok := last[root[i]]; ok {
					d.after[i] = p
				}
				last[root[i]] = i
			}
		}
	}
	d.chains = d.chainsOf()
	d.branches = branchesOf(d.chains)
}

// effectsOf appends what block b may write (its fetches, its nested
// blocks') and what its payloads read (its keys at its path, its nested
// blocks' at theirs).
func effectsOf(b *DeferredBlock, out []write) []write {
	start := len(out)
	nd, ok := b.Node.(*Defer)
	if !ok {
		out = writesOf(b.Node, out)
	} else {
		out = writesOf(nd.Primary, out)
	}
	own := out[start:]
	for _, r := range readsOf(b, nil) {
		if !writesAt(own, r) {
			out = append(out, r)
		}
	}
	if ok {
		for _, k := range nd.Deferred {
			if k != nil {
				out = effectsOf(k, out)
			}
		}
	}
	return out
}

// writesAt reports whether ws write where r is.
func writesAt(ws []write, r write) bool {
	for _, w := range ws {
		if w.same(r) {
			return true
		}
	}
	return false
}

// readsOf appends the keys b's payload selects at its path (fragments
// looked through; __typename left out: the enclosing part decided it).
// effectsOf keeps those that b's own fetches do not write: what b writes
// is compared as a write (two identical fetches write the same value).
func readsOf(b *DeferredBlock, out []write) []write {
	path := objectPath(b.Path)
	var walk func(ss ast.SelectionSet, typ string)
	walk = func(ss ast.SelectionSet, typ string) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				if s.Name != "__typename" {
					w := newWrite(path, typ, responseKey(s), "")
					w.read = true
					out = append(out, w)
				}
			case *ast.InlineFragment:
				t := typ
				if t == "" {
					t = s.TypeCondition
				}
				walk(s.SelectionSet, t)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					t := typ
					if t == "" {
						t = s.Definition.TypeCondition
					}
					walk(s.Definition.SelectionSet, t)
				}
			}
		}
	}
	walk(b.Selection, "")
	return out
}

// responseKey is f's key in the response: its alias, else its name.
func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}
