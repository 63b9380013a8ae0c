package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/internal/redistest"
)

func TestMemorySlidingWindow(t *testing.T) {
	m := NewMemory(100)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	take := func() Verdict {
		out := make([]Verdict, 1)
		if err := m.Take(context.Background(), []Hit{{Key: "k", Max: 3, Window: time.Minute}}, out); err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	for i := range 3 {
		if v := take(); !v.Allowed {
			t.Fatalf("hit %d refused", i)
		}
		now = now.Add(10 * time.Second)
	}
	// Hits at 0s, 10s, 20s; now 30s: refused until 60s.
	if v := take(); v.Allowed || v.RetryAfter != 30*time.Second {
		t.Fatalf("4th hit: %+v", v)
	}
	now = now.Add(30 * time.Second) // 60s: the first hit left the window
	if v := take(); !v.Allowed {
		t.Fatal("hit after the oldest left the window refused")
	}
	if v := take(); v.Allowed || v.RetryAfter != 10*time.Second {
		t.Fatalf("next: %+v", v)
	}
}

func TestMemoryKeysBounded(t *testing.T) {
	m := NewMemory(64)
	out := make([]Verdict, 1)
	for i := range 1000 {
		_ = m.Take(context.Background(), []Hit{{Key: string(rune('a'+i%26)) + string(rune(i)), Max: 1, Window: time.Hour}}, out)
	}
	n := 0
	for i := range m.shards {
		n += m.shards[i].keys.Len()
	}
	if n > 64 {
		t.Fatalf("%d keys kept, bound 64", n)
	}
}

// stores returns a memory store and, when redis-server is installed, two
// Redis stores with their own clients on one server (two gateways).
func stores(t *testing.T) map[string][2]Store {
	t.Helper()
	m := NewMemory(1000)
	out := map[string][2]Store{"memory": {m, m}}
	if _, ok := redistest.Binary(); !ok {
		return out
	}
	srv := redistest.Start(t)
	var rs [2]Store
	for i := range rs {
		c, err := redisclient.New(&config.Redis{URL: srv.URL()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		rs[i] = NewRedis(c, "test:")
	}
	out["redis"] = rs
	return out
}

func TestExactUnderConcurrency(t *testing.T) {
	for name, ss := range stores(t) {
		t.Run(name, func(t *testing.T) {
			const max, workers, each = 25, 8, 20
			var allowed atomic.Int64
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := ss[w%2]
					for range each {
						// Two hits per call on two keys: both limits hold.
						out := make([]Verdict, 2)
						if err := s.Take(context.Background(), []Hit{
							{Key: "a", Max: max, Window: time.Minute},
							{Key: "b", Max: 2 * max, Window: time.Minute},
						}, out); err != nil {
							t.Error(err)
							return
						}
						if out[0].Allowed {
							allowed.Add(1)
						} else if out[0].RetryAfter <= 0 || out[0].RetryAfter > time.Minute {
							t.Errorf("retry after %v", out[0].RetryAfter)
						}
					}
				}()
			}
			wg.Wait()
			if got := allowed.Load(); got != max {
				t.Fatalf("%d hits allowed, limit %d", got, max)
			}
		})
	}
}

func TestWindowRollsOver(t *testing.T) {
	for name, ss := range stores(t) {
		t.Run(name, func(t *testing.T) {
			const window = 400 * time.Millisecond
			take := func() Verdict {
				out := make([]Verdict, 1)
				if err := ss[0].Take(context.Background(), []Hit{{Key: "roll", Max: 2, Window: window}}, out); err != nil {
					t.Fatal(err)
				}
				return out[0]
			}
			start := time.Now()
			if !take().Allowed || !take().Allowed {
				t.Fatal("first two hits refused")
			}
			v := take()
			if time.Since(start) < window/2 && (v.Allowed || v.RetryAfter > window) {
				t.Fatalf("third hit in the window: %+v", v)
			}
			time.Sleep(window + 50*time.Millisecond)
			if !take().Allowed || !take().Allowed {
				t.Fatal("hits refused after the window rolled over")
			}
		})
	}
}

func TestRepeatedKeyTakesTwoSlots(t *testing.T) {
	for name, ss := range stores(t) {
		t.Run(name, func(t *testing.T) {
			out := make([]Verdict, 3)
			h := Hit{Key: "rep", Max: 2, Window: time.Minute}
			if err := ss[1].Take(context.Background(), []Hit{h, h, h}, out); err != nil {
				t.Fatal(err)
			}
			if !out[0].Allowed || !out[1].Allowed || out[2].Allowed {
				t.Fatalf("%+v", out)
			}
		})
	}
}
