package gateway

import (
	"context"
	"sync"
	"time"
)

// flightGroup shares one call between identical concurrent callers, as
// singleflight does, and also cancels the shared call once every caller
// waiting for it has gone (client disconnected, deadline passed): an
// abandoned deduplicated fetch must not keep a subgraph connection busy
// for the others that no longer exist.
//
// The first caller (the leader) runs the call on its own goroutine, under
// a context that ignores the leader's own cancellation (the others may
// still wait) but keeps its deadline, and is cancelled when the last
// waiter leaves. A caller that leaves gets its own context's error at
// once. Once a call is abandoned it is forgotten: a new caller with the
// same key starts a new one.
type flightGroup[T any] struct {
	mu sync.Mutex
	m  map[string]*flight[T]
}

type flight[T any] struct {
	done    chan struct{}
	val     T
	waiters int  // callers still waiting, the leader included
	shared  bool // a second caller joined
	ctx     context.Context
	cancel  context.CancelFunc
}

// do runs fn once for concurrent callers of key and returns its value;
// shared reports whether another caller received the same value (final
// once do returns). err is ctx's error when this caller left before the
// value was there (the leader always gets the value).
func (g *flightGroup[T]) do(ctx context.Context, key string, fn func(context.Context) T) (v T, shared bool, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight[T]{}
	}
	if f, ok := g.m[key]; ok {
		f.waiters++
		f.shared = true
		g.mu.Unlock()
		select {
		case <-f.done:
			return f.val, true, nil
		case <-ctx.Done():
			g.leave(key, f)
			var zero T
			return zero, true, ctx.Err()
		}
	}
	f := &flight[T]{done: make(chan struct{}), waiters: 1}
	sctx := context.WithoutCancel(ctx)
	var cancelDeadline context.CancelFunc = func() {}
	if dl, ok := ctx.Deadline(); ok {
		sctx, cancelDeadline = context.WithDeadline(sctx, dl)
	}
	sctx, cancel := context.WithCancel(sctx)
	f.ctx, f.cancel = sctx, cancel
	g.m[key] = f
	g.mu.Unlock()

	stop := context.AfterFunc(ctx, func() { g.leave(key, f) })
	f.val = fn(sctx)
	stop()
	g.mu.Lock()
	if g.m[key] == f {
		delete(g.m, key)
	}
	shared = f.shared
	g.mu.Unlock()
	close(f.done)
	cancel()
	cancelDeadline()
	return f.val, shared, nil
}

// leave counts one waiter of f out; the last one cancels the call and
// forgets it.
func (g *flightGroup[T]) leave(key string, f *flight[T]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f.waiters--
	if f.waiters > 0 {
		return
	}
	if g.m[key] == f {
		delete(g.m, key)
	}
	if dl, ok := f.ctx.Deadline(); ok && !time.Now().Before(dl) {
		// The call's own deadline passed (the leader's, which it kept):
		// it ends with that error, which a cancellation would hide.
		return
	}
	f.cancel()
}
