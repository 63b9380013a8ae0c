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

// arena remembers the pooled slabs one parse took.
type arena struct {
	values []*[]value
	fields []*[]field
	items  []*[]*value
}

func (a *arena) value() []value {
	c := valuePool.Get().(*[]value)
	a.values = append(a.values, c)
	return *c
}

func (a *arena) field() []field {
	c := fieldPool.Get().(*[]field)
	a.fields = append(a.fields, c)
	return *c
}

func (a *arena) item() []*value {
	c := itemPool.Get().(*[]*value)
	a.items = append(a.items, c)
	return *c
}

// adopt moves o's slabs into a.
func (a *arena) adopt(o *arena) {
	a.values = append(a.values, o.values...)
	a.fields = append(a.fields, o.fields...)
	a.items = append(a.items, o.items...)
	*o = arena{}
}

// release clears every slab (so that no stale pointer keeps a body alive and
// every slab comes back zeroed) and gives it back. Nothing may use the
// nodes afterwards.
func (a *arena) release() {
	for _, c := range a.values {
		clear(*c)
		valuePool.Put(c)
	}
	for _, c := range a.fields {
		clear(*c)
		fieldPool.Put(c)
	}
	for _, c := range a.items {
		clear(*c)
		itemPool.Put(c)
	}
	*a = arena{}
}
