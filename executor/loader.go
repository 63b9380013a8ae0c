package executor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/junction-gateway/junction/planner"
)

// Entity lookups and the dataloader.
//
// A Flatten's representations are distinct by construction (it
// deduplicates them as it builds them), so a Flatten alone has nothing to
// coalesce: it sends its one _entities call straight (flatten), with no
// loader. What a loader coalesces is the lookups of several Flattens that
// become ready in the same scheduling round (planner.Round: sibling
// Parallel branches, sibling deferred blocks, fetching the same subgraph
// and selection). Each round met by a request has its own
// graph-gophers/dataloader, keyed by member number: every member, once it
// has gathered its representations, queues itself with Load; the batch
// capacity is the round's number of members, so the loader dispatches as
// the last member is queued, never on a timer (its wait is an hour and is
// never reached: reaching the capacity stops the loader's sleeper). The
// batch function forms the round's one _entities call: every member's
// representations, deduplicated across members in member order (the
// call's body never depends on which member arrived first). The call
// itself (cache lookup, the _entities request, decoding) is made once, by
// the first member that reads the result, on that member's own goroutine
// (the loader's batch goroutine is new for every batch, and decoding on it
// grew its stack each time). The loader keeps no cache: a round's call is
// that round's alone.
//
// The cost is per round (a Load per member, one batch), not per
// representation: the per-representation Loads of the loader's first form
// were most of the executor's allocations on a query with large batches.
//
// Every member is sure to be queued: a member queues itself whatever
// happens to its lookup (flatten defers it, and recovers a panic of its
// own so that the steps after it in its branch, members of later rounds,
// still run), so a batch always dispatches and its goroutines end.

// loaderWait is the loader's batch window: never reached (see above).
const loaderWait = time.Hour

// entityCall is one round's _entities call: its representations (the
// batch), the fetch that sends it, and, once made, its result.
type entityCall struct {
	f    *planner.Fetch
	keys []string
	once sync.Once
	// Set by once:
	batch    entityBatch
	entities []*value
}

// roundState is one round's progress in one request: the representations
// its members gathered, its loader and, once the batch is formed, its call.
type roundState struct {
	dl      *dataloader.Loader[int, *entityCall]
	members [][]string     // each member's distinct representations
	first   *planner.Fetch // member 0's fetch: the one sent (its name, its trace)
	done    chan struct{}  // closed by the batch function
	// Set by the batch function, before done is closed: the call's
	// representations' indexes (nil when the round looks nothing up).
	index map[string]int32
}

// round returns the request's state of rd, made on first use (under r.mu).
func (r *run) round(rd *planner.Round) *roundState {
	rs := r.rounds[rd]
	if rs == nil {
		if r.rounds == nil {
			r.rounds = map[*planner.Round]*roundState{}
		}
		rs = &roundState{members: make([][]string, rd.Members), done: make(chan struct{})}
		rs.dl = dataloader.NewBatchedLoader(func(_ context.Context, ms []int) []*dataloader.Result[*entityCall] {
			return r.batchRound(rs, ms)
		},
			dataloader.WithWait[int, *entityCall](loaderWait),
			dataloader.WithBatchCapacity[int, *entityCall](rd.Members),
			// The batch's queue holds the members (the library's default,
			// 1,000, allocated 8 KB per batch).
			dataloader.WithInputCapacity[int, *entityCall](rd.Members),
			dataloader.WithCache[int, *entityCall](&dataloader.NoCache[int, *entityCall]{}),
			dataloader.WithTracer[int, *entityCall](noTrace{}),
		)
		r.rounds[rd] = rs
	}
	return rs
}

// batchRound is a round loader's batch function: the round's one call, for
// every member (ms: the members, in the order they were queued).
func (r *run) batchRound(rs *roundState, ms []int) []*dataloader.Result[*entityCall] {
	r.mu.Lock()
	n := 0
	for _, ks := range rs.members {
		n += len(ks)
	}
	var call *entityCall
	if n > 0 {
		keys := make([]string, 0, n)
		rs.index = make(map[string]int32, n)
		for _, ks := range rs.members {
			for _, k := range ks {
				if _, ok := rs.index[k]; !ok {
					rs.index[k] = int32(len(keys))
					keys = append(keys, k)
				}
			}
		}
		// Members differ only in their operation's name: send member
		// 0's, whichever arrived last.
		call = &entityCall{f: rs.first, keys: keys}
	}
	r.mu.Unlock()
	close(rs.done)
	// Every member gets the same result: the call.
	res := &dataloader.Result[*entityCall]{Data: call}
	out := make([]*dataloader.Result[*entityCall], len(ms))
	for i := range ms {
		out[i] = res
	}
	return out
}

// errRoundEnded: the request ended before the round's call was formed.
var errRoundEnded = errors.New("executor: the request ended before its round's call")

// joinRound queues member (whose distinct representations are keys) in its
// round and, with wait, waits for the round's call and makes it (once for
// all members): the call and, for each of keys, its index in the call. A
// nil call when the round looks nothing up; errRoundEnded when ctx ended
// first; another error is the loader's own (a panic it recovered) and
// fails the lookup. With
// wait false (a member that failed before gathering anything) it only
// queues the member.
func (r *run) joinRound(ctx context.Context, rd *planner.Round, member int, f *planner.Fetch, keys []string, wait bool) (*entityCall, []int32, error) {
	r.mu.Lock()
	rs := r.round(rd)
	// (A copy: keys is the member's pooled scratch, given back when it
	// returns, which may be before the call when ctx ends.)
	rs.members[member] = slices.Clone(keys)
	if member == 0 {
		rs.first = f
	}
	r.mu.Unlock()
	thunk := rs.dl.Load(ctx, member)
	if !wait {
		return nil, nil, nil
	}
	select {
	case <-rs.done:
	case <-ctx.Done():
		return nil, nil, errRoundEnded
	}
	call, err := thunk()
	if err != nil || call == nil {
		return nil, nil, err
	}
	union := make([]int32, len(keys))
	for i, k := range keys {
		union[i] = rs.index[k]
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

func (noTrace) TraceLoad(ctx context.Context, _ int) (context.Context, dataloader.TraceLoadFinishFunc[*entityCall]) {
	return ctx, noLoadFinish
}

func (noTrace) TraceLoadMany(ctx context.Context, _ []int) (context.Context, dataloader.TraceLoadManyFinishFunc[*entityCall]) {
	return ctx, noLoadManyFinish
}

func (noTrace) TraceBatch(ctx context.Context, _ []int) (context.Context, dataloader.TraceBatchFinishFunc[*entityCall]) {
	return ctx, noBatchFinish
}

func noLoadFinish(dataloader.Thunk[*entityCall])         {}
func noLoadManyFinish(dataloader.ThunkMany[*entityCall]) {}
func noBatchFinish([]*dataloader.Result[*entityCall])    {}
