package ratelimit

import (
	"context"
	"errors"
	"time"
)

// ErrStore wraps every failure of a Store (Redis unreachable, slow, or an
// unexpected answer).
var ErrStore = errors.New("rate limit store")

// Hit asks for one slot of the limit Key: at most Max hits in any sliding
// Window.
type Hit struct {
	Key    string
	Max    int
	Window time.Duration
}

// Verdict answers one Hit.
type Verdict struct {
	Allowed bool
	// RetryAfter is, for a refused hit, how long until a slot frees (the
	// oldest hit in the window leaves it).
	RetryAfter time.Duration
}

// Store counts hits in sliding windows (a log of each hit's time, exact:
// a refused hit is not recorded). Take decides every hit of one request
// at once, in order: two hits on the same key take two slots. It fills
// out (len(out) == len(hits)). Implementations are safe for concurrent
// use.
type Store interface {
	Take(ctx context.Context, hits []Hit, out []Verdict) error
}
