package config

import (
	"fmt"
	"time"
)

// Retry configures retries of failed subgraph queries (never mutations):
// transport failures and 502/503/504 answers are sent again, within the
// request's deadline and a retry budget. Off unless max_attempts > 1.
type Retry struct {
	// MaxAttempts counts every attempt, the first included (0 or 1: no retry).
	MaxAttempts int `yaml:"max_attempts"`
	// Backoff before the first retry (default 50ms), doubled up to MaxBackoff (default 1s).
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// BudgetRatio is the share of requests that may be retried (default
	// 0.2); MinPerSecond retries per second are always allowed (default 10).
	BudgetRatio  float64 `yaml:"budget_ratio"`
	MinPerSecond float64 `yaml:"min_per_second"`
}

// CircuitBreaker stops asking a subgraph that fails: once min_requests
// were seen in window and the share of failures reaches error_rate, its
// fields answer null with an error at once for open_for, then
// half_open_probes requests probe it.
type CircuitBreaker struct {
	Enabled        bool          `yaml:"enabled"`
	ErrorRate      float64       `yaml:"error_rate"`       // default 0.5
	MinRequests    int           `yaml:"min_requests"`     // default 20
	Window         time.Duration `yaml:"window"`           // default 10s
	OpenFor        time.Duration `yaml:"open_for"`         // default 5s
	HalfOpenProbes int           `yaml:"half_open_probes"` // default 1
}

func validateShaping(key string, r *Retry, b *CircuitBreaker, probs []string) []string {
	if r != nil {
		if r.MaxAttempts < 0 || r.Backoff < 0 || r.MaxBackoff < 0 || r.BudgetRatio < 0 || r.MinPerSecond < 0 {
			probs = append(probs, key+".retry: values must be positive")
		}
		if r.MaxAttempts > 10 {
			probs = append(probs, fmt.Sprintf("%s.retry.max_attempts: %d is more than 10", key, r.MaxAttempts))
		}
	}
	if b != nil {
		if b.ErrorRate < 0 || b.ErrorRate > 1 {
			probs = append(probs, fmt.Sprintf("%s.circuit_breaker.error_rate: %v is not between 0 and 1", key, b.ErrorRate))
		}
		if b.MinRequests < 0 || b.Window < 0 || b.OpenFor < 0 || b.HalfOpenProbes < 0 {
			probs = append(probs, key+".circuit_breaker: values must be positive")
		}
	}
	return probs
}
