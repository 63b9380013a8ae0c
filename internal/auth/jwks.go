package auth

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// remoteKeys is a JWKS URL's keys: fetched at start, every refresh
// period, and on an unknown kid at most once per minRefresh. A failed
// fetch keeps the keys already known.
type remoteKeys struct {
	url        string
	client     *http.Client
	timeout    time.Duration
	maxBytes   int64
	refresh    time.Duration
	minRefresh time.Duration
	log        *slog.Logger

	mu          sync.Mutex
	keys        []key
	lastAttempt time.Time
	inflight    chan struct{}
}

// current returns the keys known now.
func (r *remoteKeys) current() []key {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys
}

// run refreshes the keys every refresh period (every minRefresh while it
// has none) until ctx ends.
func (r *remoteKeys) run(ctx context.Context) {
	for {
		wait := r.refresh
		if len(r.current()) == 0 {
			wait = r.minRefresh
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		r.update(ctx, true)
	}
}

// update fetches the set unless a fetch is running (then it waits for
// that one, at most until ctx ends) or, when not forced, one started less
// than minRefresh ago.
func (r *remoteKeys) update(ctx context.Context, force bool) {
	r.mu.Lock()
	if ch := r.inflight; ch != nil {
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		return
	}
	if !force && time.Since(r.lastAttempt) < r.minRefresh {
		r.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	r.inflight, r.lastAttempt = ch, time.Now()
	r.mu.Unlock()

	keys, err := r.fetch()
	r.mu.Lock()
	if err == nil {
		r.keys = keys
	}
	r.inflight = nil
	r.mu.Unlock()
	close(ch)
	if err != nil {
		r.log.Warn("jwks refresh failed; keeping the keys already known", "url", r.url, "err", err)
	}
}

// fetch reads the set, bounded by timeout and maxBytes. It runs apart from
// any request's context: callers waiting for it may go away.
func (r *remoteKeys) fetch() ([]key, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch (jwks_timeout %s): %w", r.timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read (jwks_timeout %s): %w", r.timeout, err)
	}
	if int64(len(body)) > r.maxBytes {
		return nil, fmt.Errorf("key set larger than jwks_max_bytes (%d)", r.maxBytes)
	}
	return parseJWKS(body)
}
