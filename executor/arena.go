package executor

import "sync"

// The nodes of the response tree live in slabs. Within one Execute they are
// taken from pools and given back when the response has been shaped: the
// tree is dead by then (Result.Data is a copy, errors are decoded copies,
// scalars alias the subgraph bodies, which are not pooled). Reusing the
// slabs removes about a third of the bytes a request allocates, and with
// them a third of the collector's work.
// Two slab sizes: most subgraph answers are a few hundred bytes, and a
// large slab for each of them would keep far more memory in the pools than
// the requests in flight use.
const (
	valueChunk = 256
	fieldChunk = 512
	itemChunk  = 256
	// smallDiv: a small slab is a chunk / smallDiv, used when fewer than
	// smallBytes of input are left to parse.
	smallDiv   = 8
	smallBytes = 4096
)

var (
	valuePools = [2]sync.Pool{
		{New: func() any { s := make([]value, valueChunk/smallDiv); return &s }},
		{New: func() any { s := make([]value, valueChunk); return &s }},
	}
	fieldPools = [2]sync.Pool{
		{New: func() any { s := make([]field, fieldChunk/smallDiv); return &s }},
		{New: func() any { s := make([]field, fieldChunk); return &s }},
	}
	itemPools = [2]sync.Pool{
		{New: func() any { s := make([]*value, itemChunk/smallDiv); return &s }},
		{New: func() any { s := make([]*value, itemChunk); return &s }},
	}
)

// class is the pool of a slab of length n taken from pools of large size.
func class(n, large int) int {
	if n == large {
		return 1
	}
	return 0
}

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

// take returns a pooled slab (small when little input is left); left is
// how much of the previous one (the slab being replaced) was never handed
// out.
func take[T any](pools *[2]sync.Pool, cs *[]chunk[T], left int, small bool) []T {
	if n := len(*cs); n > 0 {
		(*cs)[n-1].used = len(*(*cs)[n-1].s) - left
	}
	i := 1
	if small {
		i = 0
	}
	c := pools[i].Get().(*[]T)
	*cs = append(*cs, chunk[T]{s: c, used: len(*c)})
	return *c
}

func (a *arena) value(left int, small bool) []value {
	return take(&valuePools, &a.values, left, small)
}

func (a *arena) field(left int, small bool) []field {
	return take(&fieldPools, &a.fields, left, small)
}

func (a *arena) item(left int, small bool) []*value {
	return take(&itemPools, &a.items, left, small)
}

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

func give[T any](pools *[2]sync.Pool, cs []chunk[T], large int) {
	for _, c := range cs {
		clear((*c.s)[:c.used])
		pools[class(len(*c.s), large)].Put(c.s)
	}
}

// release clears what every slab handed out (so that no stale pointer
// keeps a body alive and every slab comes back zeroed) and gives it back.
// Nothing may use the nodes afterwards.
func (a *arena) release() {
	give(&valuePools, a.values, valueChunk)
	give(&fieldPools, a.fields, fieldChunk)
	give(&itemPools, a.items, itemChunk)
	*a = arena{}
}
