package config

import (
	"fmt"
	"time"
)

// Subscriptions configures the client transports of GraphQL subscriptions:
// WebSocket (graphql-transport-ws and the legacy graphql-ws), Server-Sent
// Events (graphql-sse, distinct connections) and multipart/mixed as Apollo
// Client speaks it. Every key bounds what one client can make the gateway
// hold.
type Subscriptions struct {
	// Enabled serves the subscription transports (default true); false
	// refuses WebSocket upgrades and event streams, and subscriptions are
	// answered SUBSCRIPTION_NOT_SUPPORTED.
	Enabled *bool `yaml:"enabled"`
	// MaxPerConnection caps the operations running at once on one
	// WebSocket (default 100); one more is answered with an error
	// (SUBSCRIPTION_LIMIT_EXCEEDED) and the socket stays open.
	MaxPerConnection int `yaml:"max_per_connection"`
	// MaxPerClient caps the subscriptions running at once for one client
	// IP address, over every transport (default 1000).
	MaxPerClient int `yaml:"max_per_client"`
	// InitTimeout is the time a WebSocket client has to send
	// connection_init after the upgrade (default 10s); then it is closed
	// with 4408.
	InitTimeout time.Duration `yaml:"init_timeout"`
	// KeepAlive is the interval of keep-alive messages (default 10s):
	// ping (graphql-transport-ws), ka (graphql-ws), a comment (SSE), an
	// empty {} part (multipart). A WebSocket whose client does not answer a
	// WebSocket ping within this interval is closed.
	KeepAlive time.Duration `yaml:"keep_alive"`
	// IdleTimeout closes a WebSocket that has run no operation for this
	// long (default 5m; close code 1000).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// WriteTimeout bounds the writing of one message to a client (default
	// 10s); a client that does not read is dropped.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// QueueSize is the number of messages waiting to be written to one
	// connection (default 64). A client that lets its queue fill is
	// dropped (WebSocket close code 1008, an HTTP stream is cut) rather
	// than buffered without bound.
	QueueSize int `yaml:"queue_size"`
}

// Defaults of the subscription transports.
const (
	defaultSubsMaxPerConnection = 100
	defaultSubsMaxPerClient     = 1000
	defaultSubsInitTimeout      = 10 * time.Second
	defaultSubsKeepAlive        = 10 * time.Second
	defaultSubsIdleTimeout      = 5 * time.Minute
	defaultSubsWriteTimeout     = 10 * time.Second
	defaultSubsQueueSize        = 64
)

func (s *Subscriptions) applyDefaults() {
	if s.Enabled == nil {
		s.Enabled = boolPtr(true)
	}
	if s.MaxPerConnection == 0 {
		s.MaxPerConnection = defaultSubsMaxPerConnection
	}
	if s.MaxPerClient == 0 {
		s.MaxPerClient = defaultSubsMaxPerClient
	}
	if s.QueueSize == 0 {
		s.QueueSize = defaultSubsQueueSize
	}
	setDuration(&s.InitTimeout, defaultSubsInitTimeout)
	setDuration(&s.KeepAlive, defaultSubsKeepAlive)
	setDuration(&s.IdleTimeout, defaultSubsIdleTimeout)
	setDuration(&s.WriteTimeout, defaultSubsWriteTimeout)
}

func (s *Subscriptions) validate(probs []string) []string {
	for _, v := range []struct {
		key string
		n   int
	}{{"max_per_connection", s.MaxPerConnection}, {"max_per_client", s.MaxPerClient}, {"queue_size", s.QueueSize}} {
		if v.n < 0 {
			probs = append(probs, fmt.Sprintf("subscriptions.%s: %d: want a positive number (0: the default)", v.key, v.n))
		}
	}
	for _, v := range []struct {
		key string
		d   time.Duration
	}{{"init_timeout", s.InitTimeout}, {"keep_alive", s.KeepAlive}, {"idle_timeout", s.IdleTimeout}, {"write_timeout", s.WriteTimeout}} {
		if v.d < 0 {
			probs = append(probs, fmt.Sprintf("subscriptions.%s: %v: want a positive duration (0: the default)", v.key, v.d))
		}
	}
	return probs
}

// SubscriptionsEnabled reports whether the subscription transports are
// served (default true).
func (c *Config) SubscriptionsEnabled() bool {
	return c.Subscriptions.Enabled == nil || *c.Subscriptions.Enabled
}
