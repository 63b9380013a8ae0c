package cache

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
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

// hinted is the demo supergraph (its @cacheControl hints: Product and
// Query.topProducts 60s) with Product.inStock inStockAge and Query.me 60s
// PRIVATE.
func hinted(t testing.TB, urls map[string]string, inStockAge string) *schema.Supergraph {
	t.Helper()
	sdl := subgraphs.Supergraph(urls)
	rep := func(old, new string) {
		if !strings.Contains(sdl, old) {
			t.Fatalf("demo supergraph changed: %q not found", old)
		}
		sdl = strings.Replace(sdl, old, new, 1)
	}
	// The demo declares Product and Query.topProducts 60s, Product.inStock 5s.
	rep("inStock: Boolean @join__field(graph: INVENTORY) @cacheControl(maxAge: 5)", "inStock: Boolean @join__field(graph: INVENTORY) @cacheControl(maxAge: "+inStockAge+")")
	rep("me: User @join__field(graph: ACCOUNTS) @authenticated", "me: User @join__field(graph: ACCOUNTS) @authenticated @cacheControl(maxAge: 60, scope: PRIVATE)")
	sg, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

type env struct {
	demo  *subgraphs.Demo
	redis *redistest.Server
	cache *Cache
	gw    *gateway.Gateway
	plain *gateway.Gateway // the same graph without a cache
}

func newEnv(t *testing.T, mode, inStockAge string) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	e := &env{demo: demo}
	o := Options{}
	if mode == "redis" {
		e.redis = redistest.Start(t)
		c, err := redisclient.New(&config.Redis{URL: e.redis.URL()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		o.Store = NewRedis(c, "junction:")
		o.Health = redisclient.NewHealth("cache", nil, 100*time.Millisecond)
	} else {
		o.Store = NewMemory(1000, 1<<20)
	}
	if e.cache, err = New(o); err != nil {
		t.Fatal(err)
	}
	sg := hinted(t, demo.URLs, inStockAge)
	opts := []gateway.Option{gateway.WithPropagatedHeaders("X-User-Id"), gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false)}
	if e.gw, err = gateway.New(sg, append(opts, gateway.WithPlugins(e.cache.Plugin()), gateway.WithEntityCache(e.cache.Build), gateway.WithAPQStore(e.cache.APQ()))...); err != nil {
		t.Fatal(err)
	}
	if e.plain, err = gateway.New(sg, opts...); err != nil {
		t.Fatal(err)
	}
	return e
}

func modes(t *testing.T) []string {
	if _, ok := redistest.Binary(); !ok {
		return []string{"memory"}
	}
	return []string{"memory", "redis"}
}

// counts are the demo subgraphs' requests and representations so far.
type counts map[string][2]int64

func (e *env) counts() counts {
	c := counts{}
	for n, s := range e.demo.Servers {
		c[n] = [2]int64{s.Requests(), s.Representations()}
	}
	return c
}

// since is how many requests (and representations) each subgraph got since c.
func (e *env) since(c counts) map[string][2]int64 {
	out := map[string][2]int64{}
	for n, v := range e.counts() {
		if d := [2]int64{v[0] - c[n][0], v[1] - c[n][1]}; d != [2]int64{} {
			out[n] = d
		}
	}
	return out
}

type result struct {
	body         string
	cacheControl string
}

func do(t *testing.T, gw *gateway.Gateway, query string, user string) result {
	t.Helper()
	ctx := context.Background()
	h := http.Header{}
	if user != "" {
		ctx = auth.NewContext(ctx, &auth.Principal{Provider: "test", Subject: user})
		h.Set("X-User-Id", user)
	}
	resp := gw.Serve(ctx, &gateway.Request{Query: query, Header: h})
	defer resp.Release()
	b, _ := json.Marshal(map[string]any{"data": resp.Data, "errors": resp.Errors})
	return result{body: string(b), cacheControl: resp.Header.Get("Cache-Control")}
}

func TestHitMakesNoSubgraphRequest(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, "5")
			q := `{ topProducts { upc name price inStock } }`
			want := do(t, e.plain, q, "")
			c := e.counts()
			first := do(t, e.gw, q, "")
			if first.body != want.body {
				t.Fatalf("first answer\n%s\nwant\n%s", first.body, want.body)
			}
			if got := e.since(c); got["products"][0] != 1 || got["inventory"][0] != 1 {
				t.Fatalf("first request: subgraph requests %v", got)
			}
			c = e.counts()
			second := do(t, e.gw, q, "")
			if second.body != want.body {
				t.Fatalf("cached answer\n%s\nwant\n%s", second.body, want.body)
			}
			if got := e.since(c); len(got) != 0 {
				t.Fatalf("a cache hit asked subgraphs %v", got)
			}
			if first.cacheControl != "max-age=5, public" || second.cacheControl != "max-age=5, public" {
				t.Fatalf("Cache-Control %q, %q", first.cacheControl, second.cacheControl)
			}
		})
	}
}

func TestPartialHitFetchesOnlyMisses(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, "5")
			do(t, e.gw, `{ topProducts(first: 2) { upc inStock } }`, "")
			q2 := `{ topProducts(first: 4) { upc inStock } }`
			want2 := do(t, e.plain, q2, "")
			c := e.counts()
			got2 := do(t, e.gw, q2, "")
			if got2.body != want2.body {
				t.Fatalf("answer\n%s\nwant\n%s", got2.body, want2.body)
			}
			// Root field topProducts(first: 4) misses (other arguments than
			// first: 2); of its 4 products, 2 have inStock cached: inventory
			// gets one request with the 2 misses only.
			if d := e.since(c); d["products"][0] != 1 || d["inventory"] != [2]int64{1, 2} {
				t.Fatalf("partial hit: subgraph requests and representations %v", d)
			}
			c = e.counts()
			do(t, e.gw, q2, "")
			if d := e.since(c); len(d) != 0 {
				t.Fatalf("all hits now, yet %v", d)
			}
		})
	}
}

func TestPrivateNeverCrossesPrincipals(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, "5")
			q := `{ me { id name } }`
			a1 := do(t, e.gw, q, "1")
			c := e.counts()
			b := do(t, e.gw, q, "2")
			if !strings.Contains(a1.body, `"id":"1"`) || !strings.Contains(b.body, `"id":"2"`) {
				t.Fatalf("user 1 got %s, user 2 got %s", a1.body, b.body)
			}
			if d := e.since(c); d["accounts"][0] != 1 {
				t.Fatalf("user 2 was answered from user 1's entry: %v", d)
			}
			c = e.counts()
			a2 := do(t, e.gw, q, "1")
			if a2.body != a1.body || len(e.since(c)) != 0 {
				t.Fatalf("user 1's own entry not used: %s %v", a2.body, e.since(c))
			}
			if a1.cacheControl != "max-age=60, private" {
				t.Fatalf("Cache-Control %q", a1.cacheControl)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, "1")
			q := `{ topProducts(first: 1) { upc inStock } }`
			do(t, e.gw, q, "")
			c := e.counts()
			do(t, e.gw, q, "")
			if d := e.since(c); len(d) != 0 {
				t.Fatalf("not cached: %v", d)
			}
			time.Sleep(1100 * time.Millisecond)
			c = e.counts()
			do(t, e.gw, q, "")
			// The root field (60s) is still cached; inStock (1s) expired.
			if d := e.since(c); d["inventory"][0] != 1 || d["products"][0] != 0 {
				t.Fatalf("after inStock's maxAge: %v", d)
			}
		})
	}
}

func TestPurge(t *testing.T) {
	for _, mode := range modes(t) {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, mode, "5")
			q := `{ topProducts(first: 3) { upc inStock } }`
			do(t, e.gw, q, "")
			srv := httptest.NewServer(e.cache.Handler(func() string { return "s3cret" }))
			defer srv.Close()
			post := func(token, body string) int {
				req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if code := post("", `{"all": true}`); code != 401 {
				t.Fatalf("purge without the token: %d", code)
			}
			if code := post("wrong", `{"all": true}`); code != 401 {
				t.Fatalf("purge with a wrong token: %d", code)
			}
			if code := post("s3cret", `{"nothing": 1}`); code != 400 {
				t.Fatalf("bad purge: %d", code)
			}
			// One product: only its entity is fetched again.
			if code := post("s3cret", `{"type": "Product", "key": {"upc": "2"}}`); code != 200 {
				t.Fatalf("purge type+key: %d", code)
			}
			c := e.counts()
			do(t, e.gw, q, "")
			if d := e.since(c); d["inventory"] != [2]int64{1, 1} || d["products"][0] != 0 {
				t.Fatalf("after purging Product 2: %v", d)
			}
			// The type: its entities and the root field returning it.
			if code := post("s3cret", `{"type": "Product"}`); code != 200 {
				t.Fatalf("purge type: %d", code)
			}
			c = e.counts()
			do(t, e.gw, q, "")
			if d := e.since(c); d["inventory"] != [2]int64{1, 3} || d["products"][0] != 1 {
				t.Fatalf("after purging Product: %v", d)
			}
			if code := post("s3cret", `{"all": true}`); code != 200 {
				t.Fatalf("purge all: %d", code)
			}
			c = e.counts()
			do(t, e.gw, q, "")
			if d := e.since(c); d["inventory"][0] != 1 || d["products"][0] != 1 {
				t.Fatalf("after purging all: %v", d)
			}
		})
	}
}

func TestNoHintNoStoreAndMutations(t *testing.T) {
	e := newEnv(t, "memory", "5")
	if r := do(t, e.gw, `{ users { id } }`, ""); r.cacheControl != "no-store" {
		t.Fatalf("data without a hint: %q", r.cacheControl)
	}
	c := e.counts()
	do(t, e.gw, `{ users { id } }`, "")
	if d := e.since(c); d["accounts"][0] != 1 {
		t.Fatalf("data without a hint was cached: %v", d)
	}
	if r := do(t, e.gw, `mutation { addReview(upc: "1", body: "x") { body } }`, "1"); r.cacheControl != "no-store" || !strings.Contains(r.body, `"body":"x"`) {
		t.Fatalf("mutation: %q %s", r.cacheControl, r.body)
	}
}

func TestRedisKilledIsAMiss(t *testing.T) {
	if _, ok := redistest.Binary(); !ok {
		t.Skip("redis-server not installed")
	}
	e := newEnv(t, "redis", "5")
	q := `{ topProducts { upc name inStock } }`
	want := do(t, e.plain, q, "")
	do(t, e.gw, q, "")
	e.redis.Kill()
	for range 3 {
		start := time.Now()
		c := e.counts()
		if got := do(t, e.gw, q, ""); got.body != want.body {
			t.Fatalf("answer with Redis down\n%s\nwant\n%s", got.body, want.body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("request took %v with Redis down", d)
		}
		if d := e.since(c); d["products"][0] != 1 {
			t.Fatalf("with Redis down every fetch goes out: %v", d)
		}
	}
	e.redis.Restart()
	deadline := time.Now().Add(5 * time.Second)
	for {
		time.Sleep(150 * time.Millisecond) // past the health backoff
		do(t, e.gw, q, "")
		c := e.counts()
		got := do(t, e.gw, q, "")
		if got.body != want.body {
			t.Fatalf("answer after restart\n%s", got.body)
		}
		if len(e.since(c)) == 0 {
			break // cached again
		}
		if time.Now().After(deadline) {
			t.Fatalf("not caching after Redis restarted: %v", e.since(c))
		}
	}
}

func TestCorruptEntryIsAMiss(t *testing.T) {
	e := newEnv(t, "memory", "5")
	q := `{ topProducts(first: 2) { upc inStock } }`
	want := do(t, e.plain, q, "")
	do(t, e.gw, q, "")
	m := e.cache.o.Store.(*Memory)
	m.mu.Lock()
	for el := m.lru.Front(); el != nil; el = el.Next() {
		el.Value.(*memEntry).value = []byte(`{"broken`)
	}
	m.mu.Unlock()
	if got := do(t, e.gw, q, ""); got.body != want.body {
		t.Fatalf("answer with corrupt entries\n%s\nwant\n%s", got.body, want.body)
	}
}

// Issue 11: when a new supergraph version is served, the entries of the
// types it changed are dropped (not only left unreachable by the
// subgraph fingerprint); a rebuild of the same version drops nothing.
func TestNewSupergraphPurgesChangedTypes(t *testing.T) {
	e := newEnv(t, "memory", "5")
	mem := e.cache.o.Store.(*Memory)
	q := `{ topProducts(first: 2) { upc name } }`
	do(t, e.gw, q, "")
	if mem.Len() == 0 {
		t.Fatal("nothing cached")
	}
	// The same version again: nothing purged.
	if err := e.gw.Swap(hinted(t, e.demo.URLs, "5")); err != nil {
		t.Fatal(err)
	}
	before := e.counts()
	do(t, e.gw, q, "")
	if d := e.since(before); len(d) != 0 {
		t.Fatalf("same version: subgraph requests %v, want a hit", d)
	}
	time.Sleep(100 * time.Millisecond)
	if mem.Len() == 0 {
		t.Fatal("the same version purged the cache")
	}
	// Product.name deprecated: Product changed; its entries go once the
	// new version serves a request.
	sdl := strings.Replace(subgraphs.Supergraph(e.demo.URLs), "  name: String @join__field(graph: PRODUCTS)\n",
		"  name: String @join__field(graph: PRODUCTS) @deprecated(reason: \"test\")\n", 1)
	sg2, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	if len(changedTypes(hinted(t, e.demo.URLs, "5"), sg2)) == 0 {
		t.Fatal("the edit changed no type")
	}
	if err := e.gw.Swap(sg2); err != nil {
		t.Fatal(err)
	}
	n := mem.Len()
	do(t, e.gw, `{ me { id } }`, "")
	deadline := time.Now().Add(5 * time.Second)
	for mem.Len() >= n {
		if time.Now().After(deadline) {
			t.Fatalf("entries of the changed type Product kept: %d", mem.Len())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
