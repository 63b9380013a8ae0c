package config

import "fmt"

// Cache configures the caching of subgraph answers by their @cacheControl
// hints: entities per subgraph, type, key and selected fields, root fields
// per subgraph, field and arguments. Nil (no `cache:` key) caches nothing
// and adds nothing to the request path.
type Cache struct {
	// Store keeps the entries: redis (default when `redis:` is configured:
	// shared by every replica) or memory (this process only).
	Store string `yaml:"store" enum:"redis,memory"`
	// MaxEntries caps the entries the memory store keeps (default 100000).
	MaxEntries int `yaml:"max_entries"`
	// MaxBytes caps the bytes of the entries the memory store keeps
	// (default 64 MiB); the least recently used are dropped first.
	MaxBytes int64 `yaml:"max_bytes"`
	// MaxEntryBytes caps one entry (default 1 MiB): a larger answer is not
	// cached.
	MaxEntryBytes int `yaml:"max_entry_bytes"`
	// InvalidatePath serves POST purges, guarded by the registry token
	// (default /cache/invalidate). No token configured: not served.
	InvalidatePath string `yaml:"invalidate_path"`
}

// Cache defaults.
const (
	DefaultCacheMaxEntries    = 100000
	DefaultCacheMaxBytes      = 64 << 20
	DefaultCacheMaxEntryBytes = 1 << 20
	DefaultCacheInvalidate    = "/cache/invalidate"
)

func (c *Cache) applyDefaults(redis *Redis) {
	if c == nil {
		return
	}
	if c.Store == "" {
		c.Store = "memory"
		if redis != nil {
			c.Store = "redis"
		}
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = DefaultCacheMaxEntries
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultCacheMaxBytes
	}
	if c.MaxEntryBytes == 0 {
		c.MaxEntryBytes = DefaultCacheMaxEntryBytes
	}
	if c.InvalidatePath == "" {
		c.InvalidatePath = DefaultCacheInvalidate
	}
}

func (c *Cache) validate(probs []string, redis *Redis) []string {
	if c == nil {
		return probs
	}
	switch c.Store {
	case "memory":
	case "redis":
		if redis == nil {
			probs = append(probs, "cache.store: redis needs the redis section")
		}
	default:
		probs = append(probs, fmt.Sprintf("cache.store: %q is not one of redis, memory", c.Store))
	}
	if c.MaxEntries < 0 {
		probs = append(probs, "cache.max_entries: must be positive")
	}
	if c.MaxBytes < 0 {
		probs = append(probs, "cache.max_bytes: must be positive")
	}
	if c.MaxEntryBytes < 0 {
		probs = append(probs, "cache.max_entry_bytes: must be positive")
	}
	if len(c.InvalidatePath) == 0 || c.InvalidatePath[0] != '/' {
		probs = append(probs, fmt.Sprintf("cache.invalidate_path: %q must start with /", c.InvalidatePath))
	}
	return probs
}
