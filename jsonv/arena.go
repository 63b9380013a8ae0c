package jsonv

import "sync"

// The nodes of a tree parsed into an Arena live in slabs taken from pools
// and given back by Release, when the owner knows the tree is dead (the
// executor: when the response has been shaped; scalars alias the parsed
// bodies, which are not pooled). Reusing the slabs removes about a third of
// the bytes a gateway request allocates, and with them a third of the
// collector's work.
// Two slab sizes: most subgraph answers are a few hundred bytes, and a
// large slab for each of them would keep far more memory in the pools than
// the requests in flight use.
const (
	valueChunk = 256
	// FieldChunk is the length of a large pooled fields slab.
	FieldChunk = 512
	itemChunk  = 256
	// smallDiv: a small slab is a chunk / smallDiv, used when fewer than
	// smallBytes of input are left to parse.
	smallDiv   = 8
	smallBytes = 4096
)

var (
	valuePools = [2]sync.Pool{
		{New: func() any { s := make([]Value, valueChunk/smallDiv); return &s }},
		{New: func() any { s := make([]Value, valueChunk); return &s }},
	}
	fieldPools = [2]sync.Pool{
		{New: func() any { s := make([]Field, FieldChunk/smallDiv); return &s }},
		{New: func() any { s := make([]Field, FieldChunk); return &s }},
	}
	itemPools = [2]sync.Pool{
		{New: func() any { s := make([]*Value, itemChunk/smallDiv); return &s }},
		{New: func() any { s := make([]*Value, itemChunk); return &s }},
	}
)

// class is the pool of a slab of length n taken from pools of large size.
func class(n, large int) int {
	if n == large {
		return 1
	}
	return 0
}

// Arena remembers the pooled slabs parses took and how much of each they
// used, so that giving them back clears only what was written. Its zero
// value is ready; it is not safe for concurrent use.
type Arena struct {
	values []chunk[Value]
	fields []chunk[Field]
	items  []chunk[*Value]
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

func (a *Arena) value(left int, small bool) []Value {
	return take(&valuePools, &a.values, left, small)
}

// Fields returns a pooled slab of fields (small when little input is left)
// for a caller that builds objects itself (merges), given back with the
// arena; left is how much of its previous fields slab was never handed out.
func (a *Arena) Fields(left int, small bool) []Field {
	return take(&fieldPools, &a.fields, left, small)
}

func (a *Arena) item(left int, small bool) []*Value {
	return take(&itemPools, &a.items, left, small)
}

// Finish records how much of the last slab of each kind was left unused.
func (a *Arena) Finish(leftV, leftF, leftI int) {
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

// Adopt moves o's slabs into a.
func (a *Arena) Adopt(o *Arena) {
	a.values = append(a.values, o.values...)
	a.fields = append(a.fields, o.fields...)
	a.items = append(a.items, o.items...)
	*o = Arena{}
}

func give[T any](pools *[2]sync.Pool, cs []chunk[T], large int) {
	for _, c := range cs {
		clear((*c.s)[:c.used])
		pools[class(len(*c.s), large)].Put(c.s)
	}
}

// Release clears what every slab handed out (so that no stale pointer
// keeps a body alive and every slab comes back zeroed) and gives it back.
// Nothing may use the nodes afterwards.
func (a *Arena) Release() {
	give(&valuePools, a.values, valueChunk)
	give(&fieldPools, a.fields, FieldChunk)
	give(&itemPools, a.items, itemChunk)
	*a = Arena{}
}
