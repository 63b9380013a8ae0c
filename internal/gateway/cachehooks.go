package gateway

import (
	"context"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
)

// WithEntityCache gives the executor of every supergraph swapped in an
// entity cache built for that supergraph (its hints, its version): see
// executor.EntityCache. Without it nothing is cached.
func WithEntityCache(build func(sg *schema.Supergraph) executor.EntityCache) Option {
	return func(o *options) { o.entityCache = build }
}

// APQStore keeps automatic persisted queries (hash → query text) where
// every replica finds them (e.g. Redis). Both methods are bounded in time;
// a failure is a miss (Get) or is dropped (Put).
type APQStore interface {
	Get(ctx context.Context, hash string) (query string, ok bool)
	Put(ctx context.Context, hash, query string)
}

// WithAPQStore keeps the persisted queries in s as well as in the
// process's own bounded LRU (looked up first).
func WithAPQStore(s APQStore) Option { return func(o *options) { o.apqStore = s } }

// entityCacheOptions are the executor options of the entity cache for sg.
func (g *Gateway) entityCacheOptions(sg *schema.Supergraph) []executor.Option {
	if g.opts.entityCache == nil {
		return nil
	}
	if c := g.opts.entityCache(sg); c != nil {
		return []executor.Option{executor.WithEntityCache(c)}
	}
	return nil
}

// WithOptions applies several options as one (a feature's options in one
// line of a caller's list).
func WithOptions(opts ...Option) Option {
	return func(o *options) {
		for _, f := range opts {
			if f != nil {
				f(o)
			}
		}
	}
}
