package cache

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/junction-gateway/junction/schema"
)

// served follows which supergraph the cache serves, to drop the entries
// of the types a new version changed.
type served struct {
	mu sync.Mutex
	sg *schema.Supergraph
}

// changedTypes are the types whose definitions differ between old and
// new (a type itself or one of its fields, arguments, values, members),
// sorted.
func changedTypes(old, new *schema.Supergraph) []string {
	set := map[string]bool{}
	for _, ch := range schema.Diff(old, new) {
		t, _, _ := strings.Cut(ch.Coordinate, ".")
		t, _, _ = strings.Cut(t, "(")
		if t != "" {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// markServed runs once per supergraph, at its first cache lookup (so on a
// supergraph actually served, not one only built): when it replaces
// another version, the entries of the types that changed are purged in
// the background (bounded like any purge). Entries of changed subgraphs
// are unreachable anyway (their keys carry the subgraph's fingerprint);
// this frees them at once instead of when they expire.
func (e *entityCache) markServed() {
	e.servedOnce.Do(func() {
		c := e.c
		c.served.mu.Lock()
		prev := c.served.sg
		c.served.sg = e.sg
		c.served.mu.Unlock()
		if prev == nil || prev.Version == e.sg.Version {
			return
		}
		types := changedTypes(prev, e.sg)
		if len(types) == 0 {
			return
		}
		tags := make([]string, len(types))
		for i, t := range types {
			tags[i] = "type:" + t
		}
		go func() {
			n, err := c.purgeTags(context.Background(), tags)
			if err != nil {
				c.o.Log.Warn("cache: purging the types a new supergraph changed failed", "types", types, "err", err)
				return
			}
			c.o.Log.Info("cache: purged the types a new supergraph changed", "types", types, "purged", n)
		}()
	})
}
