package planner

import (
	lru "github.com/hashicorp/golang-lru/v2"
)

// planCache is the fixed-size least-recently-used plan cache: the
// hashicorp/golang-lru/v2 cache the gateway also uses for documents and
// persisted queries (safe for concurrent use). A nil *planCache caches
// nothing.
type planCache struct{ c *lru.Cache[string, *Plan] }

func newLRU(max int) *planCache {
	if max <= 0 {
		return nil
	}
	c, err := lru.New[string, *Plan](max)
	if err != nil { // only for a size <= 0
		return nil
	}
	return &planCache{c: c}
}

func (c *planCache) get(key string) (*Plan, bool) { return c.c.Get(key) }

func (c *planCache) put(key string, p *Plan) { c.c.Add(key, p) }

func (c *planCache) len() int { return c.c.Len() }
