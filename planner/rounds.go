package planner

// Rounds: entity fetches that become ready at the same moment share one
// _entities call when they fetch the same selection from the same subgraph
// (the same batch key: operation, representation selection, rewrites).
// Readiness is read from the plan alone. The branches of a Parallel start
// together, and so do the sibling blocks of a Defer (once the part they
// are deferred from is complete), so the Flattens that begin them are
// ready together; when those form a round, their answer arrives at once for all of them, so the next
// Flattens of the same branches are ready together again, and so on down
// the branches as long as every step is a Flatten in a round. A round
// therefore never waits for a timer: the executor sends its call when its
// last member has gathered its representations, and each member is sure to
// arrive (its branch runs every step before it, whatever fails).

// Round is a set of Flattens (its members, numbered 0..Members-1 in plan
// order) whose entity lookups the executor sends in one _entities call.
type Round struct {
	// Members is the number of Flattens in the round (2 or more).
	Members int
}

// Round returns the round fl belongs to and its member number, or nil.
func (fl *Flatten) Round() (*Round, int) { return fl.round, fl.member }

// BatchKey identifies what an entity fetch can share one _entities call
// with (empty for a root fetch): subgraph, operation without its name,
// representation selection and rewrites.
func (f *Fetch) BatchKey() string { return f.prepared().batchKey }

// assignRounds forms the rounds among the branches of p (see above).
func assignRounds(p *Parallel) { roundsAmong(p.Branches()) }

// assignDeferredRounds forms the rounds among the deferred blocks of d
// that start its chains (Defer.Chains): the executor starts them together,
// once d's primary part is complete (each block's own primary part first
// when it defers more), so they are ready together as a Parallel's
// branches are. A block chained after another starts later: it is in no
// round (its Flattens would wait for a member that waits for them).
func assignDeferredRounds(d *Defer) {
	chains := d.Chains()
	nodes := make([]Node, 0, len(chains))
	for _, c := range chains {
		if c[0].Node != nil {
			nodes = append(nodes, c[0].Node)
		}
	}
	roundsAmong(nodes)
}

// roundsAmong forms the rounds among branches that start together.
func roundsAmong(branches []Node) {
	lanes := make([][]Node, len(branches))
	all := make([]int, len(branches))
	for i, c := range branches {
		lanes[i] = lane(c)
		all[i] = i
	}
	roundsAt(lanes, all, 0)
}

// lane is the steps a branch runs one after the other from its start.
func lane(n Node) []Node {
	switch n := n.(type) {
	case *Sequence:
		return n.Nodes
	case *Defer:
		return lane(n.Primary) // its blocks start later
	case nil:
		return nil
	}
	return []Node{n}
}

// roundsAt groups the lanes (branches) in aligned, whose steps before pos
// are all in common rounds, by the batch key of their step at pos.
func roundsAt(lanes [][]Node, aligned []int, pos int) {
	var keys []string
	groups := map[string][]int{}
	for _, l := range aligned {
		if pos >= len(lanes[l]) {
			continue
		}
		fl, ok := lanes[l][pos].(*Flatten)
		if !ok || fl.round != nil {
			continue
		}
		f, ok := fl.Node.(*Fetch)
		if !ok {
			continue
		}
		if f.prep == nil {
			f.prep = f.derive()
		}
		k := f.prep.batchKey
		if k == "" {
			continue
		}
		if _, seen := groups[k]; !seen {
			keys = append(keys, k) // first-seen order: plan order
		}
		groups[k] = append(groups[k], l)
	}
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		rd := &Round{Members: len(g)}
		for m, l := range g {
			fl := lanes[l][pos].(*Flatten)
			fl.round, fl.member = rd, m
		}
		roundsAt(lanes, g, pos+1)
	}
}
