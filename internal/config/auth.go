package config

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Authentication configures how callers prove who they are. Nothing is
// read from requests unless a provider is configured.
type Authentication struct {
	JWT JWT `yaml:"jwt"`
}

// JWT configures bearer tokens: JWTs verified with the providers' keys, or
// opaque tokens checked with a provider's introspection endpoint.
type JWT struct {
	// Header the token is read from (default Authorization).
	Header string `yaml:"header"`
	// Prefix before the token in Header (default Bearer; "" after a header
	// other than Authorization means none).
	Prefix *string `yaml:"prefix"`
	// Cookie, when set, is read for the token when Header is absent.
	Cookie string `yaml:"cookie"`
	// Require: a request without a valid token gets 401. Otherwise a
	// request without a token is anonymous (a bad token is always 401).
	Require bool `yaml:"require"`
	// Providers verify tokens; a token is tried against the provider whose
	// issuer or key id matches.
	Providers []JWTProvider `yaml:"providers"`
	// CacheSize caps the verified JWTs remembered (by SHA-256, each at most
	// a minute and never past its exp) so that a token sent again is not
	// verified again (default 10000; -1 turns the cache off).
	CacheSize int `yaml:"cache_size"`
}

// JWTProvider is one token issuer. Exactly one key source is set: Secret,
// PublicKeyFile, JWKSFile, JWKSURL, or Introspection (opaque tokens).
type JWTProvider struct {
	// Name names the provider in messages (required, unique).
	Name string `yaml:"name"`
	// Issuer is checked against the iss claim when set.
	Issuer string `yaml:"issuer"`
	// Audiences: when set, the aud claim must hold one of them.
	Audiences []string `yaml:"audiences"`
	// Algorithms allowed (default: those of the key source: HS256/384/512
	// for a secret, RS*/PS*/ES*/EdDSA for public keys). "none" is refused.
	Algorithms []string `yaml:"algorithms"`
	// JWKSURL is fetched at start and every Refresh, and at once on an
	// unknown kid (at most once per JWKSMinRefresh).
	JWKSURL string `yaml:"jwks_url"`
	// JWKSFile is a JSON Web Key Set read at start.
	JWKSFile string `yaml:"jwks_file"`
	// Secret is an HMAC key (use ${ENV}); at least 32 bytes.
	Secret string `yaml:"secret"`
	// PublicKeyFile is a PEM public key (RSA, ECDSA or Ed25519) or certificate.
	PublicKeyFile string `yaml:"public_key_file"`
	// Leeway allowed on exp, nbf and iat (default 30s).
	Leeway time.Duration `yaml:"leeway"`
	// Refresh is the JWKS URL's refresh period (default 5m).
	Refresh time.Duration `yaml:"refresh"`
	// JWKSMinRefresh is the least time between two fetches of the JWKS URL
	// caused by unknown kids (default 5s).
	JWKSMinRefresh time.Duration `yaml:"jwks_min_refresh"`
	// JWKSTimeout bounds one JWKS fetch (default 5s).
	JWKSTimeout time.Duration `yaml:"jwks_timeout"`
	// JWKSMaxBytes caps a JWKS document (default 1 MiB).
	JWKSMaxBytes int64 `yaml:"jwks_max_bytes"`
	// Introspection validates opaque tokens (RFC 7662).
	Introspection *Introspection `yaml:"introspection"`
}

// Introspection is an OAuth 2.0 token introspection endpoint (RFC 7662).
type Introspection struct {
	// URL of the endpoint (required).
	URL string `yaml:"url"`
	// ClientID and ClientSecret authenticate Junction to it (HTTP Basic).
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// Timeout bounds one call (default 5s).
	Timeout time.Duration `yaml:"timeout"`
	// CacheTTL caps how long an answer is cached (default 5m; an active
	// token is never cached past its exp).
	CacheTTL time.Duration `yaml:"cache_ttl"`
	// CacheSize caps the cached answers (default 10000).
	CacheSize int `yaml:"cache_size"`
	// MaxBytes caps an answer (default 64 KiB).
	MaxBytes int64 `yaml:"max_bytes"`
}

// Authorization configures the enforcement of @authenticated,
// @requiresScopes and @policy. It applies when authentication is
// configured.
type Authorization struct {
	// RejectUnauthorized rejects a whole operation that selects a field the
	// caller may not read (403) instead of answering that field null.
	RejectUnauthorized bool `yaml:"reject_unauthorized"`
	// ScopesClaim is the claim holding the caller's scopes: a
	// space-separated string or an array of strings (default scope).
	ScopesClaim string `yaml:"scopes_claim"`
	// Policies name the @policy policies as CEL expressions over claims
	// (map), scopes (list of strings), authenticated (bool) and request
	// (method, headers: map of lower-case name to first value). A policy
	// that is not configured, fails to evaluate or is not a bool denies.
	Policies map[string]string `yaml:"policies"`
	// Introspection (__schema, __type) shows the whole API schema: what is
	// protected is not secret. public (default): to every caller;
	// authenticated: to callers with a valid token; off: to nobody.
	Introspection string `yaml:"introspection" enum:"public,authenticated,off"`
}

// Enabled reports whether any authentication provider is configured.
func (a *Authentication) Enabled() bool { return len(a.JWT.Providers) > 0 }

func (a *Authentication) applyDefaults() {
	j := &a.JWT
	if j.Header == "" {
		j.Header = "Authorization"
	}
	if j.Prefix == nil {
		p := ""
		if strings.EqualFold(j.Header, "Authorization") {
			p = "Bearer"
		}
		j.Prefix = &p
	}
	if j.CacheSize == 0 {
		j.CacheSize = 10000
	}
	for i := range j.Providers {
		p := &j.Providers[i]
		if p.Leeway == 0 {
			p.Leeway = 30 * time.Second
		}
		if p.Refresh == 0 {
			p.Refresh = 5 * time.Minute
		}
		if p.JWKSMinRefresh == 0 {
			p.JWKSMinRefresh = 5 * time.Second
		}
		if p.JWKSTimeout == 0 {
			p.JWKSTimeout = 5 * time.Second
		}
		if p.JWKSMaxBytes == 0 {
			p.JWKSMaxBytes = 1 << 20
		}
		if in := p.Introspection; in != nil {
			if in.Timeout == 0 {
				in.Timeout = 5 * time.Second
			}
			if in.CacheTTL == 0 {
				in.CacheTTL = 5 * time.Minute
			}
			if in.CacheSize == 0 {
				in.CacheSize = 10000
			}
			if in.MaxBytes == 0 {
				in.MaxBytes = 64 << 10
			}
		}
	}
}

func (a *Authorization) applyDefaults() {
	if a.ScopesClaim == "" {
		a.ScopesClaim = "scope"
	}
	if a.Introspection == "" {
		a.Introspection = "public"
	}
}

// hmacAlgs and publicAlgs are the algorithms each key source allows.
var (
	hmacAlgs   = []string{"HS256", "HS384", "HS512"}
	publicAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

func (a *Authentication) validate(c *Config) []string {
	var probs []string
	seen := map[string]bool{}
	for i, p := range a.JWT.Providers {
		key := fmt.Sprintf("authentication.jwt.providers[%d]", i)
		if p.Name == "" {
			probs = append(probs, key+".name: required")
		} else if seen[p.Name] {
			probs = append(probs, fmt.Sprintf("%s.name: %q is used by another provider", key, p.Name))
		}
		seen[p.Name] = true
		var sources []string
		for _, s := range []struct{ name, v string }{
			{"secret", p.Secret}, {"public_key_file", p.PublicKeyFile}, {"jwks_file", p.JWKSFile}, {"jwks_url", p.JWKSURL},
		} {
			if s.v != "" {
				sources = append(sources, s.name)
			}
		}
		if p.Introspection != nil {
			sources = append(sources, "introspection")
		}
		switch len(sources) {
		case 0:
			probs = append(probs, key+": set one of secret, public_key_file, jwks_file, jwks_url, introspection")
		case 1:
		default:
			probs = append(probs, fmt.Sprintf("%s: set only one of %s", key, strings.Join(sources, ", ")))
		}
		if p.Secret != "" && len(p.Secret) < 32 {
			probs = append(probs, fmt.Sprintf("%s.secret: %d bytes; an HMAC secret needs at least 32", key, len(p.Secret)))
		}
		allowed := publicAlgs
		if p.Secret != "" {
			allowed = hmacAlgs
		}
		for _, alg := range p.Algorithms {
			switch {
			case strings.EqualFold(alg, "none"):
				probs = append(probs, key+".algorithms: \"none\" is never allowed")
			case !slices.Contains(allowed, alg):
				probs = append(probs, fmt.Sprintf("%s.algorithms: %q is not one of %s for this key source", key, alg, strings.Join(allowed, ", ")))
			}
		}
		if p.JWKSURL != "" {
			if u, err := url.Parse(p.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				probs = append(probs, fmt.Sprintf("%s.jwks_url: %q is not an http(s) URL", key, p.JWKSURL))
			}
		}
		for _, d := range []struct {
			name string
			v    time.Duration
		}{{"leeway", p.Leeway}, {"refresh", p.Refresh}, {"jwks_min_refresh", p.JWKSMinRefresh}, {"jwks_timeout", p.JWKSTimeout}} {
			if d.v < 0 {
				probs = append(probs, key+"."+d.name+": must be positive")
			}
		}
		if p.JWKSMaxBytes < 0 {
			probs = append(probs, key+".jwks_max_bytes: must be positive")
		}
		if in := p.Introspection; in != nil {
			if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				probs = append(probs, fmt.Sprintf("%s.introspection.url: %q is not an http(s) URL", key, in.URL))
			}
			if in.Timeout < 0 || in.CacheTTL < 0 || in.CacheSize < 0 || in.MaxBytes < 0 {
				probs = append(probs, key+".introspection: timeout, cache_ttl, cache_size and max_bytes must be positive")
			}
		}
	}
	if a.JWT.CacheSize < -1 {
		probs = append(probs, "authentication.jwt.cache_size: must be positive (or -1: no cache)")
	}
	if !a.Enabled() && a.JWT.Require {
		probs = append(probs, "authentication.jwt.require: true, but no provider is configured")
	}
	names := make([]string, 0, len(c.Headers.Claims))
	for h := range c.Headers.Claims {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		if !a.Enabled() {
			probs = append(probs, fmt.Sprintf("headers.claims.%s: no authentication provider is configured", h))
		}
		for _, p := range c.Headers.Propagate {
			if strings.EqualFold(p, h) {
				probs = append(probs, fmt.Sprintf("headers.claims.%s: also in headers.propagate: a client could send it", h))
			}
		}
	}
	return probs
}

func (a *Authorization) validate(c *Config) []string {
	var probs []string
	if (a.RejectUnauthorized || len(a.Policies) > 0) && !c.Authentication.Enabled() {
		probs = append(probs, "authorization: configured, but authentication has no provider")
	}
	switch a.Introspection {
	case "public", "authenticated", "off":
	default:
		probs = append(probs, fmt.Sprintf("authorization.introspection: %q is not public, authenticated or off", a.Introspection))
	}
	if a.Introspection != "public" && !c.Authentication.Enabled() {
		probs = append(probs, "authorization.introspection: "+a.Introspection+", but authentication has no provider")
	}
	names := make([]string, 0, len(a.Policies))
	for n := range a.Policies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.TrimSpace(a.Policies[n]) == "" {
			probs = append(probs, fmt.Sprintf("authorization.policies.%s: empty expression", n))
		}
	}
	return probs
}
