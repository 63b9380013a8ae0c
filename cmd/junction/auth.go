package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/authz"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// authPlugins returns the authentication and authorization plugins the
// config asks for: none without an authentication provider, so that the
// request path is unchanged.
func authPlugins(ctx context.Context, cfg *config.Config, logw io.Writer) ([]gateway.Plugin, error) {
	if !cfg.Authentication.Enabled() {
		return nil, nil
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	a, err := auth.New(ctx, auth.Options{
		JWT:         cfg.Authentication.JWT,
		ScopesClaim: cfg.Authorization.ScopesClaim,
		Claims:      cfg.Headers.Claims,
		Log:         log,
	})
	if err != nil {
		return nil, err
	}
	z, err := authz.New(authz.Options{
		RejectUnauthorized: cfg.Authorization.RejectUnauthorized,
		Policies:           cfg.Authorization.Policies,
		Introspection:      cfg.Authorization.Introspection,
		Log:                log,
	})
	if err != nil {
		return nil, err
	}
	return append(a.Plugins(), z), nil
}

// devSecret signs the demo's tokens (junction dev token). It is public:
// never use it outside the demo.
const devSecret = "junction-dev-secret-not-for-production-0123456789"

// devConfig is junction dev's config when --config is not given: the
// demo's HMAC provider, the caller's sub sent to subgraphs as x-user-id.
const devConfig = `
authentication:
  jwt:
    providers:
      - name: dev
        issuer: junction-dev
        secret: ` + devSecret + `
headers:
  claims:
    x-user-id: sub
rate_limits: {}
`

// loadDevConfig reads path, or the built-in dev config when path is "".
func loadDevConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Parse([]byte(devConfig))
	}
	return config.Load(path)
}

// runDevToken prints a token for the demo, signed (HS256) with the first
// provider secret of the dev config.
func runDevToken(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dev token", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "YAML config file (default: the built-in dev config)")
	sub := fs.String("sub", "1", "the token's subject (the demo user id)")
	var scopes multiFlag
	fs.Var(&scopes, "scope", "a scope to grant (repeat the flag for several)")
	ttl := fs.Duration("ttl", time.Hour, "how long the token is valid")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadDevConfig(*cfgPath)
	if err != nil {
		return usageErr("%v", err)
	}
	var p *config.JWTProvider
	for i := range cfg.Authentication.JWT.Providers {
		if cfg.Authentication.JWT.Providers[i].Secret != "" {
			p = &cfg.Authentication.JWT.Providers[i]
			break
		}
	}
	if p == nil {
		return usageErr("the config has no provider with an HMAC secret to sign with")
	}
	now := time.Now()
	claims := jwt.MapClaims{"sub": *sub, "iat": now.Unix(), "exp": now.Add(*ttl).Unix()}
	if p.Issuer != "" {
		claims["iss"] = p.Issuer
	}
	if len(p.Audiences) > 0 {
		claims["aud"] = p.Audiences[0]
	}
	if len(scopes) > 0 {
		claims[cfg.Authorization.ScopesClaim] = strings.Join(scopes, " ")
	}
	alg := jwt.SigningMethodHS256
	if len(p.Algorithms) > 0 {
		if m, ok := jwt.GetSigningMethod(p.Algorithms[0]).(*jwt.SigningMethodHMAC); ok {
			alg = m
		}
	}
	tok, err := jwt.NewWithClaims(alg, claims).SignedString([]byte(p.Secret))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// isFlagSet reports whether flag name was given on the command line.
func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
