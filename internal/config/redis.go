package config

import (
	"fmt"
	"net"
	"net/url"
	"time"
)

// Redis configures the Redis shared by rate limits, caches, APQ and the
// registry store. Nil (no `redis:` key) means every feature keeps its state
// in memory, in one process.
//
// Exactly one of URL and Addrs names the server(s):
//
//	url: redis://user:pass@host:6379/0      one server (rediss:// for TLS)
//	addrs: [h1:26379, h2:26379]             with master_name: Sentinel
//	addrs: [h1:6379, h2:6379]               two or more: a cluster
//	addrs: [h1:6379], cluster: true         a cluster behind one endpoint
//
// Secrets may come from the environment: password: ${REDIS_PASSWORD}.
type Redis struct {
	// URL is redis://, rediss:// (TLS) or unix:// with user, password and
	// database in the URL as go-redis reads them.
	URL string `yaml:"url"`
	// Addrs lists HOST:PORT seeds: Sentinels (with MasterName) or cluster nodes.
	Addrs []string `yaml:"addrs"`
	// MasterName is the Sentinel master's name.
	MasterName string `yaml:"master_name"`
	// Cluster forces cluster mode with a single address.
	Cluster bool `yaml:"cluster"`
	// Username and Password (ACL); they override the URL's.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// SentinelPassword authenticates to the Sentinels.
	SentinelPassword string `yaml:"sentinel_password"`
	// DB selects the database (not with a cluster); overrides the URL's when set.
	DB int `yaml:"db"`
	// TLS turns TLS on for addrs (rediss:// in URL does the same).
	TLS bool `yaml:"tls"`
	// TLSServerName overrides the name checked in the server certificate.
	TLSServerName string `yaml:"tls_server_name"`
	// TLSInsecureSkipVerify disables certificate checks (tests only).
	TLSInsecureSkipVerify bool `yaml:"tls_insecure_skip_verify"`
	// PoolSize is the connection pool per node (default 10 per CPU).
	PoolSize int `yaml:"pool_size"`
	// DialTimeout (default 500ms), ReadTimeout and WriteTimeout (default
	// 250ms each) are short so that a slow Redis never stalls a request:
	// past them the operation counts as a Redis failure (a cache miss, a
	// rate limit failing open or closed as configured).
	DialTimeout  time.Duration `yaml:"dial_timeout"`
	ReadTimeout  time.Duration `yaml:"read_timeout"`
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// KeyPrefix starts every key Junction writes (default "junction:"), so
	// that several gateways or environments can share one Redis.
	KeyPrefix string `yaml:"key_prefix"`
}

// Redis defaults.
const (
	DefaultRedisDialTimeout  = 500 * time.Millisecond
	DefaultRedisReadTimeout  = 250 * time.Millisecond
	DefaultRedisWriteTimeout = 250 * time.Millisecond
	DefaultRedisKeyPrefix    = "junction:"
)

// applyRedisEnv applies JUNCTION_REDIS_URL (it replaces url and addrs).
func (c *Config) applyRedisEnv(lookup func(string) (string, bool)) {
	if v, ok := lookup("JUNCTION_REDIS_URL"); ok && v != "" {
		if c.Redis == nil {
			c.Redis = &Redis{}
		}
		c.Redis.URL, c.Redis.Addrs = v, nil
	}
}

func (r *Redis) applyDefaults() {
	if r == nil {
		return
	}
	if r.DialTimeout == 0 {
		r.DialTimeout = DefaultRedisDialTimeout
	}
	if r.ReadTimeout == 0 {
		r.ReadTimeout = DefaultRedisReadTimeout
	}
	if r.WriteTimeout == 0 {
		r.WriteTimeout = DefaultRedisWriteTimeout
	}
	if r.KeyPrefix == "" {
		r.KeyPrefix = DefaultRedisKeyPrefix
	}
}

// validate appends the redis section's problems to probs.
func (r *Redis) validate(probs []string) []string {
	if r == nil {
		return probs
	}
	switch {
	case r.URL == "" && len(r.Addrs) == 0:
		probs = append(probs, "redis: set url or addrs")
	case r.URL != "" && len(r.Addrs) > 0:
		probs = append(probs, "redis: set url or addrs, not both")
	case r.URL != "":
		u, err := url.Parse(r.URL)
		if err != nil {
			probs = append(probs, "redis.url: not a URL (redis://HOST:PORT/DB, rediss:// or unix://)")
			break
		}
		switch u.Scheme {
		case "redis", "rediss", "unix":
		default:
			probs = append(probs, fmt.Sprintf("redis.url: scheme %q is not redis, rediss or unix", u.Scheme))
		}
		if r.MasterName != "" {
			probs = append(probs, "redis.master_name: needs addrs (the Sentinels), not url")
		}
	default:
		for i, a := range r.Addrs {
			if _, _, err := net.SplitHostPort(a); err != nil {
				probs = append(probs, fmt.Sprintf("redis.addrs[%d]: %q is not HOST:PORT", i, a))
			}
		}
	}
	if r.MasterName != "" && r.Cluster {
		probs = append(probs, "redis: master_name (Sentinel) and cluster exclude each other")
	}
	if r.DB < 0 {
		probs = append(probs, "redis.db: must be 0 or more")
	}
	if r.PoolSize < 0 {
		probs = append(probs, "redis.pool_size: must be positive")
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"dial_timeout", r.DialTimeout}, {"read_timeout", r.ReadTimeout}, {"write_timeout", r.WriteTimeout}} {
		if d.v < 0 {
			probs = append(probs, "redis."+d.key+": must be positive")
		}
	}
	return probs
}
