package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// Options configure a Cache.
type Options struct {
	// Store keeps the entries (NewMemory or NewRedis).
	Store Store
	// MaxEntryBytes: a larger answer is not kept (default 1 MiB).
	MaxEntryBytes int
	// Timeout bounds one store call (default 500ms); past it, a miss.
	Timeout time.Duration
	// Health follows a remote store (nil for memory).
	Health *redisclient.Health
	// Log receives failures of a store without Health (nil discards).
	Log *slog.Logger
}

// Cache is the entity and root-field cache, the response's Cache-Control
// (Plugin), purges (Handler) and the APQ store (APQ), over one Store.
type Cache struct {
	o      Options
	served served
}

// New returns a Cache.
func New(o Options) (*Cache, error) {
	if o.Store == nil {
		return nil, errors.New("cache: no store")
	}
	if o.MaxEntryBytes <= 0 {
		o.MaxEntryBytes = 1 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 500 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Cache{o: o}, nil
}

// get reads keys from the store; any failure is all misses.
func (c *Cache) get(ctx context.Context, keys []string) [][]byte {
	if h := c.o.Health; h != nil && !h.Allow() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.Timeout)
	defer cancel()
	vals, err := c.o.Store.Get(ctx, keys)
	c.result(err)
	if err != nil {
		return nil
	}
	return vals
}

// set writes entries; a failure is dropped (logged once per incident).
func (c *Cache) set(ctx context.Context, entries []Entry) {
	if len(entries) == 0 {
		return
	}
	if h := c.o.Health; h != nil && !h.Allow() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.Timeout)
	defer cancel()
	c.result(c.o.Store.Set(ctx, entries))
}

func (c *Cache) result(err error) {
	h := c.o.Health
	switch {
	case err != nil && h != nil:
		h.Failure(err)
	case err != nil:
		c.o.Log.Warn("cache store failed", "err", err)
	case h != nil:
		h.Success()
	}
}

// Build returns the executor's entity cache for sg (nil when sg has no
// hints: nothing would be cacheable).
func (c *Cache) Build(sg *schema.Supergraph) executor.EntityCache {
	h, err := ReadHints(sg)
	if err != nil || h.Len() == 0 {
		return nil
	}
	return &entityCache{c: c, sg: sg, hints: h, gens: generations(sg)}
}

// entityCache is the executor.EntityCache of one supergraph.
type entityCache struct {
	c        *Cache
	sg       *schema.Supergraph
	hints    *Hints
	gens     map[string]string
	analyses analyses
	// servedOnce: markServed at the first lookup.
	servedOnce sync.Once
}

// principal is the caller's identity in PRIVATE keys ("" when anonymous:
// private data of an anonymous caller is not kept).
func principal(ctx context.Context) string {
	p := auth.FromContext(ctx)
	if p == nil || p.Subject == "" {
		return ""
	}
	return p.Provider + "\x00" + p.Subject
}

func digest(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// entityKeys are the store keys of reps ("" where not cacheable), with
// each one's policy, typename and type+key tag.
type entityKey struct {
	key, typename string
	policy        Policy
}

func (e *entityCache) entityKeys(ctx context.Context, f *planner.Fetch, sel []byte, reps []string) []entityKey {
	fp := e.analyses.get(e.hints, f)
	if !fp.ok {
		return nil
	}
	who := ""
	out := make([]entityKey, len(reps))
	found := false
	for i, rep := range reps {
		tn := repTypename(rep)
		p, ok := fp.entities[tn]
		if !ok || !p.Cacheable() {
			continue
		}
		var priv []byte
		if p.Private {
			if who == "" {
				if who = principal(ctx); who == "" {
					continue
				}
			}
			priv = []byte(who)
		}
		out[i] = entityKey{
			key:      "ent:" + f.Service + ":" + e.gens[f.Service] + ":" + tn + ":" + digest(sel, []byte(rep), priv),
			typename: tn,
			policy:   p,
		}
		found = true
	}
	if !found {
		return nil
	}
	return out
}

// LookupEntities implements executor.EntityCache.
func (e *entityCache) LookupEntities(ctx context.Context, f *planner.Fetch, sel []byte, reps []string) ([][]byte, []bool) {
	e.markServed()
	ks := e.entityKeys(ctx, f, sel, reps)
	if ks == nil {
		return nil, nil
	}
	var keys []string
	var at []int
	keep := make([]bool, len(reps))
	for i, k := range ks {
		if k.key != "" {
			keys = append(keys, k.key)
			at = append(at, i)
			keep[i] = true
		}
	}
	vals := e.c.get(ctx, keys)
	if len(vals) != len(keys) {
		spanEvent(ctx, "junction.cache.miss", "entity", f.Service, len(keys))
		return nil, keep
	}
	out := make([][]byte, len(reps))
	hits := 0
	for j, v := range vals {
		out[at[j]] = v
		if v != nil {
			hits++
		}
	}
	spanEvent(ctx, "junction.cache.hit", "entity", f.Service, hits)
	spanEvent(ctx, "junction.cache.miss", "entity", f.Service, len(keys)-hits)
	return out, keep
}

// StoreEntities implements executor.EntityCache.
func (e *entityCache) StoreEntities(ctx context.Context, f *planner.Fetch, sel []byte, reps []string, ents [][]byte) {
	ks := e.entityKeys(ctx, f, sel, reps)
	if ks == nil {
		return
	}
	var entries []Entry
	for i, k := range ks {
		if k.key == "" || ents[i] == nil || len(ents[i]) > e.c.o.MaxEntryBytes {
			continue
		}
		_, id := repInfo(e.sg, f.Service, reps[i])
		entries = append(entries, Entry{
			Key:   k.key,
			Value: ents[i],
			TTL:   time.Duration(k.policy.MaxAge) * time.Second,
			Tags:  []string{"type:" + k.typename, "id:" + k.typename + ":" + id},
		})
	}
	e.c.set(ctx, entries)
	spanEvent(ctx, "junction.cache.store", "entity", f.Service, len(entries))
}

func (e *entityCache) rootKey(ctx context.Context, f *planner.Fetch, body []byte) (string, *fetchPolicy) {
	fp := e.analyses.get(e.hints, f)
	if !fp.ok || fp.entities != nil || !fp.root.Cacheable() {
		return "", nil
	}
	var priv []byte
	if fp.root.Private {
		who := principal(ctx)
		if who == "" {
			return "", nil
		}
		priv = []byte(who)
	}
	return "root:" + f.Service + ":" + e.gens[f.Service] + ":" + digest(body, priv), fp
}

// LookupRoot implements executor.EntityCache.
func (e *entityCache) LookupRoot(ctx context.Context, f *planner.Fetch, body []byte) []byte {
	e.markServed()
	k, _ := e.rootKey(ctx, f, body)
	if k == "" {
		return nil
	}
	vals := e.c.get(ctx, []string{k})
	if len(vals) != 1 || vals[0] == nil {
		spanEvent(ctx, "junction.cache.miss", "root", f.Service, 1)
		return nil
	}
	spanEvent(ctx, "junction.cache.hit", "root", f.Service, 1)
	return vals[0]
}

// StoreRoot implements executor.EntityCache.
func (e *entityCache) StoreRoot(ctx context.Context, f *planner.Fetch, body, answer []byte) {
	k, fp := e.rootKey(ctx, f, body)
	if k == "" || len(answer) > e.c.o.MaxEntryBytes {
		return
	}
	tags := make([]string, 0, len(fp.rootTypes))
	for _, t := range fp.rootTypes {
		tags = append(tags, "type:"+t)
	}
	e.c.set(ctx, []Entry{{Key: k, Value: answer, TTL: time.Duration(fp.root.MaxAge) * time.Second, Tags: tags}})
	spanEvent(ctx, "junction.cache.store", "root", f.Service, 1)
}
