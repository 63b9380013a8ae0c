package config

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// SubgraphSubscriptions is how a subgraph serves subscriptions: the
// gateway sends the subscription field's operation there and completes each
// event it receives. Every key has a default: a subgraph with no
// subscriptions block is reached over WebSocket at its URL.
type SubgraphSubscriptions struct {
	// Protocol is ws (graphql-transport-ws, the default) or sse (graphql-sse,
	// distinct connections).
	Protocol string `yaml:"protocol"`
	// URL is the subscription endpoint, http(s) or ws(s) (default: the
	// subgraph's URL).
	URL string `yaml:"url"`
	// ForwardInitPayload sends the client's connection_init payload in the
	// subgraph's connection_init (ws only; default false).
	ForwardInitPayload bool `yaml:"forward_init_payload"`
	// ConnectTimeout bounds connecting and the subgraph's acknowledgement
	// (default 10s).
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	// IdleTimeout ends a subscription whose subgraph sends nothing (no
	// event, no pong, no keep-alive) for this long (default 60s); the
	// gateway pings a WebSocket every third of it.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxEventBytes caps one event from the subgraph (default 8 MiB).
	MaxEventBytes int64 `yaml:"max_event_bytes"`
	// Buffer is how many events one subscription may fall behind before
	// it is ended (default 64).
	Buffer int `yaml:"buffer"`
}

// validateSubgraphSubscriptions checks every subgraphs.NAME.subscriptions.
func (c *Config) validateSubgraphSubscriptions(probs []string) []string {
	names := make([]string, 0, len(c.Subgraphs))
	for n, s := range c.Subgraphs {
		if s.Subscriptions != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		s, key := c.Subgraphs[n].Subscriptions, "subgraphs."+n+".subscriptions."
		switch s.Protocol {
		case "", "ws", "sse":
		default:
			probs = append(probs, fmt.Sprintf("%sprotocol: %q: want ws or sse", key, s.Protocol))
		}
		if s.URL != "" {
			ok := false
			for _, p := range []string{"http://", "https://", "ws://", "wss://"} {
				ok = ok || strings.HasPrefix(s.URL, p)
			}
			if !ok {
				probs = append(probs, fmt.Sprintf("%surl: %q is not an http(s) or ws(s) URL", key, s.URL))
			}
			if s.Protocol == "sse" && (strings.HasPrefix(s.URL, "ws://") || strings.HasPrefix(s.URL, "wss://")) {
				probs = append(probs, fmt.Sprintf("%surl: %q: sse needs an http(s) URL", key, s.URL))
			}
		}
		if s.ForwardInitPayload && s.Protocol == "sse" {
			probs = append(probs, fmt.Sprintf("%sforward_init_payload: sse has no connection_init (use ws)", key))
		}
		for _, d := range []struct {
			name string
			v    time.Duration
		}{{"connect_timeout", s.ConnectTimeout}, {"idle_timeout", s.IdleTimeout}} {
			if d.v < 0 {
				probs = append(probs, fmt.Sprintf("%s%s: %v: want a positive duration (0: the default)", key, d.name, d.v))
			}
		}
		if s.MaxEventBytes < 0 {
			probs = append(probs, fmt.Sprintf("%smax_event_bytes: %d: want a positive number (0: the default)", key, s.MaxEventBytes))
		}
		if s.Buffer < 0 {
			probs = append(probs, fmt.Sprintf("%sbuffer: %d: want a positive number (0: the default)", key, s.Buffer))
		}
	}
	return probs
}
