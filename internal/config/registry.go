package config

import (
	"fmt"
	"net"
	"os"
	"time"
)

// Registry configures the subgraph registry: Junction serves what teams
// register through its API (/registry/graphql), composing on every change.
// Off unless `junction serve --registry` or enabled here; its API is then
// served through the same limits as /graphql.
type Registry struct {
	// Enabled serves the registry's supergraph and API (like --registry).
	Enabled bool `yaml:"enabled"`
	// Token is required as `Authorization: Bearer <token>` by every
	// registry API request once set (JUNCTION_REGISTRY_TOKEN overrides it).
	// Without a token the API is read-only (junction dev allows mutations
	// from loopback).
	Token string `yaml:"token"`
	// Store is where registrations are kept: file (default) or redis (the
	// top-level redis settings; for several replicas).
	Store string `yaml:"store" enum:"file,redis"`
	// Dir is the file store's directory (default ./junction-registry).
	Dir string `yaml:"dir"`
	// Listen serves the registry API on its own HOST:PORT instead of the
	// main listener; without a token it must be a loopback address.
	Listen string `yaml:"listen"`
	// Poll is how often a replica checks the Redis store's version, so a
	// missed notification is caught up (default 500ms).
	Poll time.Duration `yaml:"poll"`
	// UsageFlush is how often operation usage is written to the store
	// (default 10s).
	UsageFlush time.Duration `yaml:"usage_flush"`
	// UsageWindow is how far back checkSubgraph looks for client
	// operations (default 168h).
	UsageWindow time.Duration `yaml:"usage_window"`
	// UsageMaxEntries caps the (client, version, operation) entries counted
	// between flushes and kept in the store (default 10000).
	UsageMaxEntries int `yaml:"usage_max_entries"`
}

// Registry defaults.
const (
	DefaultRegistryDir  = "./junction-registry"
	DefaultRegistryPoll = 500 * time.Millisecond
)

func (r *Registry) applyDefaults() {
	if r.Store == "" {
		r.Store = "file"
	}
	if r.Dir == "" {
		r.Dir = DefaultRegistryDir
	}
	if r.Poll == 0 {
		r.Poll = DefaultRegistryPoll
	}
}

// TokenValue is the registry token: JUNCTION_REGISTRY_TOKEN when set,
// else registry.token.
func (r *Registry) TokenValue() string {
	if v, ok := os.LookupEnv("JUNCTION_REGISTRY_TOKEN"); ok && v != "" {
		return v
	}
	return r.Token
}

func (r *Registry) validate() []string {
	var probs []string
	if r.Store != "file" && r.Store != "redis" {
		probs = append(probs, fmt.Sprintf("registry.store: %q is not file or redis", r.Store))
	}
	if r.Listen != "" {
		host, _, err := net.SplitHostPort(r.Listen)
		if err != nil {
			probs = append(probs, fmt.Sprintf("registry.listen: %q is not HOST:PORT", r.Listen))
		} else if ip := net.ParseIP(host); r.TokenValue() == "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			probs = append(probs, fmt.Sprintf("registry.listen: %q is not a loopback address: set registry.token to serve the registry API elsewhere", r.Listen))
		}
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"poll", r.Poll}, {"usage_flush", r.UsageFlush}, {"usage_window", r.UsageWindow}} {
		if d.v < 0 {
			probs = append(probs, "registry."+d.key+": must be positive")
		}
	}
	if r.UsageMaxEntries < 0 {
		probs = append(probs, "registry.usage_max_entries: must be positive")
	}
	return probs
}
