package ratelimit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/internal/redistest"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// limitedSupergraph is the demo supergraph (Mutation.addReview: 3 per
// minute per user) with Query.users limited to 2 per window per IP.
func limitedSupergraph(t *testing.T, urls map[string]string, usersWindow string) *schema.Supergraph {
	t.Helper()
	// The demo applies @rateLimit(max: 3, window: "1m", by: "user") to
	// Mutation.addReview (through its @link import).
	sdl := subgraphs.Supergraph(urls)
	sdl = strings.Replace(sdl, "users: [User] @join__field(graph: ACCOUNTS)",
		`users: [User] @join__field(graph: ACCOUNTS) @rateLimit(max: 2, window: "`+usersWindow+`", by: "ip")`, 1)
	if !strings.Contains(sdl, `@rateLimit(max: 3, window: "1m", by: "user")`) || !strings.Contains(sdl, "@rateLimit(max: 2") {
		t.Fatal("demo supergraph changed: @rateLimit not applied")
	}
	sg, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

type env struct {
	demo  *subgraphs.Demo
	redis *redistest.Server // nil in memory mode
	gws   [2]*gateway.Gateway
	lims  [2]*Limiter
}

// newEnv starts the demo subgraphs and two gateways sharing one store:
// one Redis (two clients) or, in memory mode, one Memory store.
func newEnv(t *testing.T, mode string, failClosed bool, requests []config.RequestLimit, usersWindow string) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	e := &env{demo: demo}
	var mem Store
	if mode == "redis" {
		e.redis = redistest.Start(t)
	} else {
		mem = NewMemory(1000)
	}
	for i := range e.gws {
		o := Options{FailClosed: failClosed, Requests: requests, Store: mem}
		if mode == "redis" {
			c, err := redisclient.New(&config.Redis{URL: e.redis.URL()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			o.Store = NewRedis(c, "junction:")
			o.Health = redisclient.NewHealth("ratelimit", nil, 200*time.Millisecond)
		}
		lim, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		gw, err := gateway.New(limitedSupergraph(t, demo.URLs, usersWindow),
			gateway.WithPlugins(lim.Plugins()...), gateway.WithPropagatedHeaders("X-User-Id"))
		if err != nil {
			t.Fatal(err)
		}
		e.gws[i], e.lims[i] = gw, lim
	}
	return e
}

func modes(t *testing.T) []string {
	if _, ok := redistest.Binary(); !ok {
		t.Log("redis-server not installed: memory mode only")
		return []string{"memory"}
	}
	return []string{"memory", "redis"}
}

type answer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
	header http.Header
}

func serve(t *testing.T, gw *gateway.Gateway, query, user, ip string) answer {
	t.Helper()
	h := http.Header{}
	if user != "" {
		h.Set("Authorization", "Bearer token-of-"+user)
		h.Set("X-User-Id", user)
	}
	if ip == "" {
		ip = "192.0.2.1"
	}
	ctx := context.Background()
	if user != "" {
		ctx = auth.NewContext(ctx, &auth.Principal{Provider: "test", Subject: "user-" + user})
	}
	resp := gw.Serve(ctx, &gateway.Request{Query: query, Header: h, RemoteAddr: ip + ":5555"})
	defer resp.Release()
	var a answer
	raw := map[string]any{"errors": resp.Errors}
	if resp.Data != nil {
		raw["data"] = resp.Data
	}
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	a.status, a.header = resp.Status, resp.Header
	return a
}

const addReview = `mutation { addReview(upc: "1", body: "ok") { body } }`

func TestFieldLimitExactAcrossTwoGateways(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, false, nil, "1m")
			const clients = 12
			var ok, limited atomic.Int64
			var wg sync.WaitGroup
			for i := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := serve(t, e.gws[i%2], addReview, "7", "")
					switch {
					case len(a.Errors) == 0 && string(a.Data["addReview"]) == `{"body":"ok"}`:
						ok.Add(1)
					case len(a.Errors) == 1 && a.Errors[0].Extensions["code"] == CodeRateLimited:
						limited.Add(1)
						if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" {
							t.Errorf("whole operation limited: status %d, Retry-After %q", a.status, a.header.Get("Retry-After"))
						}
						if r, _ := a.Errors[0].Extensions["retryAfter"].(float64); r < 1 || r > 60 {
							t.Errorf("retryAfter %v", a.Errors[0].Extensions["retryAfter"])
						}
						if fmt.Sprint(a.Errors[0].Path) != "[addReview]" || string(a.Data["addReview"]) != "null" {
							t.Errorf("limited answer: %+v", a)
						}
					default:
						t.Errorf("unexpected answer %+v", a)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 3 || limited.Load() != clients-3 {
				t.Fatalf("%d allowed, %d limited; want 3 and %d", ok.Load(), limited.Load(), clients-3)
			}
			if n := e.demo.Servers["reviews"].Requests(); n != 3 {
				t.Fatalf("reviews subgraph got %d requests; a limited mutation must never be sent", n)
			}
			// Another user has a limit of their own.
			if a := serve(t, e.gws[1], addReview, "8", ""); len(a.Errors) != 0 {
				t.Fatalf("other user limited: %+v", a)
			}
		})
	}
}

func TestPartialDenyAndWindowRollover(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, false, nil, "700ms")
			q := `{ users { id } topProducts(first: 1) { upc } }`
			for i := range 2 {
				if a := serve(t, e.gws[i], q, "", "198.51.100.4"); len(a.Errors) != 0 {
					t.Fatalf("request %d: %+v", i, a)
				}
			}
			a := serve(t, e.gws[0], q, "", "198.51.100.4")
			if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != CodeRateLimited || string(a.Data["users"]) != "null" ||
				string(a.Data["topProducts"]) != `[{"upc":"1"}]` {
				t.Fatalf("third request: %+v", a)
			}
			if a.status != 0 || a.header.Get("Retry-After") != "" {
				t.Fatalf("partial answer must not be 429: %d %v", a.status, a.header)
			}
			// Another IP is not limited by this one's hits.
			if a := serve(t, e.gws[1], q, "", "198.51.100.5"); len(a.Errors) != 0 {
				t.Fatalf("other ip: %+v", a)
			}
			time.Sleep(750 * time.Millisecond)
			if a := serve(t, e.gws[1], q, "", "198.51.100.4"); len(a.Errors) != 0 {
				t.Fatalf("after the window: %+v", a)
			}
		})
	}
}

func TestRequestLimits(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, false, []config.RequestLimit{{By: "ip", Max: 2, Window: time.Minute}}, "1m")
			q := `{ topProducts(first: 1) { upc } }`
			serve(t, e.gws[0], q, "", "203.0.113.9")
			serve(t, e.gws[1], q, "", "203.0.113.9")
			before := e.demo.Servers["products"].Requests()
			a := serve(t, e.gws[0], q, "", "203.0.113.9")
			if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" || a.Data != nil ||
				len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != CodeRateLimited {
				t.Fatalf("third request: %+v", a)
			}
			if e.demo.Servers["products"].Requests() != before {
				t.Fatal("a refused request reached a subgraph")
			}
		})
	}
}

func TestRedisKilledFailOpenThenRecovers(t *testing.T) {
	if _, ok := redistest.Binary(); !ok {
		t.Skip("redis-server not installed")
	}
	e := newEnv(t, "redis", false, nil, "1m")
	for range 3 {
		serve(t, e.gws[0], addReview, "9", "")
	}
	if a := serve(t, e.gws[0], addReview, "9", ""); len(a.Errors) != 1 {
		t.Fatalf("4th review allowed: %+v", a)
	}
	e.redis.Kill()
	for i := range 5 {
		start := time.Now()
		a := serve(t, e.gws[i%2], addReview, "9", "")
		if len(a.Errors) != 0 || string(a.Data["addReview"]) != `{"body":"ok"}` {
			t.Fatalf("fail open: request %d: %+v", i, a)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("request took %v with Redis down", d)
		}
	}
	if st := e.lims[0].o.Health.Stats(); st.Incidents != 1 || st.Failures == 0 {
		t.Fatalf("health %+v: want one incident", st)
	}
	e.redis.Restart() // empty: counts start again
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Once reconnected the limit holds again: user 10 gets 3.
		var allowed int
		for range 5 {
			if a := serve(t, e.gws[0], addReview, "10", ""); len(a.Errors) == 0 {
				allowed++
			}
		}
		if allowed == 3 && e.lims[0].o.Health.Up() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("limits not enforced after Redis restarted (%d allowed)", allowed)
		}
		time.Sleep(250 * time.Millisecond)
		e.redis.Restart()
	}
}

func TestRedisKilledFailClosed(t *testing.T) {
	if _, ok := redistest.Binary(); !ok {
		t.Skip("redis-server not installed")
	}
	e := newEnv(t, "redis", true, []config.RequestLimit{{By: "global", Max: 1000, Window: time.Minute}}, "1m")
	q := `{ users { id } topProducts(first: 1) { upc } }`
	if a := serve(t, e.gws[0], q, "", ""); len(a.Errors) != 0 {
		t.Fatalf("%+v", a)
	}
	e.redis.Kill()
	for i := range 3 {
		start := time.Now()
		a := serve(t, e.gws[i%2], q, "", "")
		if a.status != http.StatusTooManyRequests || len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != CodeRateLimited {
			t.Fatalf("fail closed: %+v", a)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("request took %v with Redis down", d)
		}
	}
	e.redis.Restart()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := serve(t, e.gws[0], q, "", "")
		if len(a.Errors) == 0 && string(a.Data["topProducts"]) == `[{"upc":"1"}]` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused after restart: %+v", a)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestPrepareRefusesBadRule(t *testing.T) {
	demo := subgraphs.Supergraph(nil)
	for _, tc := range []struct{ apply, want string }{
		{`@rateLimit(max: 0, window: "1m")`, "max must be an integer between 1 and rate_limits.max_limit (100000)"},
		{`@rateLimit(max: 3, window: "soon")`, `window must be a positive duration`},
		{`@rateLimit(max: 3, window: "1m", by: "moon")`, `by "moon" is not one of`},
	} {
		sdl := strings.Replace(demo, "users: [User] @join__field(graph: ACCOUNTS)", "users: [User] @join__field(graph: ACCOUNTS) "+tc.apply, 1)
		sg, err := schema.ParseSupergraph(sdl)
		if err != nil {
			t.Fatal(err)
		}
		lim, _ := New(Options{Store: NewMemory(10)})
		_, err = gateway.New(sg, gateway.WithPlugins(lim.Plugins()...))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Query.users") {
			t.Errorf("%s: got %v, want %q", tc.apply, err, tc.want)
		}
	}
}

// A limited field selected several times in one operation (aliases,
// repeated selections) counts one hit for its coordinate and key; over
// the limit every selection of it is denied.
func TestOneHitPerFieldAndKey(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, false, nil, "1m")
			// Mutation.addReview: 3 per minute per user.
			m := `mutation { a: addReview(upc: "1", body: "x") { body } b: addReview(upc: "2", body: "y") { body } }`
			for i := range 3 {
				a := serve(t, e.gws[i%2], m, "dup", "")
				if len(a.Errors) != 0 || string(a.Data["a"]) != `{"body":"x"}` || string(a.Data["b"]) != `{"body":"y"}` {
					t.Fatalf("mutation %d (two aliases, one hit): %+v", i, a)
				}
			}
			a := serve(t, e.gws[0], m, "dup", "")
			if a.status != http.StatusTooManyRequests || len(a.Errors) != 2 ||
				string(a.Data["a"]) != "null" || string(a.Data["b"]) != "null" {
				t.Fatalf("fourth mutation: both aliases must be denied: %+v", a)
			}
			for _, er := range a.Errors {
				if er.Extensions["code"] != CodeRateLimited {
					t.Fatalf("fourth mutation: %+v", a)
				}
			}

			// Query.users: 2 per window per IP, selected twice per query.
			q := `{ users { id } again: users { id } topProducts(first: 1) { upc } ...F } fragment F on Query { users { id } }`
			for i := range 2 {
				if a := serve(t, e.gws[i], q, "", "198.51.100.77"); len(a.Errors) != 0 {
					t.Fatalf("query %d (users selected twice, one hit): %+v", i, a)
				}
			}
			a = serve(t, e.gws[0], q, "", "198.51.100.77")
			if a.status != 0 || len(a.Errors) != 2 || string(a.Data["users"]) != "null" || string(a.Data["again"]) != "null" ||
				string(a.Data["topProducts"]) != `[{"upc":"1"}]` {
				t.Fatalf("third query: every selection of users denied, the rest answered: %+v", a)
			}
		})
	}
}
