package auth

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/junction-gateway/junction/internal/config"
)

// introspector checks opaque tokens with an RFC 7662 endpoint. Answers
// are cached by the token's SHA-256 (never the token itself), an active
// one until its exp at most cache_ttl, an inactive one at most a minute;
// at most maxIntrospections calls are in flight.
type introspector struct {
	cfg    config.Introspection
	client *http.Client
	cache  *lru.Cache[[32]byte, introspected]
	sem    chan struct{}
}

type introspected struct {
	claims map[string]any // nil: inactive
	until  time.Time
}

const maxIntrospections = 32

// Errors an introspection gives; the client sees their text.
var (
	errInactive       = errors.New("token is not active")
	errIntrospection  = errors.New("token could not be checked with the issuer")
	negativeCacheTime = time.Minute
)

func newIntrospector(c *config.Introspection, client *http.Client) *introspector {
	cache, _ := lru.New[[32]byte, introspected](max(c.CacheSize, 1))
	return &introspector{cfg: *c, client: client, cache: cache, sem: make(chan struct{}, maxIntrospections)}
}

// check returns the token's claims, from the cache or the endpoint.
func (in *introspector) check(ctx context.Context, token string) (map[string]any, error) {
	h := sha256.Sum256([]byte(token))
	now := time.Now()
	if e, ok := in.cache.Get(h); ok && now.Before(e.until) {
		if e.claims == nil {
			return nil, errInactive
		}
		return e.claims, nil
	}
	ctx, cancel := context.WithTimeout(ctx, in.cfg.Timeout)
	defer cancel()
	select {
	case in.sem <- struct{}{}:
		defer func() { <-in.sem }()
	case <-ctx.Done():
		return nil, errIntrospection
	}
	claims, err := in.call(ctx, token)
	if err != nil {
		return nil, err
	}
	if active, _ := claims["active"].(bool); !active {
		in.cache.Add(h, introspected{until: now.Add(min(in.cfg.CacheTTL, negativeCacheTime))})
		return nil, errInactive
	}
	until := now.Add(in.cfg.CacheTTL)
	if exp, ok := claims["exp"].(float64); ok {
		if t := time.Unix(int64(exp), 0); t.Before(until) {
			until = t
		}
	}
	in.cache.Add(h, introspected{claims: claims, until: until})
	return claims, nil
}

func (in *introspector) call(ctx context.Context, token string) (map[string]any, error) {
	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.cfg.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errIntrospection, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if in.cfg.ClientID != "" {
		req.SetBasicAuth(url.QueryEscape(in.cfg.ClientID), url.QueryEscape(in.cfg.ClientSecret))
	}
	resp, err := in.client.Do(req)
	if err != nil {
		return nil, errIntrospection
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errIntrospection
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, in.cfg.MaxBytes+1))
	if err != nil || int64(len(body)) > in.cfg.MaxBytes {
		return nil, errIntrospection
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil || claims == nil {
		return nil, errIntrospection
	}
	return claims, nil
}
