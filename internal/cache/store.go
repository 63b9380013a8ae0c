package cache

import (
	"context"
	"errors"
	"time"
)

// ErrStore wraps every failure of a Store.
var ErrStore = errors.New("cache store")

// Entry is one value to keep.
type Entry struct {
	Key   string
	Value []byte
	TTL   time.Duration
	// Tags name the purges that drop the entry (a type, a type and key).
	Tags []string
}

// Store keeps entries until their TTL passes or a purge drops them. Get
// returns one value per key (nil: absent). Implementations are safe for
// concurrent use and bounded.
type Store interface {
	Get(ctx context.Context, keys []string) ([][]byte, error)
	Set(ctx context.Context, entries []Entry) error
	// PurgeTags drops every entry tagged with one of tags; it returns how
	// many entries it dropped.
	PurgeTags(ctx context.Context, tags []string) (int, error)
	// PurgeAll drops every entry.
	PurgeAll(ctx context.Context) (int, error)
}
