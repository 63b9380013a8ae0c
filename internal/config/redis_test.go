package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRedisAbsentIsNil(t *testing.T) {
	c, err := Parse([]byte("listen: 127.0.0.1:4000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Redis != nil {
		t.Fatalf("redis configured without a redis section: %+v", c.Redis)
	}
}

func TestRedisDefaultsAndEnv(t *testing.T) {
	t.Setenv("JT_REDIS_PASS", "s3cret")
	c, err := Parse([]byte(`
redis:
  url: rediss://app:${JT_REDIS_PASS}@cache.internal:6380/2
  pool_size: 20
`))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redis
	if r.URL != "rediss://app:s3cret@cache.internal:6380/2" {
		t.Fatalf("url %q", r.URL)
	}
	if r.PoolSize != 20 || r.DialTimeout != 500*time.Millisecond || r.ReadTimeout != 250*time.Millisecond ||
		r.WriteTimeout != 250*time.Millisecond || r.KeyPrefix != "junction:" {
		t.Fatalf("defaults %+v", r)
	}
}

func TestRedisURLFromEnvOverride(t *testing.T) {
	t.Setenv("JUNCTION_REDIS_URL", "redis://127.0.0.1:6399/0")
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Redis == nil || c.Redis.URL != "redis://127.0.0.1:6399/0" {
		t.Fatalf("JUNCTION_REDIS_URL not applied: %+v", c.Redis)
	}
}

func TestRedisSentinelAndCluster(t *testing.T) {
	c, err := Parse([]byte(`
redis:
  addrs: [10.0.0.1:26379, 10.0.0.2:26379]
  master_name: mymaster
  password: ${JT_SENTINEL_PW}
`))
	if err == nil || !strings.Contains(err.Error(), "JT_SENTINEL_PW is not set") {
		t.Fatalf("unset env: got %v, %+v", err, c)
	}
	t.Setenv("JT_SENTINEL_PW", "pw")
	c, err = Parse([]byte(`
redis:
  addrs: [10.0.0.1:26379, 10.0.0.2:26379]
  master_name: mymaster
  password: ${JT_SENTINEL_PW}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Redis.Password != "pw" || c.Redis.MasterName != "mymaster" || len(c.Redis.Addrs) != 2 {
		t.Fatalf("%+v", c.Redis)
	}
}

func TestRedisErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"redis: {}", "redis: set url or addrs"},
		{"redis: {url: 'redis://a:1', addrs: ['b:2']}", "not both"},
		{"redis: {url: 'http://a:1'}", `redis.url: scheme "http"`},
		{"redis: {addrs: [nohost]}", "redis.addrs[0]"},
		{"redis: {url: 'redis://a:1', master_name: m}", "redis.master_name"},
		{"redis: {addrs: ['a:1'], master_name: m, cluster: true}", "exclude each other"},
		{"redis: {url: 'redis://a:1', read_timeout: -1s}", "redis.read_timeout"},
		{"redis: {url: 'redis://a:1', pool_size: -1}", "redis.pool_size"},
		{"redis: {url: 'redis://a:1', bogus: 1}", "redis.bogus: unknown key"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}
