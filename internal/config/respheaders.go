package config

import (
	"fmt"
	"net/http"
	"strings"
)

// ResponseHeaders says which headers of subgraph answers reach the client
// (headers.response for every subgraph, subgraphs.NAME.headers.response
// added for one). Nothing passes by default.
type ResponseHeaders struct {
	// Propagate names headers copied to the client response (every
	// distinct value the answers carried).
	Propagate []string `yaml:"propagate"`
	// CacheControl merges the answers' Cache-Control, the most restrictive
	// winning (min max-age, private over public, no-store over all; an
	// answer without one counts as no-store), with the cache's own.
	CacheControl bool `yaml:"cache_control"`
	// SetCookie passes Set-Cookie through (default false).
	SetCookie bool `yaml:"set_cookie"`
}

// hopByHop are never passed back: they describe a connection or a body
// the gateway writes itself.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Content-Length": true,
	"Content-Encoding": true, "Content-Type": true, "Upgrade": true, "Trailer": true, "Te": true,
	"Cache-Control": true, "Set-Cookie": true,
}

func (r ResponseHeaders) validate(key string, probs []string) []string {
	for i, n := range r.Propagate {
		c := http.CanonicalHeaderKey(strings.TrimSpace(n))
		switch {
		case c == "" || strings.ContainsAny(c, " :\t"):
			probs = append(probs, fmt.Sprintf("%s.response.propagate[%d]: %q is not a header name", key, i, n))
		case c == "Cache-Control" || c == "Set-Cookie":
			probs = append(probs, fmt.Sprintf("%s.response.propagate[%d]: %s has its own switch (%s)", key, i, c,
				map[string]string{"Cache-Control": "cache_control: true", "Set-Cookie": "set_cookie: true"}[c]))
		case hopByHop[c]:
			probs = append(probs, fmt.Sprintf("%s.response.propagate[%d]: %s is the gateway's own", key, i, c))
		}
	}
	return probs
}

func (c *Config) validateResponseHeaders(probs []string) []string {
	probs = c.Headers.Response.validate("headers", probs)
	for _, n := range sortedSubgraphNames(c) {
		probs = c.Subgraphs[n].Headers.Response.validate("subgraphs."+n+".headers", probs)
	}
	return probs
}
