package redisclient

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// DefaultBackoff is how long Health skips Redis after a failure before it
// lets one request try again.
const DefaultBackoff = time.Second

// Health follows the state of one Redis user (the rate limiter, the
// cache): after a failure it reports Redis down for a backoff, during
// which Allow is false except for one probe per backoff, so that requests
// do not each wait for a dial timeout while Redis is gone. It logs once
// when an incident starts and once when it ends. Safe for concurrent use;
// the zero value is not usable, use NewHealth.
type Health struct {
	user    string
	log     *slog.Logger
	backoff time.Duration
	now     func() time.Time

	downSince atomic.Int64 // unix nanoseconds; 0 while up
	nextTry   atomic.Int64 // unix nanoseconds of the next probe while down
	failures  atomic.Uint64
	incidents atomic.Uint64

	failCounter     metric.Int64Counter
	incidentCounter metric.Int64Counter
	attrs           metric.MeasurementOption
}

// NewHealth returns the health of user (named in logs and metrics).
// A nil log discards; backoff 0 is DefaultBackoff.
func NewHealth(user string, log *slog.Logger, backoff time.Duration) *Health {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if backoff <= 0 {
		backoff = DefaultBackoff
	}
	m := otel.Meter("github.com/junction-gateway/junction/internal/redisclient")
	fc, _ := m.Int64Counter("junction.redis.failures", metric.WithDescription("Redis commands that failed or were skipped while Redis was down"))
	ic, _ := m.Int64Counter("junction.redis.incidents", metric.WithDescription("times Redis became unavailable"))
	return &Health{
		user: user, log: log, backoff: backoff, now: time.Now,
		failCounter: fc, incidentCounter: ic,
		attrs: metric.WithAttributes(attribute.String("user", user)),
	}
}

// Allow reports whether to try Redis now: always while it is up; while it
// is down, true for one caller per backoff (the probe).
func (h *Health) Allow() bool {
	if h.downSince.Load() == 0 {
		return true
	}
	now := h.now().UnixNano()
	next := h.nextTry.Load()
	if now < next {
		h.failures.Add(1)
		h.failCounter.Add(context.Background(), 1, h.attrs)
		return false
	}
	return h.nextTry.CompareAndSwap(next, now+int64(h.backoff))
}

// Failure records a failed Redis command; the first of an incident logs.
func (h *Health) Failure(err error) {
	now := h.now().UnixNano()
	h.failures.Add(1)
	h.failCounter.Add(context.Background(), 1, h.attrs)
	h.nextTry.Store(now + int64(h.backoff))
	if h.downSince.CompareAndSwap(0, now) {
		h.incidents.Add(1)
		h.incidentCounter.Add(context.Background(), 1, h.attrs)
		h.log.Warn("redis unavailable", "user", h.user, "err", err, "retry_every", h.backoff)
	}
}

// Success records a command that worked; it ends an incident (and logs).
func (h *Health) Success() {
	since := h.downSince.Load()
	if since != 0 && h.downSince.CompareAndSwap(since, 0) {
		h.log.Info("redis available again", "user", h.user, "down_for", time.Duration(h.now().UnixNano()-since).Round(time.Millisecond))
	}
}

// Up reports whether the last command worked (or none failed yet).
func (h *Health) Up() bool { return h.downSince.Load() == 0 }

// Stats is what Health has counted.
type Stats struct {
	Failures  uint64 // failed or skipped commands
	Incidents uint64 // times Redis went down
}

// Stats returns the counts so far.
func (h *Health) Stats() Stats {
	return Stats{Failures: h.failures.Load(), Incidents: h.incidents.Load()}
}
