package config

import (
	"fmt"
	"strings"
	"time"
)

// RateLimits configures rate limiting: the @rateLimit directives of the
// supergraph and the request-level limits below. Nil (no `rate_limits:`
// key) adds nothing to the request path and enforces no @rateLimit (a
// warning says so at startup); `rate_limits: {}` enforces them with the
// defaults.
type RateLimits struct {
	// Store keeps the counts: redis (default when `redis:` is configured:
	// exact across every replica sharing it) or memory (this process only).
	Store string `yaml:"store" enum:"redis,memory"`
	// Fail decides what happens while the store is unreachable: open
	// (default: requests are not limited) or closed (limited fields and
	// requests are refused with RATE_LIMITED; /ready reports the store).
	Fail string `yaml:"fail" enum:"open,closed"`
	// MaxLimit caps the max of any limit, schema or config (default
	// 100000): each hit in a window is kept until it leaves the window.
	MaxLimit int `yaml:"max_limit"`
	// MemoryKeys caps the keys (limit × caller) the memory store keeps
	// (default 100000); the least recently used is dropped first.
	MemoryKeys int `yaml:"memory_keys"`
	// Requests are request-level limits, checked before parsing; each
	// request counts one hit against each.
	Requests []RequestLimit `yaml:"requests"`
}

// RequestLimit is one request-level limit.
type RequestLimit struct {
	// By keys the limit: ip (the client address), user (the token's
	// subject, or the client IP when anonymous), client (the
	// apollographql-client-name header), global, header:NAME or claim:NAME.
	By string `yaml:"by"`
	// Max requests per Window.
	Max int `yaml:"max"`
	// Window is the sliding window (e.g. 1s, 1m).
	Window time.Duration `yaml:"window"`
}

// Rate limit defaults.
const (
	DefaultRateLimitMaxLimit   = 100000
	DefaultRateLimitMemoryKeys = 100000
)

func (r *RateLimits) applyDefaults(redis *Redis) {
	if r == nil {
		return
	}
	if r.Store == "" {
		r.Store = "memory"
		if redis != nil {
			r.Store = "redis"
		}
	}
	if r.Fail == "" {
		r.Fail = "open"
	}
	if r.MaxLimit == 0 {
		r.MaxLimit = DefaultRateLimitMaxLimit
	}
	if r.MemoryKeys == 0 {
		r.MemoryKeys = DefaultRateLimitMemoryKeys
	}
}

// ValidRateLimitBy reports whether by is a valid `by` of a limit.
func ValidRateLimitBy(by string) bool {
	switch by {
	case "ip", "user", "client", "global":
		return true
	}
	if name, ok := strings.CutPrefix(by, "header:"); ok {
		return name != ""
	}
	if name, ok := strings.CutPrefix(by, "claim:"); ok {
		return name != ""
	}
	return false
}

func (r *RateLimits) validate(probs []string, redis *Redis) []string {
	if r == nil {
		return probs
	}
	switch r.Store {
	case "memory":
	case "redis":
		if redis == nil {
			probs = append(probs, "rate_limits.store: redis needs the redis section")
		}
	default:
		probs = append(probs, fmt.Sprintf("rate_limits.store: %q is not one of redis, memory", r.Store))
	}
	if r.Fail != "open" && r.Fail != "closed" {
		probs = append(probs, fmt.Sprintf("rate_limits.fail: %q is not one of open, closed", r.Fail))
	}
	if r.MaxLimit < 0 {
		probs = append(probs, "rate_limits.max_limit: must be positive")
	}
	if r.MemoryKeys < 0 {
		probs = append(probs, "rate_limits.memory_keys: must be positive")
	}
	for i, l := range r.Requests {
		key := fmt.Sprintf("rate_limits.requests[%d]", i)
		if !ValidRateLimitBy(l.By) {
			probs = append(probs, fmt.Sprintf("%s.by: %q is not one of ip, user, client, global, header:NAME, claim:NAME", key, l.By))
		}
		if l.Max < 1 || l.Max > r.MaxLimit {
			probs = append(probs, fmt.Sprintf("%s.max: %d is not between 1 and rate_limits.max_limit (%d)", key, l.Max, r.MaxLimit))
		}
		if l.Window <= 0 {
			probs = append(probs, key+".window: must be positive (e.g. 1s, 1m)")
		}
	}
	return probs
}
