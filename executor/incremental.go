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
// blocks as their parents complete and yields one Subsequent per block that
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
	return res, func(yield func(*Subsequent) bool) { r.stream(ctx, d.Deferred, yield) }
}

// blockDone is a deferred block whose fetches have completed.
type blockDone struct {
	blk  *planner.DeferredBlock
	sink *errSink
	kids []*planner.DeferredBlock
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

// stream runs the deferred blocks: each starts when its parent part is
// complete, all of them concurrently; each completed block is shaped and
// yielded at once (blocks with nothing to deliver are folded into the next
// payload, the last payload is always sent).
func (r *run) stream(ctx context.Context, blocks []*planner.DeferredBlock, yield func(*Subsequent) bool) {
	if r.ex.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.ex.timeout)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan blockDone, countBlocks(blocks)) // buffered: senders never block
	pending := 0
	start := func(b *planner.DeferredBlock) {
		pending++
		go func() {
			out := blockDone{blk: b, sink: &errSink{}}
			defer func() {
				if p := recover(); p != nil {
					out.sink.add(internalError(fmt.Sprintf("executor: internal error: %v", p)))
				}
				done <- out
			}()
			n := b.Node
			if d, ok := n.(*planner.Defer); ok {
				n, out.kids = d.Primary, d.Deferred
			}
			r.node(ctx, n, out.sink)
		}()
	}
	for _, b := range blocks {
		start(b)
	}
	var held []Incremental
	for pending > 0 {
		var dn blockDone
		select {
		case dn = <-done:
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// The timeout passed: report it once, in the last payload.
				yield(&Subsequent{Incremental: append(held, Incremental{Path: ast.Path{},
					Errors: gqlerror.List{{Message: "request timed out before every deferred fragment was delivered",
						Extensions: map[string]any{"code": CodeTimeout}}}})})
			}
			return // canceled: the client went away
		}
		pending--
		incs := r.shapeBlock(dn.blk, dn.sink)
		for _, k := range dn.kids {
			start(k)
		}
		held = append(held, incs...)
		if len(held) == 0 && pending > 0 {
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
