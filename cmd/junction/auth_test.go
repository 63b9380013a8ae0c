package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/auth"
)

// TestDevToken: the printed token verifies with the dev config's provider
// and carries the subject and scopes asked for.
func TestDevToken(t *testing.T) {
	var out bytes.Buffer
	if err := runDevToken([]string{"--sub", "3", "--scope", "read:email", "--scope", "admin"}, &out); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadDevConfig("")
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(context.Background(), auth.Options{JWT: cfg.Authentication.JWT})
	if err != nil {
		t.Fatal(err)
	}
	p, aerr := a.Authenticate(context.Background(), strings.TrimSpace(out.String()))
	if aerr != nil {
		t.Fatal(aerr)
	}
	if p.Subject != "3" || !p.HasScope("read:email") || !p.HasScope("admin") || time.Until(p.Expires) > time.Hour {
		t.Fatalf("principal %+v", p)
	}

	// With a config of its own, it signs with that config's secret.
	secret := strings.Repeat("k", 40)
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("authentication: {jwt: {providers: [{name: x, issuer: me, audiences: [api], secret: "+secret+"}]}}\n"), 0o600)
	out.Reset()
	if err := runDevToken([]string{"--config", path, "--sub", "9", "--ttl", "1m"}, &out); err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Parse(strings.TrimSpace(out.String()), func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("me"), jwt.WithAudience("api"))
	if err != nil || !tok.Valid {
		t.Fatalf("token with the config's secret: %v", err)
	}

	os.WriteFile(path, []byte("listen: 127.0.0.1:1\n"), 0o600)
	if err := runDevToken([]string{"--config", path}, &out); err == nil || !strings.Contains(err.Error(), "HMAC secret") {
		t.Fatalf("config without a secret: %v", err)
	}
}
