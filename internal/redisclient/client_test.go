package redisclient

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/redistest"
)

func TestOptionsFromConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   config.Redis
		check func(t *testing.T, o *redis.UniversalOptions)
	}{
		{"url", config.Redis{URL: "redis://u:p@h:6390/3"}, func(t *testing.T, o *redis.UniversalOptions) {
			if len(o.Addrs) != 1 || o.Addrs[0] != "h:6390" || o.Username != "u" || o.Password != "p" || o.DB != 3 || o.TLSConfig != nil {
				t.Fatalf("%+v", o)
			}
			if _, ok := redis.NewUniversalClient(o).(*redis.Client); !ok {
				t.Fatal("one url is not a single-node client")
			}
		}},
		{"tls url, password override", config.Redis{URL: "rediss://h:6390", Password: "cfg", TLSServerName: "redis.example"}, func(t *testing.T, o *redis.UniversalOptions) {
			if o.TLSConfig == nil || o.TLSConfig.ServerName != "redis.example" || o.Password != "cfg" {
				t.Fatalf("%+v", o)
			}
		}},
		{"sentinel", config.Redis{Addrs: []string{"a:26379", "b:26379"}, MasterName: "m", TLS: true}, func(t *testing.T, o *redis.UniversalOptions) {
			if o.MasterName != "m" || o.TLSConfig == nil {
				t.Fatalf("%+v", o)
			}
			c := redis.NewUniversalClient(o)
			defer c.Close()
			if _, ok := c.(*redis.Client); !ok { // a failover client is a *redis.Client
				t.Fatalf("sentinel gave %T", c)
			}
		}},
		{"cluster", config.Redis{Addrs: []string{"a:6379", "b:6379"}}, func(t *testing.T, o *redis.UniversalOptions) {
			c := redis.NewUniversalClient(o)
			defer c.Close()
			if _, ok := c.(*redis.ClusterClient); !ok {
				t.Fatalf("two addrs gave %T", c)
			}
		}},
		{"cluster one endpoint", config.Redis{URL: "redis://a:6379", Cluster: true}, func(t *testing.T, o *redis.UniversalOptions) {
			c := redis.NewUniversalClient(o)
			defer c.Close()
			if _, ok := c.(*redis.ClusterClient); !ok {
				t.Fatalf("cluster: true gave %T", c)
			}
		}},
		{"short timeouts by default", config.Redis{URL: "redis://h:1"}, func(t *testing.T, o *redis.UniversalOptions) {
			if o.DialTimeout != 500*time.Millisecond || o.ReadTimeout != 250*time.Millisecond || o.WriteTimeout != 250*time.Millisecond || !o.ContextTimeoutEnabled || o.MaxRetries != 1 {
				t.Fatalf("%+v", o)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Options(&tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, o)
		})
	}
}

func TestOptionsBadURLDoesNotLeakPassword(t *testing.T) {
	_, err := Options(&config.Redis{URL: "redis://u:topsecret@h:notaport"})
	if err == nil || !errors.Is(err, ErrConfig) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("error quotes the password: %v", err)
	}
}

func TestClientAgainstRealServerKillRestart(t *testing.T) {
	srv := redistest.Start(t)
	c, err := New(&config.Redis{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("get %q %v", v, err)
	}

	srv.Kill()
	start := time.Now()
	if err := c.Get(ctx, "k").Err(); err == nil {
		t.Fatal("get succeeded with redis-server killed")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a command against a dead server took %v (timeouts must bound it)", d)
	}

	srv.Restart()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := c.Set(ctx, "k2", "v2", 0).Err()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client did not reconnect: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := srv.Do("GET", "k2"); got != "$2" {
		t.Fatalf("restarted server does not hold k2: %q", got)
	}
}

func TestHealthLogsOncePerIncidentAndBacksOff(t *testing.T) {
	var buf bytes.Buffer
	h := NewHealth("cache", slog.New(slog.NewTextHandler(&buf, nil)), time.Second)
	now := time.Unix(1000, 0)
	h.now = func() time.Time { return now }

	if !h.Allow() || !h.Up() {
		t.Fatal("healthy at start")
	}
	for range 5 {
		h.Failure(errors.New("dial tcp: connection refused"))
	}
	if h.Up() {
		t.Fatal("up after failures")
	}
	if h.Allow() {
		t.Fatal("allowed within the backoff")
	}
	now = now.Add(1100 * time.Millisecond)
	if !h.Allow() {
		t.Fatal("no probe after the backoff")
	}
	if h.Allow() {
		t.Fatal("two probes in one backoff")
	}
	h.Success()
	if !h.Up() || !h.Allow() {
		t.Fatal("not up after success")
	}
	h.Failure(errors.New("again"))
	h.Success()
	logs := buf.String()
	if n := strings.Count(logs, "redis unavailable"); n != 2 {
		t.Fatalf("%d incident logs, want 2 (one per incident):\n%s", n, logs)
	}
	if n := strings.Count(logs, "redis available again"); n != 2 {
		t.Fatalf("%d recovery logs, want 2:\n%s", n, logs)
	}
	st := h.Stats()
	if st.Incidents != 2 || st.Failures != 8 { // 6 failures + 2 skipped
		t.Fatalf("stats %+v", st)
	}
}
