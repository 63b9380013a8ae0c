package cache

import (
	"context"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// apqTTL is how long a persisted query stays in the shared store after
// it was last registered.
const apqTTL = 24 * time.Hour

// APQ is the gateway's store of automatic persisted queries in this
// cache's store: a query registered on one replica is found on another.
func (c *Cache) APQ() gateway.APQStore { return apqStore{c} }

type apqStore struct{ c *Cache }

func (s apqStore) Get(ctx context.Context, hash string) (string, bool) {
	vals := s.c.get(ctx, []string{"apq:" + hash})
	if len(vals) != 1 || vals[0] == nil {
		return "", false
	}
	return string(vals[0]), true
}

func (s apqStore) Put(ctx context.Context, hash, query string) {
	s.c.set(ctx, []Entry{{Key: "apq:" + hash, Value: []byte(query), TTL: apqTTL}})
}
