package auth

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/config"
)

// BenchmarkAuthenticate: verifying a token, with the verified-token cache
// (the same token again) and without it (cache_size -1).
func BenchmarkAuthenticate(b *testing.B) {
	priv := rsaKey(b)
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemFile := writeFile(b, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	hs := sign(b, jwt.SigningMethodHS256, []byte(testSecret), "", claims("iss", "https://hmac.test"))
	rs := sign(b, jwt.SigningMethodRS256, priv, "", claims())
	for _, cache := range []int{-1, 10000} {
		a := newAuth(b,
			config.JWTProvider{Name: "rsa", Issuer: "https://issuer.test", PublicKeyFile: pemFile},
			config.JWTProvider{Name: "hmac", Issuer: "https://hmac.test", Secret: testSecret})
		if cache < 0 {
			a.cache = nil
		}
		name := map[bool]string{true: "cached", false: "uncached"}[cache > 0]
		for _, c := range []struct{ alg, tok string }{{"HS256", hs}, {"RS256", rs}} {
			tok := c.tok
			b.Run(name+"/"+c.alg, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := a.Authenticate(context.Background(), tok); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
