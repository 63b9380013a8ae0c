package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Memory is a Store in this process: per key, the times of the hits still
// in the window (oldest first). It keeps at most maxKeys keys (least
// recently used dropped first), each with at most its Max times.
type Memory struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [memoryShards]memoryShard
}

const memoryShards = 32

type memoryShard struct {
	mu   sync.Mutex
	keys *simplelru.LRU[string, *hitLog]
}

// hitLog is a ring of hit times (unix nanoseconds), oldest at head.
type hitLog struct {
	times []int64
	head  int
	n     int
}

// NewMemory returns a memory store keeping at most maxKeys keys.
func NewMemory(maxKeys int) *Memory {
	if maxKeys < memoryShards {
		maxKeys = memoryShards
	}
	m := &Memory{now: time.Now, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].keys, _ = simplelru.NewLRU[string, *hitLog](maxKeys/memoryShards, nil)
	}
	return m
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, hits []Hit, out []Verdict) error {
	now := m.now().UnixNano()
	for i, h := range hits {
		sh := &m.shards[maphash.String(m.seed, h.Key)%memoryShards]
		sh.mu.Lock()
		l, ok := sh.keys.Get(h.Key)
		if !ok {
			l = &hitLog{}
			sh.keys.Add(h.Key, l)
		}
		out[i] = l.take(now, h.Max, int64(h.Window))
		sh.mu.Unlock()
	}
	return nil
}

func (l *hitLog) take(now int64, max int, window int64) Verdict {
	if len(l.times) != max {
		l.resize(max)
	}
	for l.n > 0 && l.times[l.head] <= now-window {
		l.head = (l.head + 1) % len(l.times)
		l.n--
	}
	if l.n < max {
		l.times[(l.head+l.n)%len(l.times)] = now
		l.n++
		return Verdict{Allowed: true}
	}
	return Verdict{RetryAfter: time.Duration(l.times[l.head] + window - now)}
}

// resize keeps the newest hits when a limit's max changed (a new supergraph).
func (l *hitLog) resize(max int) {
	times := make([]int64, max)
	keep := min(l.n, max)
	for i := 0; i < keep; i++ {
		times[i] = l.times[(l.head+l.n-keep+i)%len(l.times)]
	}
	l.times, l.head, l.n = times, 0, keep
}
