package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/junction-gateway/junction/internal/config"
)

// Options configure an Authenticator.
type Options struct {
	// JWT is the authentication.jwt config (defaults applied).
	JWT config.JWT
	// ScopesClaim is the claim holding the scopes (default scope).
	ScopesClaim string
	// Claims maps subgraph header -> claim path (headers.claims).
	Claims map[string]string
	// Client fetches JWKS URLs and calls introspection endpoints
	// (default: a new http.Client; each call is bounded by its own timeout).
	Client *http.Client
	// Log receives JWKS refresh failures (default slog.Default()).
	Log *slog.Logger
}

// Authenticator verifies tokens against the configured providers.
type Authenticator struct {
	providers   []*provider
	header      string
	prefix      string
	cookie      string
	require     bool
	scopesClaim string
	claims      []claimHeader
	cache       *lru.Cache[[32]byte, cachedPrincipal] // nil: off
}

// cachedPrincipal is a verified JWT's caller, valid until until.
type cachedPrincipal struct {
	p     *Principal
	until time.Time
}

// cacheLifetime bounds how long a verified JWT is remembered: a key
// removed from a JWKS stops accepting its tokens at most this late.
const cacheLifetime = time.Minute

type claimHeader struct{ header, claim string }

// New builds an Authenticator: key files are read, JWKS URLs fetched once
// (a failure is logged and retried in the background: tokens of that
// provider fail with "unknown key" until it succeeds), and their background
// refresh runs until ctx ends.
func New(ctx context.Context, o Options) (*Authenticator, error) {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.ScopesClaim == "" {
		o.ScopesClaim = "scope"
	}
	a := &Authenticator{header: o.JWT.Header, cookie: o.JWT.Cookie, require: o.JWT.Require, scopesClaim: o.ScopesClaim}
	if a.header == "" {
		a.header = "Authorization"
	}
	if o.JWT.Prefix != nil {
		a.prefix = *o.JWT.Prefix
	} else if strings.EqualFold(a.header, "Authorization") {
		a.prefix = "Bearer"
	}
	for _, pc := range o.JWT.Providers {
		p, err := newProvider(pc, o.Client, o.Log)
		if err != nil {
			return nil, err
		}
		a.providers = append(a.providers, p)
	}
	if len(a.providers) == 0 {
		return nil, errors.New("authentication: no provider configured")
	}
	for _, p := range a.providers {
		if p.remote != nil {
			p.remote.update(ctx, true)
			go p.remote.run(ctx)
		}
	}
	size := o.JWT.CacheSize
	if size == 0 {
		size = 10000
	}
	if size > 0 {
		a.cache, _ = lru.New[[32]byte, cachedPrincipal](size)
	}
	for h, c := range o.Claims {
		a.claims = append(a.claims, claimHeader{http.CanonicalHeaderKey(h), c})
	}
	slices.SortFunc(a.claims, func(x, y claimHeader) int { return strings.Compare(x.header, y.header) })
	return a, nil
}

// Error is why a token was refused, in words safe to show the client: it
// never holds the token or key material.
type Error struct {
	Reason string
	err    error
}

func (e *Error) Error() string { return e.Reason }
func (e *Error) Unwrap() error { return e.err }

func refuse(reason string, err error) *Error { return &Error{Reason: reason, err: err} }

// Token extracts the token of a request: the configured header (after its
// prefix), else the cookie. "" when there is none.
func (a *Authenticator) Token(h http.Header) (string, *Error) {
	if v := h.Get(a.header); v != "" {
		if a.prefix == "" {
			return strings.TrimSpace(v), nil
		}
		scheme, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok || !strings.EqualFold(scheme, a.prefix) || strings.TrimSpace(tok) == "" {
			return "", refuse(fmt.Sprintf("the %s header must be %q followed by a token", a.header, a.prefix+" "), nil)
		}
		return strings.TrimSpace(tok), nil
	}
	if a.cookie != "" {
		if c, err := (&http.Request{Header: h}).Cookie(a.cookie); err == nil && c.Value != "" {
			return c.Value, nil
		}
	}
	return "", nil
}

// Authenticate verifies token and returns the caller.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (*Principal, *Error) {
	if len(token) > maxTokenBytes {
		return nil, refuse(fmt.Sprintf("token is longer than %d bytes", maxTokenBytes), nil)
	}
	if strings.Count(token, ".") == 2 {
		if a.cache == nil {
			return a.authenticateJWT(ctx, token)
		}
		h := sha256.Sum256([]byte(token))
		now := time.Now()
		if c, ok := a.cache.Get(h); ok && now.Before(c.until) {
			return c.p, nil
		}
		p, err := a.authenticateJWT(ctx, token)
		if err == nil {
			until := now.Add(cacheLifetime)
			if !p.Expires.IsZero() && p.Expires.Before(until) {
				until = p.Expires
			}
			a.cache.Add(h, cachedPrincipal{p: p, until: until})
		}
		return p, err
	}
	var first *Error
	for _, p := range a.providers {
		if p.intro == nil {
			continue
		}
		claims, err := p.intro.check(ctx, token)
		if err == nil {
			err = p.checkIntrospected(claims)
		}
		if err != nil {
			if first == nil {
				first = refuse(err.Error(), err)
			}
			continue
		}
		return a.principal(p, claims), nil
	}
	if first != nil {
		return nil, first
	}
	return nil, refuse("token is malformed: not a JWT", nil)
}

// maxTokenBytes bounds a token: larger ones are refused before parsing.
const maxTokenBytes = 16 << 10

func (a *Authenticator) authenticateJWT(ctx context.Context, token string) (*Principal, *Error) {
	unverified := jwt.MapClaims{}
	t, _, err := jwt.NewParser().ParseUnverified(token, unverified)
	if err != nil {
		return nil, refuse("token is malformed", err)
	}
	alg, _ := t.Header["alg"].(string)
	kid, _ := t.Header["kid"].(string)
	iss, _ := unverified["iss"].(string)
	cands := a.candidates(iss, kid)
	if len(cands) == 0 {
		return nil, refuse("token issuer is not accepted", nil)
	}
	var first *Error
	for _, p := range cands {
		if !slices.Contains(p.algs, alg) {
			if first == nil {
				first = refuse(fmt.Sprintf("token algorithm %s is not allowed", printable(alg)), nil)
			}
			continue
		}
		claims, err := p.verify(ctx, token)
		if err != nil {
			if first == nil {
				first = refuse(reason(err), err)
			}
			continue
		}
		return a.principal(p, claims), nil
	}
	return nil, first
}

// candidates are the JWT providers that may have issued a token: those
// whose issuer is iss, else those with no issuer set; with a kid, the ones
// that know it come first.
func (a *Authenticator) candidates(iss, kid string) []*provider {
	var byIss, open []*provider
	for _, p := range a.providers {
		switch {
		case p.intro != nil:
		case p.issuer != "" && p.issuer == iss:
			byIss = append(byIss, p)
		case p.issuer == "":
			open = append(open, p)
		}
	}
	out := byIss
	if len(out) == 0 {
		out = open
	}
	if kid != "" {
		out = slices.Clone(out)
		slices.SortStableFunc(out, func(x, y *provider) int {
			kx, ky := x.knows(kid), y.knows(kid)
			switch {
			case kx && !ky:
				return -1
			case ky && !kx:
				return 1
			}
			return 0
		})
	}
	return out
}

// reason says why golang-jwt refused a token.
func reason(err error) string {
	switch {
	case errors.Is(err, errUnknownKey):
		return "token is signed with an unknown key"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token is malformed"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "token signature is invalid"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token is expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token is not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token is issued in the future"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "token issuer is not accepted"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "token audience is not accepted"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token lacks a required claim"
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		return "token claims are invalid"
	}
	return "token is invalid"
}

// printable quotes a client-given word for a message, cut short.
func printable(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// checkIntrospected applies the provider's issuer and audience checks to
// an introspection answer.
func (p *provider) checkIntrospected(claims map[string]any) error {
	if p.issuer != "" {
		if iss, _ := claims["iss"].(string); iss != p.issuer {
			return errors.New("token issuer is not accepted")
		}
	}
	if len(p.audiences) > 0 {
		var auds []string
		switch v := claims["aud"].(type) {
		case string:
			auds = []string{v}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					auds = append(auds, s)
				}
			}
		}
		if !slices.ContainsFunc(auds, func(s string) bool { return slices.Contains(p.audiences, s) }) {
			return errors.New("token audience is not accepted")
		}
	}
	if exp, ok := claims["exp"].(float64); ok && time.Now().After(time.Unix(int64(exp), 0).Add(p.leeway)) {
		return errors.New("token is expired")
	}
	return nil
}

func (a *Authenticator) principal(p *provider, claims map[string]any) *Principal {
	pr := &Principal{Provider: p.name, Claims: claims, Scopes: scopesFrom(claims, a.scopesClaim)}
	pr.Subject, _ = claims["sub"].(string)
	if exp, ok := claims["exp"].(float64); ok {
		pr.Expires = time.Unix(int64(exp), 0)
	}
	return pr
}
