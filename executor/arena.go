package executor

import "sync"

// The nodes of the response tree live in slabs. Within one Execute they are
// taken from pools and given back when the response has been shaped: the
// tree is dead by then (Result.Data is a copy, errors are decoded copies,
// scalars alias the subgraph bodies, which are not pooled). Reusing the
// slabs removes about a third of the bytes a request allocates, and with
// them a third of the collector's work.
const (
	valueChunk = 256
	fieldChunk = 512
	itemChunk  = 256
)

var (
	valuePool = sync.Pool{New: func() any { s := make([]value, valueChunk); return &s }}
	fieldPool = sync.Pool{New: func() any { s := make([]field, fieldChunk); return &s }}
	itemPool  = sync.Pool{New: func() any { s := make([]*value, itemChunk); return &s }}
)

// arena remembers the pooled slabs one parse took and how much of each it
// used, so that giving them back clears only what was written.
type arena struct {
	values []chunk[value]
	fields []chunk[field]
	items  []chunk[*value]
}

type chunk[T any] struct {
	s    *[]T
	used int
}

// take returns a pooled slab; left is how much of the previous one (the
// slab being replaced) was never handed out.
func take[T any](pool *sync.Pool, cs *[]chunk[T], left int) []T {
	if n := len(*cs); n > 0 {
		(*cs)[n-1].used = len(*(*cs)[n-1].s) - left
	}
	c := pool.Get().(*[]T)
	*cs = append(*cs, chunk[T]{s: c, used: len(*c)})
	return *c
}

func (a *arena) value(left int) []value { return take(&valuePool, &a.values, left) }
func (a *arena) field(left int) []field { return take(&fieldPool, &a.fields, left) }
func (a *arena) item(left int) []*value { return take(&itemPool, &a.items, left) }

// finish records how much of the last slab of each kind was left unused.
func (a *arena) finish(leftV, leftF, leftI int) {
	if n := len(a.values); n > 0 {
		a.values[n-1].used = len(*a.values[n-1].s) - leftV
	}
	if n := len(a.fields); n > 0 {
		a.fields[n-1].used = len(*a.fields[n-1].s) - leftF
	}
	if n := len(a.items); n > 0 {
		a.items[n-1].used = len(*a.items[n-1].s) - leftI
	}
}

// adopt moves o's slabs into a.
func (a *arena) adopt(o *arena) {
	a.values = append(a.values, o.values...)
	a.fields = append(a.fields, o.fields...)
	a.items = append(a.items, o.items...)
	*o = arena{}
}

func give[T any](pool *sync.Pool, cs []chunk[T]) {
	for _, c := range cs {
		clear((*c.s)[:c.used])
		pool.Put(c.s)
	}
}

// release clears what every slab handed out (so that no stale pointer
// keeps a body alive and every slab comes back zeroed) and gives it back.
// Nothing may use the nodes afterwards.
func (a *arena) release() {
	give(&valuePool, a.values)
	give(&fieldPool, a.fields)
	give(&itemPool, a.items)
	*a = arena{}
}
