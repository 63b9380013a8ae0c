package traffic

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/junction-gateway/junction/executor"
)

// Retry configures retries of failed subgraph queries.
type Retry struct {
	// MaxAttempts is the number of attempts in all (first included);
	// 1 or less disables retries.
	MaxAttempts int
	// Backoff is the wait before the first retry (default 50ms), doubled
	// for each next one up to MaxBackoff (default 1s), with jitter.
	Backoff, MaxBackoff time.Duration
	// BudgetRatio is the share of requests that may be retried (default
	// 0.2); MinPerSecond retries per second are allowed whatever the
	// ratio (default 10).
	BudgetRatio  float64
	MinPerSecond float64
}

// Breaker configures a circuit breaker.
type Breaker struct {
	Enabled bool
	// ErrorRate opens the breaker (default 0.5) once MinRequests (default
	// 20) requests were seen in Window (default 10s).
	ErrorRate   float64
	MinRequests int
	Window      time.Duration
	// OpenFor is how long it stays open before probing (default 5s).
	OpenFor time.Duration
	// HalfOpenProbes is the number of requests let through while
	// half-open (default 1).
	HalfOpenProbes int
}

// Policy is the traffic policy of one subgraph.
type Policy struct {
	Retry   Retry
	Breaker Breaker
}

func (p Policy) active() bool { return p.Retry.MaxAttempts > 1 || p.Breaker.Enabled }

func (p Policy) withDefaults() Policy {
	r := &p.Retry
	if r.Backoff <= 0 {
		r.Backoff = 50 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = time.Second
	}
	if r.BudgetRatio <= 0 {
		r.BudgetRatio = 0.2
	}
	if r.MinPerSecond <= 0 {
		r.MinPerSecond = 10
	}
	b := &p.Breaker
	if b.ErrorRate <= 0 || b.ErrorRate > 1 {
		b.ErrorRate = 0.5
	}
	if b.MinRequests <= 0 {
		b.MinRequests = 20
	}
	if b.Window <= 0 {
		b.Window = 10 * time.Second
	}
	if b.OpenFor <= 0 {
		b.OpenFor = 5 * time.Second
	}
	if b.HalfOpenProbes <= 0 {
		b.HalfOpenProbes = 1
	}
	return p
}

// Middleware applies a Policy per subgraph. Build it with New.
type Middleware struct {
	def Policy
	per map[string]Policy
	now func() time.Time

	mu    sync.Mutex
	state map[string]*subgraphState
}

// New returns the middleware: def for every subgraph, per overriding it by
// subgraph name (a subgraph's entry replaces def whole).
func New(def Policy, per map[string]Policy) *Middleware {
	m := &Middleware{def: def, per: map[string]Policy{}, now: time.Now, state: map[string]*subgraphState{}}
	for k, v := range per {
		m.per[k] = v
	}
	return m
}

// Active reports whether any subgraph has retries or a breaker: an
// inactive middleware need not be installed at all.
func (m *Middleware) Active() bool {
	if m.def.active() {
		return true
	}
	for _, p := range m.per {
		if p.active() {
			return true
		}
	}
	return false
}

// Name names the plugin.
func (m *Middleware) Name() string { return "traffic" }

// WrapClient implements gateway.ClientMiddleware.
func (m *Middleware) WrapClient(next executor.Client) executor.Client {
	return &client{m: m, next: next}
}

func (m *Middleware) policy(service string) Policy {
	if p, ok := m.per[service]; ok {
		return p
	}
	return m.def
}

func (m *Middleware) stateOf(service string, p Policy) *subgraphState {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.state[service]
	if !ok {
		s = &subgraphState{p: p.withDefaults(), now: m.now}
		s.tokens = s.p.Retry.MinPerSecond
		s.refilled = m.now()
		m.state[service] = s
	}
	return s
}

type client struct {
	m    *Middleware
	next executor.Client
}

func (c *client) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	p := c.m.policy(req.Service)
	if !p.active() {
		return c.next.Do(ctx, req)
	}
	s := c.m.stateOf(req.Service, p)
	attempts := 1
	if !req.Mutation && s.p.Retry.MaxAttempts > 1 {
		attempts = s.p.Retry.MaxAttempts
	}
	s.deposit()
	backoff := s.p.Retry.Backoff
	for i := 1; ; i++ {
		probe, err := s.admit()
		if err != nil {
			return nil, err
		}
		body, err := c.next.Do(ctx, req)
		s.record(probe, outcome(ctx, err))
		if err == nil || i >= attempts || !retryable(ctx, err) || !s.withdraw() {
			return body, err
		}
		// Jittered exponential backoff, within the request's deadline.
		wait := backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1))
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return body, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return body, err
		case <-t.C:
		}
		if backoff *= 2; backoff > s.p.Retry.MaxBackoff {
			backoff = s.p.Retry.MaxBackoff
		}
	}
}

type result int

const (
	success result = iota
	failure
	ignored // the client gave up: says nothing about the subgraph
)

func outcome(ctx context.Context, err error) result {
	if err == nil {
		return success
	}
	if errors.Is(err, context.Canceled) || ctx.Err() == context.Canceled {
		return ignored
	}
	var se *executor.StatusError
	if errors.As(err, &se) && se.StatusCode < 500 {
		return success // the subgraph is up; the request was refused
	}
	return failure
}

// retryable: may the round trip be sent again?
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var se *executor.StatusError
	if errors.As(err, &se) {
		switch se.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return errors.Is(err, executor.ErrSubgraphTransport) && !errors.Is(err, executor.ErrResponseTooLarge)
}
