package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Subsequent is one payload of an incremental (@defer) response after the
// initial one, in the deferSpec=20220824 format: the data of the deferred
// blocks that completed, and whether more payloads follow.
type Subsequent struct {
	HasNext     bool
	Incremental []Incremental
	// Extensions are the payload's extensions: nil from the executor; the
	// gateway puts its fetch trace on the last payload.
	Extensions map[string]any
}

// Incremental is the data of one deferred fragment at one object: Data is
// the JSON of the fragment's fields at Path ("null" when null propagation
// reached the fragment), Errors those raised for it.
type Incremental struct {
	Label  string
	Data   json.RawMessage
	Path   ast.Path
	Errors gqlerror.List
}

// ExecuteIncremental runs an operation whose plan defers fragments (for the
// request's variables): it runs the primary part and returns the initial
// response, deferred fragments left out, and next, which runs the deferred
// blocks as their parents (and the blocks they are chained after:
// planner.Defer.Chains) complete and yields one Subsequent per block that
// has something to deliver; the last has HasNext false. Iterate next at
// most once; stopping early cancels the fetches in flight. When the plan
// defers nothing, it returns Execute's result and a nil next.
func (e *Executor) ExecuteIncremental(ctx context.Context, req *Request) (res *Result, next iter.Seq[*Subsequent]) {
	if req == nil || req.Operation == nil || req.Operation.Operation != ast.Query {
		return e.Execute(ctx, req), nil
	}
	d := req.Plan.Incremental(req.Variables)
	if d == nil {
		return e.Execute(ctx, req), nil
	}
	defer func() {
		if p := recover(); p != nil {
			res = &Result{Data: json.RawMessage("null"), Errors: gqlerror.List{internalError(fmt.Sprintf("executor: internal error: %v", p))}}
			next = nil
		}
	}()
	r := &run{ex: e, req: req, root: &value{Kind: kindObject}, deferred: map[int]bool{}}
	for _, off := range d.Fragments() {
		r.deferred[off] = true
	}
	pctx, cancel := context.WithTimeoutCause(ctx, e.timeout, errRequestDeadline)
	defer cancel()
	var sink errSink
	r.node(pctx, d.Primary, &sink)
	res = r.shapeInto(&sink, true)
	// The tree lives on in the stream (whose goroutines may outlast it on
	// a timeout): its slabs are never given back to the pools (jsonv.Arena).
	return res, func(yield func(*Subsequent) bool) { r.stream(ctx, d, yield) }
}

// blockRun is a deferred block started by stream.
type blockRun struct {
	blk *planner.DeferredBlock
	// parent is the block whose nested Defer this block is in (nil: a
	// block of the plan's Defer).
	parent *blockRun
	// rest are the blocks chained after this one (planner.Defer.Chains),
	// the next started once this block and all blocks nested in it are
	// complete.
	rest []*planner.DeferredBlock
	// open counts this block (until shaped) and its nested chains not yet
	// complete. Read and written by stream's loop only.
	open int
	// kids is the block's nested Defer.
	kids *planner.Defer
	sink *errSink
}

func countBlocks(bs []*planner.DeferredBlock) int {
	n := len(bs)
	for _, b := range bs {
		if d, ok := b.Node.(*planner.Defer); ok {
			n += countBlocks(d.Deferred)
		}
	}
	return n
}

// stream runs the deferred blocks of d: the chains of blocks (planner.Defer.
// Chains) start together once the part they are deferred from is
// complete, a block chained after another once that one and every block
// nested in it have been shaped; each completed block is shaped and yielded
// at once (blocks with nothing to deliver are folded into the next payload,
// so are blocks with nothing to fetch, shaped first in plan order; the last
// payload is always sent).
func (r *run) stream(ctx context.Context, d *planner.Defer, yield func(*Subsequent) bool) {
	if r.ex.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.ex.timeout)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan *blockRun, countBlocks(d.Deferred)) // buffered: senders never block
	pending := 0
	// ready are started blocks with nothing to fetch: shaped at once, in
	// the order they were started, ahead of any fetching block, and
	// delivered in one payload (a goroutine each would let the scheduler
	// order their payloads).
	var ready []*blockRun
	start := func(b *planner.DeferredBlock, rest []*planner.DeferredBlock, parent *blockRun) {
		pending++
		br := &blockRun{blk: b, parent: parent, rest: rest, open: 1, sink: &errSink{}}
		if parent != nil {
			parent.open++
		}
		n := b.Node
		if nd, ok := n.(*planner.Defer); ok {
			n, br.kids = nd.Primary, nd
		}
		if n == nil {
			ready = append(ready, br)
			return
		}
		go func() {
			defer func() {
				if p := recover(); p != nil {
					br.sink.add(internalError(fmt.Sprintf("executor: internal error: %v", p)))
				}
				done <- br
			}()
			r.node(ctx, n, br.sink)
		}()
	}
	startChains := func(d *planner.Defer, parent *blockRun) {
		for _, c := range d.Chains() {
			start(c[0], c[1:], parent)
		}
	}
	// complete counts one part of br done, and when br and its nested
	// blocks all are, starts the block chained after it and does the same
	// for its parent.
	complete := func(br *blockRun) {
		for ; br != nil; br = br.parent {
			if br.open--; br.open > 0 {
				return
			}
			if len(br.rest) > 0 {
				start(br.rest[0], br.rest[1:], br.parent)
			}
		}
	}
	startChains(d, nil)
	var held []Incremental
	for pending > 0 {
		var br *blockRun
		if len(ready) > 0 {
			br, ready = ready[0], ready[1:]
		} else {
			select {
			case br = <-done:
			case <-ctx.Done():
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					// The timeout passed: report it once, in the last payload.
					yield(&Subsequent{Incremental: append(held, Incremental{Path: ast.Path{},
						Errors: gqlerror.List{{Message: "request timed out before every deferred fragment was delivered",
							Extensions: map[string]any{"code": CodeTimeout}}}})})
				}
				return // canceled: the client went away
			}
		}
		pending--
		incs := r.shapeBlock(br.blk, br.sink)
		if br.kids != nil {
			startChains(br.kids, br)
		}
		complete(br)
		held = append(held, incs...)
		if len(ready) > 0 || (len(held) == 0 && pending > 0) {
			continue
		}
		if !yield(&Subsequent{HasNext: pending > 0, Incremental: held}) {
			return
		}
		held = nil
	}
}

// shapeBlock writes a completed block's data at every object at its path
// whose type the fragment applies to and that the client still sees (no
// null propagation nulled it or an ancestor), and hands each error to the
// entry whose path covers it (else the first).
func (r *run) shapeBlock(blk *planner.DeferredBlock, sink *errSink) []Incremental {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, release := r.newShaper(sink, 0)
	defer release()
	static := r.ex.sg.API.Types[blk.ParentType]
	var frag *ast.InlineFragment
	if len(blk.Selection) == 1 {
		frag, _ = blk.Selection[0].(*ast.InlineFragment)
	}
	var out []Incremental
	if static != nil && frag != nil {
		for _, t := range collect(r.root, blk.Path) {
			tpath := t.path(blk.Path)
			if r.isNulled(tpath) {
				continue
			}
			concrete := s.concreteType(t.obj, static)
			if !s.included(frag.Directives) || !s.applies(frag.TypeCondition, concrete, static.Name) {
				continue
			}
			s.buf = s.buf[:0]
			s.path = s.path[:0]
			for _, el := range tpath {
				switch el := el.(type) {
				case ast.PathName:
					s.path = append(s.path, pathStep{key: string(el)})
				case ast.PathIndex:
					s.path = append(s.path, pathStep{idx: int(el)})
				}
			}
			path := append(ast.Path{}, tpath...)
			inc := Incremental{Label: blk.Label, Path: path}
			if s.object(t.obj, static, blk.Selection, len(path) == 0, false) {
				inc.Data = append(json.RawMessage(nil), s.buf...)
			} else {
				inc.Data = json.RawMessage("null")
				s.nulled = append(s.nulled, path)
			}
			out = append(out, inc)
		}
	}
	r.nulled = append(r.nulled, s.nulled...)
	errs := append(append(gqlerror.List(nil), sink.errs...), s.extra...)
	if len(errs) > 0 && len(out) == 0 {
		out = append(out, Incremental{Label: blk.Label, Path: flattenPrefix(blk.Path)})
	}
	for _, err := range errs {
		at := 0
		for i := range out {
			if pathHasPrefix(err.Path, out[i].Path) {
				at = i
				break
			}
		}
		out[at].Errors = append(out[at].Errors, err)
	}
	return out
}

// isNulled reports whether a payload sent so far nulled p or an ancestor.
func (r *run) isNulled(p ast.Path) bool {
	for _, q := range r.nulled {
		if pathHasPrefix(p, q) {
			return true
		}
	}
	return false
}

func pathHasPrefix(p, prefix ast.Path) bool {
	if len(prefix) > len(p) {
		return false
	}
	for i := range prefix {
		if !pathElemEqual(p[i], prefix[i]) {
			return false
		}
	}
	return true
}
