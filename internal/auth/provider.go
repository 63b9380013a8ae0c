package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/config"
)

// provider verifies the tokens of one issuer.
type provider struct {
	name      string
	issuer    string
	audiences []string
	algs      []string
	leeway    time.Duration
	static    []key       // secret, PEM or JWKS file
	remote    *remoteKeys // JWKS URL
	intro     *introspector
	parser    *jwt.Parser
}

var (
	hmacAlgs   = []string{"HS256", "HS384", "HS512"}
	publicAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

// newProvider builds a provider from its config; files are read now.
func newProvider(c config.JWTProvider, client *http.Client, log *slog.Logger) (*provider, error) {
	p := &provider{name: c.Name, issuer: c.Issuer, audiences: c.Audiences, leeway: c.Leeway}
	defAlgs := publicAlgs
	switch {
	case c.Secret != "":
		p.static = []key{{pub: []byte(c.Secret)}}
		defAlgs = hmacAlgs
	case c.PublicKeyFile != "":
		raw, err := os.ReadFile(c.PublicKeyFile)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", c.Name, err)
		}
		if p.static, err = parsePEM(raw); err != nil {
			return nil, fmt.Errorf("provider %s: public_key_file %s: %w", c.Name, c.PublicKeyFile, err)
		}
	case c.JWKSFile != "":
		raw, err := os.ReadFile(c.JWKSFile)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", c.Name, err)
		}
		if p.static, err = parseJWKS(raw); err != nil {
			return nil, fmt.Errorf("provider %s: jwks_file %s: %w", c.Name, c.JWKSFile, err)
		}
	case c.JWKSURL != "":
		p.remote = &remoteKeys{url: c.JWKSURL, client: client, timeout: c.JWKSTimeout, maxBytes: c.JWKSMaxBytes,
			refresh: c.Refresh, minRefresh: c.JWKSMinRefresh, log: log.With("provider", c.Name)}
	case c.Introspection != nil:
		p.intro = newIntrospector(c.Introspection, client)
	default:
		return nil, fmt.Errorf("provider %s: no key source", c.Name)
	}
	p.algs = defAlgs
	if len(c.Algorithms) > 0 {
		p.algs = nil
		for _, a := range c.Algorithms {
			if !slices.Contains(defAlgs, a) {
				return nil, fmt.Errorf("provider %s: algorithm %q does not fit its key source", c.Name, a)
			}
			p.algs = append(p.algs, a)
		}
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(p.algs), jwt.WithLeeway(p.leeway), jwt.WithIssuedAt()}
	if p.issuer != "" {
		opts = append(opts, jwt.WithIssuer(p.issuer))
	}
	if len(p.audiences) > 0 {
		opts = append(opts, jwt.WithAudience(p.audiences...))
	}
	p.parser = jwt.NewParser(opts...)
	return p, nil
}

// keys returns the keys known now.
func (p *provider) keys() []key {
	if p.remote != nil {
		return p.remote.current()
	}
	return p.static
}

// knows reports whether the provider holds a key with kid.
func (p *provider) knows(kid string) bool {
	for _, k := range p.keys() {
		if k.kid == kid {
			return true
		}
	}
	return false
}

// errUnknownKey: no key of the provider fits the token's kid and alg.
var errUnknownKey = errors.New("unknown key")

// keyFor is the jwt.Keyfunc: the keys that fit the token's kid and
// algorithm (typed keys: an HMAC secret is never offered for RS256, a
// public key never for HS256). An unknown kid refreshes a JWKS URL first.
func (p *provider) keyFor(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		alg, _ := t.Header["alg"].(string)
		kid, _ := t.Header["kid"].(string)
		match := func() []jwt.VerificationKey {
			var out []jwt.VerificationKey
			for _, k := range p.keys() {
				if (kid == "" || k.kid == kid) && k.fits(alg) {
					out = append(out, k.pub)
				}
			}
			return out
		}
		ks := match()
		if len(ks) == 0 && p.remote != nil && kid != "" {
			p.remote.update(ctx, false)
			ks = match()
		}
		switch len(ks) {
		case 0:
			return nil, errUnknownKey
		case 1:
			return ks[0], nil
		}
		return jwt.VerificationKeySet{Keys: ks}, nil
	}
}

// verify checks a JWT and returns its claims.
func (p *provider) verify(ctx context.Context, token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := p.parser.ParseWithClaims(token, claims, p.keyFor(ctx))
	if err != nil {
		return nil, err
	}
	return claims, nil
}
