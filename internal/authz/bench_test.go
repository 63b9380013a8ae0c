package authz_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// BenchmarkAuth compares, in one run, the demo benchmark query through the
// gateway without authentication (base), with an HS256 and an RS256 token
// verified and the directives decided, and the verification and decision
// alone (the same request answered by a stub after the interceptors).
func BenchmarkAuth(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		b.Fatal(err)
	}
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemFile := filepath.Join(b.TempDir(), "key.pem")
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600)
	a, err := auth.New(ctx, auth.Options{JWT: config.JWT{Providers: []config.JWTProvider{
		{Name: "test", Issuer: "test", Secret: secret, Leeway: time.Second},
		{Name: "rsa", Issuer: "rsa", PublicKeyFile: pemFile, Leeway: time.Second},
	}}, Claims: map[string]string{"x-user-id": "sub"}})
	if err != nil {
		b.Fatal(err)
	}
	z, _ := newAuthorizer(b)
	withAuth := append(a.Plugins(), z)
	hs := token(b, "1", "read:email")
	rs, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "rsa", "sub": "1", "exp": time.Now().Add(time.Hour).Unix()}).SignedString(priv)

	run := func(b *testing.B, gw *gateway.Gateway, tok string) {
		h := http.Header{}
		if tok != "" {
			h.Set("Authorization", "Bearer "+tok)
		}
		b.ReportAllocs()
		for b.Loop() {
			r := gw.Serve(ctx, &gateway.Request{Query: subgraphs.BenchmarkQuery, Header: h})
			if len(r.Errors) > 0 {
				b.Fatal(r.Errors)
			}
			r.Release()
		}
	}
	newGW := func(ps []gateway.Plugin) *gateway.Gateway {
		gw, err := gateway.New(sg, gateway.WithPlugins(ps...), gateway.WithInboundDedupe(false))
		if err != nil {
			b.Fatal(err)
		}
		return gw
	}
	base := newGW(nil)
	authed := newGW(withAuth)
	stubbed := newGW(append(append([]gateway.Plugin{}, withAuth...), stop{}))
	b.Run("query/base", func(b *testing.B) { run(b, base, "") })
	b.Run("query/hs256", func(b *testing.B) { run(b, authed, hs) })
	b.Run("query/rs256", func(b *testing.B) { run(b, authed, rs) })
	b.Run("auth-only/hs256", func(b *testing.B) { run(b, stubbed, hs) })
	b.Run("auth-only/rs256", func(b *testing.B) { run(b, stubbed, rs) })
	b.Run("auth-only/none", func(b *testing.B) { run(b, newGW([]gateway.Plugin{stop{}}), "") })
}

// stop answers every operation after the interceptors before it, without
// planning or executing: what is left is parsing (cached) plus their cost.
type stop struct{}

func (stop) Name() string { return "stop" }
func (stop) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	return &gateway.Response{Data: []byte(`{}`)}
}
