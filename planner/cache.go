package planner

import (
	"container/list"
	"sync"
)

// lru is a fixed-size least-recently-used plan cache.
type lru struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type lruEntry struct {
	key  string
	plan *Plan
}

func newLRU(max int) *lru {
	if max <= 0 {
		return nil
	}
	return &lru{max: max, ll: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru) get(key string) (*Plan, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry).plan, true
	}
	return nil, false
}

func (c *lru) put(key string, p *Plan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*lruEntry).plan = p
		return
	}
	c.items[key] = c.ll.PushFront(&lruEntry{key: key, plan: p})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
