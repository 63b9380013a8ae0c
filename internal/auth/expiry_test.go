package auth

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// TestExpiryReachesTheGateway: the token's exp is put in the context for
// the gateway (a subscription ends when it passes).
func TestExpiryReachesTheGateway(t *testing.T) {
	a := newAuth(t, config.JWTProvider{Name: "hmac", Issuer: "https://issuer.test", Secret: testSecret})
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	tok := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", claims("exp", exp.Unix()))
	var got time.Time
	var ok bool
	req := &gateway.Request{Header: http.Header{"Authorization": {"Bearer " + tok}}}
	resp := requestPlugin{a}.InterceptRequest(context.Background(), req, func(ctx context.Context, _ *gateway.Request) *gateway.Response {
		got, ok = gateway.CredentialExpiry(ctx)
		return &gateway.Response{}
	})
	if resp.Status != 0 || len(resp.Errors) > 0 {
		t.Fatalf("refused: %d %v", resp.Status, resp.Errors)
	}
	if !ok || !got.Equal(exp) {
		t.Fatalf("CredentialExpiry = %v %v, want %v", got, ok, exp)
	}
}
