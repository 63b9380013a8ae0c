package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/config"
)

const testSecret = "auth-test-secret-auth-test-secret-0123"

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t testing.TB, m jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(extra ...any) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iss": "https://issuer.test", "aud": "junction", "sub": "42", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "scope": "b a a"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(c, extra[i].(string))
			continue
		}
		c[extra[i].(string)] = extra[i+1]
	}
	return c
}

func jwkOf(kid string, pub any) map[string]any {
	enc := base64.RawURLEncoding.EncodeToString
	switch p := pub.(type) {
	case *rsa.PublicKey:
		return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "n": enc(p.N.Bytes()), "e": enc(big.NewInt(int64(p.E)).Bytes())}
	case *ecdsa.PublicKey:
		b, _ := p.Bytes()
		size := (p.Curve.Params().BitSize + 7) / 8
		return map[string]any{"kty": "EC", "kid": kid, "crv": p.Curve.Params().Name, "x": enc(b[1 : 1+size]), "y": enc(b[1+size:])}
	case ed25519.PublicKey:
		return map[string]any{"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": enc(p)}
	}
	panic("key type")
}

func jwks(keys ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

func newAuth(t testing.TB, ps ...config.JWTProvider) *Authenticator {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for i := range ps {
		if ps[i].Leeway == 0 {
			ps[i].Leeway = 5 * time.Second
		}
		if ps[i].JWKSTimeout == 0 {
			ps[i].JWKSTimeout = 500 * time.Millisecond
		}
		if ps[i].JWKSMaxBytes == 0 {
			ps[i].JWKSMaxBytes = 1 << 20
		}
		if ps[i].JWKSMinRefresh == 0 {
			ps[i].JWKSMinRefresh = 200 * time.Millisecond
		}
		if ps[i].Refresh == 0 {
			ps[i].Refresh = time.Hour
		}
	}
	a, err := New(ctx, Options{JWT: config.JWT{Providers: ps}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func writeFile(t testing.TB, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestJWTChecks(t *testing.T) {
	priv := rsaKey(t)
	pubDER, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemFile := writeFile(t, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	ecPriv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	jwksFile := writeFile(t, "jwks.json", jwks(jwkOf("ec1", &ecPriv.PublicKey), jwkOf("ed1", edPriv.Public())))
	a := newAuth(t,
		config.JWTProvider{Name: "rsa", Issuer: "https://issuer.test", Audiences: []string{"junction"}, PublicKeyFile: pemFile, Algorithms: []string{"RS256"}},
		config.JWTProvider{Name: "files", Issuer: "https://files.test", JWKSFile: jwksFile},
		config.JWTProvider{Name: "hmac", Issuer: "https://hmac.test", Secret: testSecret},
	)
	hour := time.Hour
	now := time.Now()
	wrong := rsaKey(t)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	// Algorithm confusion: HS256 keyed with the RSA public key's PEM.
	confused := sign(t, jwt.SigningMethodHS256, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), "", claims())
	confusedDER := sign(t, jwt.SigningMethodHS256, pubDER, "", claims())
	for _, tc := range []struct {
		name, token, want string
	}{
		{"valid RS256", sign(t, jwt.SigningMethodRS256, priv, "", claims()), ""},
		{"expired", sign(t, jwt.SigningMethodRS256, priv, "", claims("exp", now.Add(-hour).Unix())), "token is expired"},
		{"expired within leeway", sign(t, jwt.SigningMethodRS256, priv, "", claims("exp", now.Add(-2*time.Second).Unix())), ""},
		{"not yet valid", sign(t, jwt.SigningMethodRS256, priv, "", claims("nbf", now.Add(hour).Unix())), "token is not valid yet"},
		{"issued in the future", sign(t, jwt.SigningMethodRS256, priv, "", claims("iat", now.Add(hour).Unix())), "token is issued in the future"},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, priv, "", claims("iss", "https://evil.test")), "token issuer is not accepted"},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, priv, "", claims("aud", "other")), "token audience is not accepted"},
		{"no audience", sign(t, jwt.SigningMethodRS256, priv, "", claims("aud", nil)), "token lacks a required claim"},
		{"bad signature", sign(t, jwt.SigningMethodRS256, wrong, "", claims()), "token signature is invalid"},
		{"alg none", none, `token algorithm "none" is not allowed`},
		{"algorithm not in the allow-list", sign(t, jwt.SigningMethodRS384, priv, "", claims()), `token algorithm "RS384" is not allowed`},
		{"HS256 with the RSA public key (PEM)", confused, `token algorithm "HS256" is not allowed`},
		{"HS256 with the RSA public key (DER)", confusedDER, `token algorithm "HS256" is not allowed`},
		{"ES256 from a JWKS file", sign(t, jwt.SigningMethodES256, ecPriv, "ec1", claims("iss", "https://files.test")), ""},
		{"EdDSA from a JWKS file", sign(t, jwt.SigningMethodEdDSA, edPriv, "ed1", claims("iss", "https://files.test")), ""},
		{"unknown kid in a file", sign(t, jwt.SigningMethodES256, ecPriv, "nope", claims("iss", "https://files.test")), "token is signed with an unknown key"},
		{"HS256 against a JWKS provider", sign(t, jwt.SigningMethodHS256, []byte(testSecret), "ec1", claims("iss", "https://files.test")), `token algorithm "HS256" is not allowed`},
		{"HS256", sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", claims("iss", "https://hmac.test")), ""},
		{"HS256 wrong secret", sign(t, jwt.SigningMethodHS256, []byte(testSecret+"x"), "", claims("iss", "https://hmac.test")), "token signature is invalid"},
		{"RS256 against the HMAC provider", sign(t, jwt.SigningMethodRS256, priv, "", claims("iss", "https://hmac.test")), `token algorithm "RS256" is not allowed`},
		{"malformed", "a.b.c", "token is malformed"},
		{"opaque without introspection", "opaque-token", "token is malformed: not a JWT"},
	} {
		p, err := a.Authenticate(context.Background(), tc.token)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || err.Reason != tc.want):
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		case err != nil && (strings.Contains(err.Reason, testSecret) || strings.Contains(err.Reason, "MII")):
			t.Errorf("%s: message holds key material: %s", tc.name, err.Reason)
		}
		if tc.name == "valid RS256" && (p == nil || p.Subject != "42" || p.Provider != "rsa" || strings.Join(p.Scopes, ",") != "a,b") {
			t.Errorf("principal %+v", p)
		}
	}
}

// jwksServer serves a key set that the test can rotate, take down or slow.
type jwksServer struct {
	*httptest.Server
	mu    sync.Mutex
	body  []byte
	down  bool
	delay time.Duration
	hits  atomic.Int64
}

func newJWKSServer(t *testing.T, body []byte) *jwksServer {
	s := &jwksServer{body: body}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		body, down, delay := s.body, s.down, s.delay
		s.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(f func(s *jwksServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func TestJWKSRotation(t *testing.T) {
	k1, k2, k3 := rsaKey(t), rsaKey(t), rsaKey(t)
	srv := newJWKSServer(t, jwks(jwkOf("k1", &k1.PublicKey)))
	a := newAuth(t, config.JWTProvider{Name: "idp", Issuer: "https://issuer.test", JWKSURL: srv.URL, JWKSMinRefresh: 300 * time.Millisecond})
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k1, "k1", claims())); err != nil {
		t.Fatalf("k1: %v", err)
	}
	// Rotation: a token with the new kid refreshes the set at once.
	srv.set(func(s *jwksServer) { s.body = jwks(jwkOf("k2", &k2.PublicKey)) })
	time.Sleep(350 * time.Millisecond)
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k2, "k2", claims())); err != nil {
		t.Fatalf("k2 after rotation: %v", err)
	}
	// A flood of unknown kids fetches at most once per jwks_min_refresh.
	flood := make([]string, 50)
	for i := range flood {
		flood[i] = sign(t, jwt.SigningMethodRS256, k3, "unknown-"+strconv.Itoa(i), claims())
	}
	before := srv.hits.Load()
	began := time.Now()
	for _, tok := range flood {
		if _, err := a.Authenticate(ctx, tok); err == nil || err.Reason != "token is signed with an unknown key" {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	allowed := 1 + int64(time.Since(began)/(300*time.Millisecond))
	if n := srv.hits.Load() - before; n > allowed {
		t.Errorf("50 unknown kids fetched the key set %d times in %s (at most %d)", n, time.Since(began), allowed)
	}
	// Down: the old keys stay.
	srv.set(func(s *jwksServer) { s.down = true })
	time.Sleep(350 * time.Millisecond)
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k3, "k3", claims())); err == nil {
		t.Fatal("unknown key accepted")
	}
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k2, "k2", claims())); err != nil {
		t.Fatalf("k2 while the JWKS endpoint is down: %v", err)
	}
	// Slow: the fetch is bounded by jwks_timeout; the request is answered.
	srv.set(func(s *jwksServer) { s.down, s.delay = false, 5*time.Second })
	time.Sleep(350 * time.Millisecond)
	start := time.Now()
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k3, "k3", claims())); err == nil {
		t.Fatal("unknown key accepted")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a slow JWKS endpoint held the request %s", d)
	}
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, k2, "k2", claims())); err != nil {
		t.Fatalf("k2 after a slow fetch: %v", err)
	}
}

func TestJWKSTooLarge(t *testing.T) {
	k1 := rsaKey(t)
	srv := newJWKSServer(t, jwks(jwkOf("k1", &k1.PublicKey)))
	a := newAuth(t, config.JWTProvider{Name: "idp", JWKSURL: srv.URL, JWKSMaxBytes: 100})
	if _, err := a.Authenticate(context.Background(), sign(t, jwt.SigningMethodRS256, k1, "k1", claims())); err == nil {
		t.Fatal("a key set over jwks_max_bytes was used")
	}
}

func TestSeveralProviders(t *testing.T) {
	k1, k2 := rsaKey(t), rsaKey(t)
	s1 := newJWKSServer(t, jwks(jwkOf("a", &k1.PublicKey)))
	s2 := newJWKSServer(t, jwks(jwkOf("b", &k2.PublicKey)))
	a := newAuth(t,
		config.JWTProvider{Name: "one", Issuer: "https://one.test", JWKSURL: s1.URL},
		config.JWTProvider{Name: "two", Issuer: "https://two.test", JWKSURL: s2.URL},
		config.JWTProvider{Name: "any", JWKSURL: s2.URL},
	)
	ctx := context.Background()
	for _, tc := range []struct {
		tok, provider, err string
	}{
		{sign(t, jwt.SigningMethodRS256, k1, "a", claims("iss", "https://one.test")), "one", ""},
		{sign(t, jwt.SigningMethodRS256, k2, "b", claims("iss", "https://two.test")), "two", ""},
		{sign(t, jwt.SigningMethodRS256, k2, "b", claims("iss", "https://one.test")), "", "token is signed with an unknown key"},
		{sign(t, jwt.SigningMethodRS256, k2, "b", claims("iss", "https://elsewhere.test")), "any", ""},
	} {
		p, err := a.Authenticate(ctx, tc.tok)
		if tc.err != "" {
			if err == nil || err.Reason != tc.err {
				t.Errorf("got %v want %q", err, tc.err)
			}
			continue
		}
		if err != nil || p.Provider != tc.provider {
			t.Errorf("got %v %v want provider %s", p, err, tc.provider)
		}
	}
}

func TestIntrospection(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		id, sec, _ := r.BasicAuth()
		if id != "junction" || sec != "s3cret" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		r.ParseForm()
		switch r.PostForm.Get("token") {
		case "good":
			json.NewEncoder(w).Encode(map[string]any{"active": true, "sub": "9", "scope": "read:email", "iss": "https://op.test", "exp": time.Now().Add(time.Hour).Unix()})
		default:
			json.NewEncoder(w).Encode(map[string]any{"active": false})
		}
	}))
	defer srv.Close()
	a := newAuth(t, config.JWTProvider{Name: "op", Issuer: "https://op.test", Introspection: &config.Introspection{
		URL: srv.URL, ClientID: "junction", ClientSecret: "s3cret", Timeout: time.Second, CacheTTL: time.Minute, CacheSize: 10, MaxBytes: 4096}})
	ctx := context.Background()
	for range 3 {
		p, err := a.Authenticate(ctx, "good")
		if err != nil || p.Subject != "9" || !p.HasScope("read:email") {
			t.Fatalf("good: %v %v", p, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("introspected %d times, want 1 (cached)", n)
	}
	if _, err := a.Authenticate(ctx, "revoked"); err == nil || err.Reason != "token is not active" {
		t.Errorf("revoked: %v", err)
	}
}

func TestToken(t *testing.T) {
	a := newAuth(t, config.JWTProvider{Name: "h", Secret: testSecret})
	a.cookie = "session"
	for _, tc := range []struct {
		h         http.Header
		tok, fail string
	}{
		{http.Header{"Authorization": {"Bearer abc"}}, "abc", ""},
		{http.Header{"Authorization": {"bearer  abc "}}, "abc", ""},
		{http.Header{"Authorization": {"Basic abc"}}, "", "the Authorization header must be"},
		{http.Header{"Cookie": {"session=xyz"}}, "xyz", ""},
		{http.Header{}, "", ""},
	} {
		tok, err := a.Token(tc.h)
		if tok != tc.tok || (err == nil) != (tc.fail == "") || err != nil && !strings.Contains(err.Reason, tc.fail) {
			t.Errorf("%v: %q %v", tc.h, tok, err)
		}
	}
}

func TestVerifiedTokenCache(t *testing.T) {
	a := newAuth(t, config.JWTProvider{Name: "h", Secret: testSecret, Leeway: time.Nanosecond})
	ctx := context.Background()
	tok := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", claims("aud", nil, "exp", time.Now().Add(1500*time.Millisecond).Unix()))
	p1, err := a.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := a.Authenticate(ctx, tok)
	if err != nil || p2 != p1 {
		t.Fatalf("second use not served from the cache: %p %p %v", p1, p2, err)
	}
	// A refused token is not remembered as good, and a cached one stops
	// at its exp.
	if _, err := a.Authenticate(ctx, tok+"x"); err == nil {
		t.Fatal("bad signature accepted")
	}
	time.Sleep(time.Until(p1.Expires) + 100*time.Millisecond)
	if _, err := a.Authenticate(ctx, tok); err == nil || err.Reason != "token is expired" {
		t.Fatalf("expired token after caching: %v", err)
	}
}

func TestPEMKeys(t *testing.T) {
	ecPriv, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ecPriv.PublicKey)
	edDER, _ := x509.MarshalPKIXPublicKey(edPub)
	file := writeFile(t, "keys.pem", append(
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edDER})...))
	a := newAuth(t, config.JWTProvider{Name: "pem", PublicKeyFile: file})
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodES384, ecPriv, "", claims())); err != nil {
		t.Errorf("ES384 from PEM: %v", err)
	}
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodEdDSA, edPriv, "", claims())); err != nil {
		t.Errorf("EdDSA from PEM: %v", err)
	}
	// ES256 names another curve than the key's: refused.
	ec256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := a.Authenticate(ctx, sign(t, jwt.SigningMethodES256, ec256, "", claims())); err == nil || err.Reason != "token is signed with an unknown key" {
		t.Errorf("ES256 against a P-384 key: %v", err)
	}
	privDER, _ := x509.MarshalPKCS8PrivateKey(edPriv)
	privFile := writeFile(t, "priv.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	ctx2, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := New(ctx2, Options{JWT: config.JWT{Providers: []config.JWTProvider{{Name: "p", PublicKeyFile: privFile}}}})
	if err == nil || !strings.Contains(err.Error(), "private key") || strings.Contains(err.Error(), "MC4C") {
		t.Errorf("private key file: %v", err)
	}
}
