package config

import (
	"fmt"
	"time"
)

// Server holds the HTTP server's own bounds: how long a connection may sit
// idle or take to send its headers, how long a response may take to be
// written to a client that does not read, and how many connections may be
// open at once.
type Server struct {
	// ReadHeaderTimeout bounds the time to read a request's headers
	// (default 10s).
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	// IdleTimeout closes a keep-alive connection idle this long
	// (default 60s).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// WriteTimeout bounds the writing of one response once it is ready
	// (default 15s): a client that does not read is dropped.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// MaxConnections caps the open client connections (default 0: the
	// process's descriptor limit less a reserve for subgraph connections,
	// at most 10000); past it, new connections wait in the listen queue.
	MaxConnections int `yaml:"max_connections"`
}

// Shutdown holds what happens on SIGTERM/SIGINT: /ready turns 503, every
// response closes its connection, after drain_delay the listener closes,
// and requests in flight have grace to finish.
type Shutdown struct {
	// Grace bounds the wait for requests in flight (default: the request
	// timeout + 5s, so that a request that started has its whole time).
	Grace time.Duration `yaml:"grace"`
	// DrainDelay keeps accepting and serving (with Connection: close and
	// /ready answering 503) this long before the listener closes, so that
	// load balancers and keep-alive clients move on first (default 1s).
	DrainDelay *time.Duration `yaml:"drain_delay"`
}

// Health holds the optional subgraph health probes behind /ready.
type Health struct {
	// ProbeSubgraphs sends `{__typename}` to every subgraph every
	// probe_interval; /ready answers 503 while one of them fails
	// (default false: /ready reflects only the gateway).
	ProbeSubgraphs bool `yaml:"probe_subgraphs"`
	// ProbeInterval is the time between probes (default 10s).
	ProbeInterval time.Duration `yaml:"probe_interval"`
	// ProbeTimeout bounds one probe (default 2s).
	ProbeTimeout time.Duration `yaml:"probe_timeout"`
}

// Defaults of the runtime bounds (the request and response size ones are
// in Limits).
const (
	defaultReadHeaderTimeout     = 10 * time.Second
	defaultIdleTimeout           = 60 * time.Second
	defaultWriteTimeout          = 15 * time.Second
	defaultDrainDelay            = time.Second
	defaultProbeInterval         = 10 * time.Second
	defaultProbeTimeout          = 2 * time.Second
	defaultMaxResponseBytes      = 8 << 20
	defaultMaxMergedBytes        = 32 << 20
	defaultMaxConcurrentRequests = 256
	defaultQueueTimeout          = time.Second
	// The body bounds equal internal/server's library defaults
	// (server.DefaultMaxBodyBytes, server.DefaultReadTimeout; checked by
	// TestDefaultsHandedDown: server's tests import config, so config
	// cannot import server).
	defaultMaxBodyBytes = 2 << 20
	defaultBodyTimeout  = 30 * time.Second
)

func (c *Config) applyRuntimeDefaults() {
	s := &c.Server
	setDuration(&s.ReadHeaderTimeout, defaultReadHeaderTimeout)
	setDuration(&s.IdleTimeout, defaultIdleTimeout)
	setDuration(&s.WriteTimeout, defaultWriteTimeout)
	setDuration(&c.Shutdown.Grace, c.Traffic.RequestTimeout+5*time.Second)
	if c.Shutdown.DrainDelay == nil {
		d := defaultDrainDelay
		c.Shutdown.DrainDelay = &d
	}
	setDuration(&c.Health.ProbeInterval, defaultProbeInterval)
	setDuration(&c.Health.ProbeTimeout, defaultProbeTimeout)
	l := &c.Limits
	if l.MaxResponseBytes == 0 {
		l.MaxResponseBytes = defaultMaxResponseBytes
	}
	if l.MaxMergedBytes == 0 {
		l.MaxMergedBytes = defaultMaxMergedBytes
	}
	if l.MaxConcurrentRequests == 0 {
		l.MaxConcurrentRequests = defaultMaxConcurrentRequests
	}
	setDuration(&l.QueueTimeout, defaultQueueTimeout)
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// validateRuntime appends the problems of the runtime keys to probs.
func (c *Config) validateRuntime(probs []string) []string {
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"server.read_header_timeout", c.Server.ReadHeaderTimeout}, {"server.idle_timeout", c.Server.IdleTimeout},
		{"server.write_timeout", c.Server.WriteTimeout}, {"shutdown.grace", c.Shutdown.Grace},
		{"health.probe_interval", c.Health.ProbeInterval}, {"health.probe_timeout", c.Health.ProbeTimeout},
		{"limits.queue_timeout", c.Limits.QueueTimeout},
	} {
		if d.v < 0 {
			probs = append(probs, d.key+": must be positive")
		}
	}
	if c.Shutdown.DrainDelay != nil && *c.Shutdown.DrainDelay < 0 {
		probs = append(probs, "shutdown.drain_delay: must be 0 or more")
	}
	for _, n := range []struct {
		key string
		v   int64
	}{
		{"server.max_connections", int64(c.Server.MaxConnections)}, {"limits.max_response_bytes", c.Limits.MaxResponseBytes},
		{"limits.max_merged_bytes", c.Limits.MaxMergedBytes}, {"limits.max_concurrent_requests", int64(c.Limits.MaxConcurrentRequests)},
	} {
		if n.v < 0 {
			probs = append(probs, n.key+": must be positive")
		}
	}
	if c.Shutdown.Grace > 0 && c.Traffic.RequestTimeout > 0 && c.Shutdown.Grace < c.Traffic.RequestTimeout {
		probs = append(probs, fmt.Sprintf("shutdown.grace: %v is shorter than traffic.request_timeout (%v): requests in flight at shutdown would be cut", c.Shutdown.Grace, c.Traffic.RequestTimeout))
	}
	return probs
}
