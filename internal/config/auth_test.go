package config

import (
	"strings"
	"testing"
)

func TestAuthConfig(t *testing.T) {
	c, err := parse("", []byte(`
authentication:
  jwt:
    providers:
      - name: main
        issuer: https://issuer.example.com
        secret: ${JWT_SECRET}
headers:
  claims: {x-user-id: sub}
authorization:
  policies: {admin: '"admin" in scopes'}
`), func(k string) (string, bool) {
		if k == "JWT_SECRET" {
			return strings.Repeat("s", 32), true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Authentication.JWT.Providers[0]
	if p.Secret != strings.Repeat("s", 32) || p.Leeway.String() != "30s" || c.Authentication.JWT.Header != "Authorization" ||
		*c.Authentication.JWT.Prefix != "Bearer" || c.Authorization.ScopesClaim != "scope" || c.Authorization.Introspection != "public" {
		t.Fatalf("defaults: %+v %+v", c.Authentication, c.Authorization)
	}
	if !c.Authentication.Enabled() {
		t.Fatal("not enabled")
	}
}

func TestAuthConfigProblems(t *testing.T) {
	_, err := Parse([]byte(`
authentication:
  jwt:
    providers:
      - name: a
        secret: short
        algorithms: [RS256, none]
      - name: a
        jwks_url: ftp://x
        public_key_file: k.pem
      - name: c
headers:
  propagate: [x-user-id]
  claims: {x-user-id: sub}
authorization:
  introspection: sometimes
`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"authentication.jwt.providers[0].secret: 5 bytes; an HMAC secret needs at least 32",
		`authentication.jwt.providers[0].algorithms: "RS256" is not one of HS256, HS384, HS512`,
		`authentication.jwt.providers[0].algorithms: "none" is never allowed`,
		`authentication.jwt.providers[1].name: "a" is used by another provider`,
		"authentication.jwt.providers[1]: set only one of public_key_file, jwks_url",
		`authentication.jwt.providers[1].jwks_url: "ftp://x" is not an http(s) URL`,
		"authentication.jwt.providers[2]: set one of secret",
		"headers.claims.x-user-id: also in headers.propagate",
		"authorization.introspection",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	if _, err := Parse([]byte("headers: {claims: {x-user-id: sub}}\n")); err == nil || !strings.Contains(err.Error(), "no authentication provider") {
		t.Errorf("claims without authentication: %v", err)
	}
}
