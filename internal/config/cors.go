package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// CORS is the cross-origin policy of the GraphQL endpoint. By default (no
// `cors:` key) no foreign origin is allowed: only pages served by Junction
// itself (the playground) can read its answers in a browser.
type CORS struct {
	// AllowOrigins lists allowed origins, exactly ("https://app.example.com")
	// or with "*" in the host ("https://*.example.com"); "*" alone allows
	// any origin (not with allow_credentials).
	AllowOrigins []string `yaml:"allow_origins"`
	// MatchOrigins lists regular expressions an origin may match instead.
	MatchOrigins []string `yaml:"match_origins"`
	// AllowCredentials lets browsers send cookies and HTTP authentication.
	AllowCredentials bool `yaml:"allow_credentials"`
	// AllowHeaders lists the request headers allowed in a preflight; empty
	// allows what the preflight asks for.
	AllowHeaders []string `yaml:"allow_headers"`
	// ExposeHeaders lists response headers scripts may read (X-Request-Id
	// always is).
	ExposeHeaders []string `yaml:"expose_headers"`
	// MaxAge is how long a browser may cache a preflight (default 10m).
	MaxAge time.Duration `yaml:"max_age"`
}

// CSRF configures the prevention of cross-site request forgery: a GraphQL
// request that a browser could send without a CORS preflight (GET, or a
// POST with a form or text/plain content type, or none) is refused unless
// it carries one of RequiredHeaders.
type CSRF struct {
	// Prevent is "auto" (the default: on whenever credentials ride along
	// ambiently, that is when authentication reads a cookie or
	// cors.allow_credentials is set), "on" or "off".
	Prevent string `yaml:"prevent"`
	// RequiredHeaders mark a request as sent after a preflight (default
	// x-apollo-operation-name and apollo-require-preflight, as Apollo's
	// clients send them).
	RequiredHeaders []string `yaml:"required_headers"`
}

// CSRFOn decides CSRF prevention; ambient is true when a cookie is read for
// authentication.
func (c *Config) CSRFOn(ambient bool) bool {
	switch c.CSRF.Prevent {
	case "on":
		return true
	case "off":
		return false
	}
	return ambient || c.CORS.AllowCredentials
}

// CompiledMatchOrigins compiles cors.match_origins (Validate reports errors).
func (c *CORS) CompiledMatchOrigins() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, p := range c.MatchOrigins {
		if re, err := regexp.Compile(p); err == nil {
			out = append(out, re)
		}
	}
	return out
}

func (c *Config) validateCORS(probs []string) []string {
	for i, o := range c.CORS.AllowOrigins {
		switch {
		case o == "*" && c.CORS.AllowCredentials:
			probs = append(probs, fmt.Sprintf("cors.allow_origins[%d]: \"*\" cannot be combined with cors.allow_credentials: list the origins", i))
		case o != "*" && !strings.Contains(o, "://"):
			probs = append(probs, fmt.Sprintf("cors.allow_origins[%d]: %q: want scheme://host[:port] (\"*\" allowed in the host)", i, o))
		}
	}
	for i, p := range c.CORS.MatchOrigins {
		if _, err := regexp.Compile(p); err != nil {
			probs = append(probs, fmt.Sprintf("cors.match_origins[%d]: %v", i, err))
		}
	}
	if c.CORS.MaxAge < 0 {
		probs = append(probs, "cors.max_age: must be positive")
	}
	switch c.CSRF.Prevent {
	case "", "auto", "on", "off":
	default:
		probs = append(probs, fmt.Sprintf("csrf.prevent: %q: want auto, on or off", c.CSRF.Prevent))
	}
	return probs
}
