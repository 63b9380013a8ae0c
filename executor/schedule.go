package executor

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// The planner schedules in levels: a Sequence of Parallel nodes, each level
// starting when the whole previous one has finished. Run that way, a fetch
// waits for the slowest fetch of the level before it even when it needs
// nothing from it (in the benchmark query, the users chain and the
// topProducts chain wait for each other at every level). A level plan is
// therefore run as a dependency graph: each fetch starts as soon as the
// fetches it depends on have finished, which shortens a request to its
// longest chain of dependent fetches.
//
// A later fetch depends on an earlier one when their paths are related and
// one may touch what the other reads or writes:
//   - the earlier writes at a prefix of the later's path a field that is the
//     later path's next step (the later's objects come from it), or the two
//     paths are the same (the same objects: keys and @requires fields);
//   - the later writes or reads (its @requires) at a prefix of the earlier's
//     path the field that is the earlier path's next step;
//   - anything uncertain counts as a dependency: a type condition or list
//     step where the paths part or meet, a fetch with output rewrites (its
//     written keys are renamed), any node that is not a plain fetch (a
//     Condition, a nested Sequence: it waits for everything before it, and
//     everything after waits for it).
//
// Root fetches of a level stay one unit, merged in plan order once all have
// answered, as Parallel does. Errors are gathered per unit and merged in
// plan order, so the response and its errors are the same as in level
// order, whatever the timing.

// unit is one node of the graph.
type unit struct {
	node planner.Node // run with r.node / r.parallel
	// roots: the unit is the root fetches of one level (run with parallel).
	roots []planner.Node
	// path and writes/reads describe a Flatten; writes nil means unknown.
	path    []string
	writes  []byte // "\x00k1\x00k2\x00": response keys set on the objects at path
	reads   []string
	barrier bool
	level   int
	deps    []int32 // the units that must finish first
	next    []int32 // the units waiting for this one
}

// dag is the graph of one plan (cached per plan).
type dag struct {
	units []unit
}

// planDAG returns the graph of a level plan, or nil when the plan is not
// one (or has a single level: nothing to gain). Mutations always run level
// by level: their root fields, and what each one's result needs, must be
// done before the next mutation field starts, whatever the paths say.
func (e *Executor) planDAG(p *planner.Plan) *dag {
	if p.Kind != ast.Query {
		return nil
	}
	if v, ok := e.dags.Load(p); ok {
		return v.(*dag)
	}
	d := e.buildDAG(p.Root)
	if e.dagCount.Add(1) > maxFetchCache {
		e.dags.Clear()
		e.dagCount.Store(1)
	}
	e.dags.Store(p, d)
	return d
}

func (e *Executor) buildDAG(root planner.Node) *dag {
	seq, ok := root.(*planner.Sequence)
	if !ok || len(seq.Nodes) < 2 {
		return nil
	}
	d := &dag{}
	for level, n := range seq.Nodes {
		members := []planner.Node{n}
		if par, ok := n.(*planner.Parallel); ok {
			members = par.Nodes
		}
		var roots []planner.Node
		for _, m := range members {
			switch m := m.(type) {
			case *planner.Fetch:
				roots = append(roots, m)
			case *planner.Flatten:
				f, ok := m.Node.(*planner.Fetch)
				if !ok {
					d.units = append(d.units, unit{node: m, barrier: true, level: level})
					continue
				}
				u := unit{node: m, path: m.Path, level: level, reads: requiredFields(f)}
				if len(f.OutputRewrites) == 0 {
					u.writes = e.rootKeyBytes(f)
				}
				d.units = append(d.units, u)
			default:
				d.units = append(d.units, unit{node: m, barrier: true, level: level})
			}
		}
		if len(roots) > 0 {
			u := unit{roots: roots, path: []string{}, level: level, writes: []byte("\x00")}
			for _, rn := range roots {
				f := rn.(*planner.Fetch)
				if len(f.OutputRewrites) > 0 {
					u.writes = nil
					break
				}
				u.writes = append(u.writes, e.rootKeyBytes(f)[1:]...)
			}
			d.units = append(d.units, u)
		}
	}
	for i := range d.units {
		u := &d.units[i]
		for j := range d.units[:i] {
			v := &d.units[j]
			if v.level < u.level && dependsOn(u, v) {
				u.deps = append(u.deps, int32(j))
				v.next = append(v.next, int32(i))
			}
		}
	}
	return d
}

// requiredFields are the top-level fields an entity fetch reads from its
// objects (keys and @requires), by response key.
func requiredFields(f *planner.Fetch) []string {
	var out []string
	var walk func(ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				k := s.Alias
				if k == "" {
					k = s.Name
				}
				out = append(out, k)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	walk(f.Requires)
	return out
}

// dependsOn reports whether the later unit u must wait for the earlier v.
func dependsOn(u, v *unit) bool {
	if u.barrier || v.barrier {
		return true
	}
	a, p := v.path, u.path
	i := 0
	for i < len(a) && i < len(p) && a[i] == p[i] {
		i++
	}
	switch {
	case i == len(a) && i == len(p):
		return true // the same objects
	case i == len(a): // v's path is a prefix of u's: u's objects may come from v
		return special(p[i]) || writes(v.writes, p[i])
	case i == len(p): // u's path is a prefix of v's: u may change what v's objects hang from
		return special(a[i]) || writes(u.writes, a[i]) || contains(u.reads, a[i])
	default: // the paths part: unrelated unless at a type condition
		return special(a[i]) || special(p[i])
	}
}

func special(step string) bool {
	return step == "@" || strings.HasPrefix(step, "... on ")
}

// writes reports whether key is among set ("\x00k1\x00k2\x00"); a nil set
// (unknown) contains everything.
func writes(set []byte, key string) bool {
	if set == nil {
		return true
	}
	for rest := set; len(rest) > 1; {
		rest = rest[1:]
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return false
		}
		if string(rest[:i]) == key {
			return true
		}
		rest = rest[i:]
	}
	return false
}

// runDAG runs d's units, each as soon as its dependencies have finished,
// and merges their errors into sink in plan order.
func (r *run) runDAG(ctx context.Context, d *dag, sink *errSink) {
	n := len(d.units)
	sinks := make([]errSink, n)
	pending := make([]atomic.Int32, n)
	for i := range d.units {
		pending[i].Store(int32(len(d.units[i].deps)))
	}
	var wg sync.WaitGroup
	wg.Add(n)
	var start func(i int)
	run := func(i int) {
		defer wg.Done()
		func() {
			defer func() {
				if p := recover(); p != nil {
					sinks[i].add(internalError(fmt.Sprintf("executor: internal error: %v", p)))
				}
			}()
			u := &d.units[i]
			if u.roots != nil {
				r.parallel(ctx, u.roots, &sinks[i])
			} else {
				r.node(ctx, u.node, &sinks[i])
			}
		}()
		for _, j := range d.units[i].next {
			if pending[j].Add(-1) == 0 {
				start(int(j))
			}
		}
	}
	start = func(i int) { goWork(func() { run(i) }) }
	for i := range d.units {
		if len(d.units[i].deps) == 0 {
			start(i)
		}
	}
	wg.Wait()
	for i := range sinks {
		sink.merge(&sinks[i])
	}
}
