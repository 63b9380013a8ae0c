package executor

import (
	"context"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/junction-gateway/junction/planner"
)

// The request's entity loaders: one graph-gophers/dataloader per request
// and batch key (planner.Fetch.BatchKey: subgraph, operation without its
// name, representation selection, rewrites), made when the request first
// looks up entities with that key. Every entity lookup of the request goes
// through it: a lone Flatten queues its distinct representations, a round
// (sibling Flattens, sibling deferred blocks: planner.Round) queues the
// distinct representations of all its members at once, in member order.
//
// A batch is dispatched when the ready set is queued, never on a timer:
// before queuing, the loader's batch capacity is set to the number of keys
// being queued (dispatch holds the loader's mutex, so no other batch
// interleaves), and the loader closes the batch as the last key is queued.
// Its wait is an hour: it never fires (reaching the capacity stops the
// loader's sleeper). The batch function only forms the batch: it gives
// every key its place in one entityCall; the call itself (cache lookup,
// the _entities request, decoding) is made once, by the first member that
// reads a result, on that member's own goroutine (the loader's batch
// goroutine is new for every batch, and decoding on it grew its stack each
// time). Keys are distinct by construction, so the loader keeps no cache
// across batches: what one round's call reported (a failure, an error
// naming no entity) stays that round's, and which representations a call
// sends never depends on timing.

// loaderWait is the loader's batch window: never reached (see above).
const loaderWait = time.Hour

// entityRef is the loader's result for one key: its call and its index in
// the call's representations.
type entityRef struct {
	call *entityCall
	i    int32
}

// entityCall is one _entities call of a request: its representations (the
// batch), the fetch that sends it, and, once made, its result.
type entityCall struct {
	f    *planner.Fetch
	keys []string
	once sync.Once
	// Set by once:
	batch    entityBatch
	entities []*value
}

// entityLoader is the request's loader for one batch key.
type entityLoader struct {
	mu sync.Mutex // serialises dispatches (capacity set, then keys queued)
	dl *dataloader.Loader[string, entityRef]
}

// fetchKey carries the fetch of a batch to the batch function (the
// context of the batch's first Load).
type fetchKey struct{}

// loader returns the request's loader for f's batch key.
func (r *run) loader(f *planner.Fetch) *entityLoader {
	var k any = f // a fetch without a batch key shares with no other
	if bk := f.BatchKey(); bk != "" {
		k = bk
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	el := r.loaders[k]
	if el == nil {
		if r.loaders == nil {
			r.loaders = map[any]*entityLoader{}
		}
		el = &entityLoader{dl: dataloader.NewBatchedLoader(batchEntities,
			dataloader.WithWait[string, entityRef](loaderWait),
			dataloader.WithCache[string, entityRef](&dataloader.NoCache[string, entityRef]{}),
			dataloader.WithTracer[string, entityRef](noTrace{}),
		)}
		r.loaders[k] = el
	}
	return el
}

// batchEntities is the loaders' batch function: one entityCall for the
// batch, each key at its index.
func batchEntities(ctx context.Context, keys []string) []*dataloader.Result[entityRef] {
	f, _ := ctx.Value(fetchKey{}).(*planner.Fetch)
	call := &entityCall{f: f, keys: keys}
	res := make([]dataloader.Result[entityRef], len(keys))
	out := make([]*dataloader.Result[entityRef], len(keys))
	for i := range keys {
		res[i].Data = entityRef{call: call, i: int32(i)}
		out[i] = &res[i]
	}
	return out
}

// dispatch queues keys (distinct, non-empty) as one batch sent by f and
// returns each key's thunk; the batch is dispatched as the last key is
// queued.
func (el *entityLoader) dispatch(ctx context.Context, f *planner.Fetch, keys []string) []dataloader.Thunk[entityRef] {
	ctx = context.WithValue(ctx, fetchKey{}, f)
	thunks := make([]dataloader.Thunk[entityRef], len(keys))
	el.mu.Lock()
	defer el.mu.Unlock()
	// The capacities are read by Load (under the loader's own lock, when
	// it starts a batch and as it counts keys), and every Load of this
	// loader happens under el.mu, after these writes. The input capacity
	// sizes the batch's queue (the library's default, 1,000, allocated
	// 8 KB per batch).
	dataloader.WithBatchCapacity[string, entityRef](len(keys))(el.dl)
	dataloader.WithInputCapacity[string, entityRef](len(keys))(el.dl)
	for i, k := range keys {
		thunks[i] = el.dl.Load(ctx, k)
	}
	return thunks
}

// resolve waits for the thunks of one batch and makes its call (once for
// all the batch's members): the call and, for each thunk, the index of its
// key in the call. A thunk's error is the loader's own (a panic it
// recovered) and fails the lookup.
func (r *run) resolve(ctx context.Context, thunks []dataloader.Thunk[entityRef], union []int32) (*entityCall, []int32, error) {
	var call *entityCall
	for j, th := range thunks {
		ref, err := th()
		if err != nil {
			return nil, nil, err
		}
		call = ref.call
		union[j] = ref.i
	}
	if call == nil {
		return nil, nil, nil
	}
	call.once.Do(func() {
		call.entities = r.loadEntitiesCached(ctx, call.f, call.keys, &call.batch)
		r.mu.Lock()
		prepareEntities(r.ex, call.f, call.entities)
		r.mu.Unlock()
	})
	return call, union, nil
}

// noTrace is the loader's tracer: spans are made per subgraph request
// (send), so the loader's own would only repeat them; unlike the library's
// default no-op tracer it allocates nothing per key.
type noTrace struct{}

func (noTrace) TraceLoad(ctx context.Context, _ string) (context.Context, dataloader.TraceLoadFinishFunc[entityRef]) {
	return ctx, noLoadFinish
}

func (noTrace) TraceLoadMany(ctx context.Context, _ []string) (context.Context, dataloader.TraceLoadManyFinishFunc[entityRef]) {
	return ctx, noLoadManyFinish
}

func (noTrace) TraceBatch(ctx context.Context, _ []string) (context.Context, dataloader.TraceBatchFinishFunc[entityRef]) {
	return ctx, noBatchFinish
}

func noLoadFinish(dataloader.Thunk[entityRef])         {}
func noLoadManyFinish(dataloader.ThunkMany[entityRef]) {}
func noBatchFinish([]*dataloader.Result[entityRef])    {}
