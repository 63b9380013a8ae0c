package config

import (
	"fmt"
	"time"
)

// Connection settings of the subgraph transport (traffic.connection for
// every subgraph, subgraphs.NAME.connection for one, which gets its own
// connection pool). Zero values keep the defaults.
type Connection struct {
	// H2C speaks HTTP/2 without TLS to http:// subgraph URLs (prior
	// knowledge: the subgraph must speak it). Default false (HTTP/1.1).
	H2C bool `yaml:"h2c"`
	// MaxConnectionsPerHost caps the connections to one host, in use or
	// idle (default 0: no cap); a request past it waits for one.
	MaxConnectionsPerHost int `yaml:"max_connections_per_host"`
	// MaxIdleConnectionsPerHost: idle connections kept per host (default 256).
	MaxIdleConnectionsPerHost int `yaml:"max_idle_connections_per_host"`
	// IdleTimeout closes a connection idle that long (default 90s).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// KeepAlive is the TCP keep-alive probe period (default 30s).
	KeepAlive time.Duration `yaml:"keep_alive"`
	// DialTimeout bounds establishing a connection (default 5s).
	DialTimeout time.Duration `yaml:"dial_timeout"`
}

func (c *Connection) validate(key string, probs []string) []string {
	if c == nil {
		return probs
	}
	if c.MaxConnectionsPerHost < 0 || c.MaxIdleConnectionsPerHost < 0 || c.IdleTimeout < 0 || c.KeepAlive < 0 || c.DialTimeout < 0 {
		probs = append(probs, fmt.Sprintf("%s.connection: values must be positive", key))
	}
	return probs
}

func (c *Config) validateConnections(probs []string) []string {
	probs = c.Traffic.Connection.validate("traffic", probs)
	for _, n := range sortedSubgraphNames(c) {
		probs = c.Subgraphs[n].Connection.validate("subgraphs."+n, probs)
	}
	return probs
}
