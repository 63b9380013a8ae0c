package executor

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
)

// EntityCache keeps subgraph answers between requests (WithEntityCache).
// The executor asks it for the fetches of query operations only (never
// while running a mutation); the cache decides what is cacheable (its
// hints, the caller) and for how long. Every method must be safe for
// concurrent use, bounded in time, and treat its own failures as misses:
// the executor never waits on a cache error and never fails because of
// one.
//
// An entity fetch is identified by sel, the request body without the
// representations (the query with its selection, and its variables), and
// each entity by its representation (the JSON sent in representations).
// A root fetch is identified by its whole request body.
type EntityCache interface {
	// LookupEntities returns the cached JSON of each entity of reps (a
	// nil entry is a miss; nil or a slice of another length: all miss),
	// and which of them the cache would keep (nil: none, so that the
	// executor does not encode answers nobody keeps).
	LookupEntities(ctx context.Context, f *planner.Fetch, sel []byte, reps []string) (hits [][]byte, keep []bool)
	// StoreEntities offers what the subgraph answered for reps: ents[i]
	// is the JSON of entity i, nil when it is not to be kept (null, or
	// answered with an error).
	StoreEntities(ctx context.Context, f *planner.Fetch, sel []byte, reps []string, ents [][]byte)
	// LookupRoot returns a cached answer (a whole subgraph response
	// document) to the root fetch whose request body is body, or nil.
	LookupRoot(ctx context.Context, f *planner.Fetch, body []byte) []byte
	// StoreRoot offers a root fetch's answer, given only when it has data
	// and no errors.
	StoreRoot(ctx context.Context, f *planner.Fetch, body, answer []byte)
}

// WithEntityCache caches subgraph answers in c: an entity fetch asks c
// first and sends _entities for the misses only; a root fetch of a query
// is answered from c when it holds it.
func WithEntityCache(c EntityCache) Option { return func(e *Executor) { e.cache = c } }

// entityCache is the cache for this run: none for a mutation.
func (r *run) entityCache() EntityCache {
	if r.ex.cache == nil || r.req.Operation == nil || r.req.Operation.Operation != ast.Query {
		return nil
	}
	return r.ex.cache
}

// callCached is call with the root fetch answered from the cache when it
// holds it, and a clean answer offered to it.
func (r *run) callCached(ctx context.Context, f *planner.Fetch, body []byte) (*value, []subgraphError, error) {
	c := r.entityCache()
	if c == nil {
		return r.call(ctx, f, body)
	}
	if hit := c.LookupRoot(ctx, f, body); hit != nil {
		data, errs, err := r.decodeAnswer(f, answer{body: hit})
		if err == nil && len(errs) == 0 && data != nil && data.Kind == kindObject {
			return data, nil, nil
		}
		// A corrupt entry is a miss.
	}
	ans := r.send(ctx, f, body)
	data, errs, err := r.decode(ctx, f, ans)
	if ans.err == nil && err == nil && len(errs) == 0 && data != nil && data.Kind == kindObject {
		c.StoreRoot(ctx, f, body, ans.body)
	}
	return data, errs, err
}

// loadEntitiesCached is loadEntities with the cached entities taken from
// the cache and _entities sent for the misses only; the answer (entities
// by index of ks, errors with their _entities index in ks) is the one
// loadEntities would give, so the Flatten merges it the same way.
func (r *run) loadEntitiesCached(ctx context.Context, f *planner.Fetch, ks []string, b *entityBatch) []*value {
	c := r.entityCache()
	if c == nil || len(f.Context) > 0 {
		return r.loadEntities(ctx, f, ks, b)
	}
	sel, err := r.body(f, nil)
	if err != nil {
		return r.loadEntities(ctx, f, ks, b)
	}
	out := make([]*value, len(ks))
	missIdx := make([]int, 0, len(ks))
	all := func() {
		missIdx = missIdx[:0]
		for i := range ks {
			missIdx = append(missIdx, i)
		}
		clear(out)
	}
	hits, keep := c.LookupEntities(ctx, f, sel, ks)
	if len(keep) != len(ks) {
		keep = nil
	}
	if len(hits) == len(ks) {
		for i, h := range hits {
			if h == nil {
				missIdx = append(missIdx, i)
			}
		}
		if len(missIdx) < len(ks) && !r.decodeHits(f, hits, out) {
			all() // a corrupt entry: everything is a miss
		}
	} else {
		all()
	}
	if len(missIdx) == 0 {
		b.ok = true
		return out
	}
	missKeys := make([]string, len(missIdx))
	for j, i := range missIdx {
		missKeys[j] = ks[i]
	}
	var sub entityBatch
	ents := r.loadEntities(ctx, f, missKeys, &sub)
	b.err, b.ok = sub.err, sub.ok
	b.errs = sub.errs
	if len(missKeys) < len(ks) {
		b.errs = reindexErrors(sub.errs, missIdx)
	}
	for j, i := range missIdx {
		out[i] = ents[j]
	}
	if sub.err == nil && sub.ok && keep != nil {
		bad, whole := erroredEntities(sub.errs)
		if !whole {
			store := make([][]byte, len(missKeys))
			for j, e := range ents {
				if keep[missIdx[j]] && e != nil && e.Kind == kindObject && !bad[j] {
					store[j] = jsonv.AppendValue(nil, e)
				}
			}
			c.StoreEntities(ctx, f, sel, missKeys, store)
		}
	}
	return out
}

// decodeHits parses the cached entities into out (misses stay nil); false
// when an entry is not a JSON object.
func (r *run) decodeHits(f *planner.Fetch, hits [][]byte, out []*value) bool {
	size := 32
	for _, h := range hits {
		size += len(h) + 5
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"data":{"_entities":[`...)
	for i, h := range hits {
		if i > 0 {
			buf = append(buf, ',')
		}
		if h == nil {
			buf = append(buf, "null"...)
		} else {
			buf = append(buf, h...)
		}
	}
	buf = append(buf, "]}}"...)
	data, errs, err := r.decodeAnswer(f, answer{body: buf})
	if err != nil || len(errs) > 0 {
		return false
	}
	ents := data.Get("_entities")
	if ents == nil || ents.Kind != kindList || ents.Len() != len(hits) {
		return false
	}
	for i, e := range ents.Items() {
		if hits[i] == nil {
			continue
		}
		if e == nil || e.Kind != kindObject {
			return false
		}
		out[i] = e
	}
	return true
}

// reindexErrors maps the _entities index of each error from the misses'
// request to the Flatten's representations.
func reindexErrors(errs []subgraphError, missIdx []int) []subgraphError {
	for k := range errs {
		p := errs[k].Path
		if len(p) < 2 || string(p[0]) != `"_entities"` {
			continue
		}
		j, err := strconv.Atoi(string(p[1]))
		if err != nil || j < 0 || j >= len(missIdx) {
			continue
		}
		np := append([]json.RawMessage(nil), p...)
		np[1] = json.RawMessage(strconv.Itoa(missIdx[j]))
		errs[k].Path = np
	}
	return errs
}

// erroredEntities lists the entities an error points at; whole is true
// when an error points at none (it may concern any of them).
func erroredEntities(errs []subgraphError) (bad map[int]bool, whole bool) {
	for _, e := range errs {
		p := e.Path
		if len(p) < 2 || string(p[0]) != `"_entities"` {
			return nil, true
		}
		j, err := strconv.Atoi(string(p[1]))
		if err != nil {
			return nil, true
		}
		if bad == nil {
			bad = map[int]bool{}
		}
		bad[j] = true
	}
	return bad, false
}
