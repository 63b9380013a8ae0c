package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// RedisStore keeps the registry in Redis, for several gateway replicas
// sharing one registry (go-redis UniversalClient: a single node, Sentinel or
// Cluster; every key carries the {registry} hash tag so that the commit
// script's keys live in one Cluster slot):
//
//	<prefix>{registry}:current      the current snapshot (JSON)
//	<prefix>{registry}:seq          its sequence number
//	<prefix>{registry}:history      history entries, newest first (capped)
//	<prefix>{registry}:usage:count  operation usage counts (hash)
//	<prefix>{registry}:usage:meta   operation usage details (hash, JSON)
//	<prefix>registry:changes        pub/sub channel: the new sequence number
//
// A commit is one Lua script: it compares the stored sequence number with
// the one the change was built from (the optimistic check), writes the
// snapshot, the sequence number and the history entry, trims the history
// and publishes, atomically.
type RedisStore struct {
	rdb      redis.UniversalClient
	current  string
	seq      string
	history  string
	ucount   string
	umeta    string
	channel  string
	keep     int
	usageMax int
}

// NewRedisStore returns a store over rdb with keys under prefix (e.g.
// "junction:"). Close does not close rdb.
func NewRedisStore(rdb redis.UniversalClient, prefix string) *RedisStore {
	base := prefix + "{registry}:"
	return &RedisStore{rdb: rdb, current: base + "current", seq: base + "seq", history: base + "history",
		ucount: base + "usage:count", umeta: base + "usage:meta", channel: prefix + "registry:changes",
		keep: DefaultHistoryLimit, usageMax: DefaultMaxUsageEntries}
}

// Load implements Store.
func (s *RedisStore) Load(ctx context.Context) (*Snapshot, error) {
	b, err := s.rdb.Get(ctx, s.current).Bytes()
	if errors.Is(err, redis.Nil) {
		return &Snapshot{}, nil
	}
	if err != nil {
		return nil, err
	}
	var snap Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("registry: %s: %w", s.current, err)
	}
	return &snap, nil
}

// Seq implements Store.
func (s *RedisStore) Seq(ctx context.Context) (int64, error) {
	n, err := s.rdb.Get(ctx, s.seq).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

var commitScript = redis.NewScript(`
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('LPUSH', KEYS[3], ARGV[4])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
redis.call('PUBLISH', ARGV[6], ARGV[3])
return 1
`)

// Commit implements Store.
func (s *RedisStore) Commit(ctx context.Context, prev int64, next *Snapshot, h HistoryEntry) error {
	sb, err := json.Marshal(next)
	if err != nil {
		return err
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	ok, err := commitScript.Run(ctx, s.rdb, []string{s.current, s.seq, s.history},
		strconv.FormatInt(prev, 10), sb, strconv.FormatInt(next.Seq, 10), hb, s.keep, s.channel).Int()
	if err != nil {
		return err
	}
	if ok != 1 {
		return ErrConflict
	}
	return nil
}

// History implements Store.
func (s *RedisStore) History(ctx context.Context, limit int) ([]HistoryEntry, error) {
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	raw, err := s.rdb.LRange(ctx, s.history, 0, stop).Result()
	if err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, 0, len(raw))
	for _, r := range raw {
		var h HistoryEntry
		if err := json.Unmarshal([]byte(r), &h); err != nil {
			return nil, fmt.Errorf("registry: %s: %w", s.history, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// Changed implements Store: a value per message on the changes channel.
// go-redis resubscribes after a lost connection; what is published
// meanwhile is caught up by the registry's polling.
func (s *RedisStore) Changed(ctx context.Context) <-chan struct{} {
	ps := s.rdb.Subscribe(ctx, s.channel)
	out := make(chan struct{}, 1)
	go func() {
		defer ps.Close()
		msgs := ps.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-msgs:
				if !ok {
					return
				}
				select {
				case out <- struct{}{}:
				default: // one pending wake-up is enough
				}
			}
		}
	}()
	return out
}

var usageScript = redis.NewScript(`
local max = tonumber(ARGV[1])
local n = redis.call('HLEN', KEYS[1])
for i = 2, #ARGV, 3 do
  local f = ARGV[i]
  local known = redis.call('HEXISTS', KEYS[1], f) == 1
  if known or n < max then
    if not known then n = n + 1 end
    redis.call('HINCRBY', KEYS[1], f, ARGV[i+1])
    redis.call('HSET', KEYS[2], f, ARGV[i+2])
  end
end
return n
`)

// AddUsage implements Store: counts are added (HINCRBY), details replaced;
// past the entry bound, new entries are dropped.
func (s *RedisStore) AddUsage(ctx context.Context, batch []OperationUsage) error {
	if len(batch) == 0 {
		return nil
	}
	args := make([]any, 0, 1+3*len(batch))
	args = append(args, s.usageMax)
	for _, u := range batch {
		meta := u
		meta.Count = 0
		b, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		args = append(args, u.Key(), u.Count, b)
	}
	return usageScript.Run(ctx, s.rdb, []string{s.ucount, s.umeta}, args...).Err()
}

// Usage implements Store.
func (s *RedisStore) Usage(ctx context.Context) ([]OperationUsage, error) {
	counts, err := s.rdb.HGetAll(ctx, s.ucount).Result()
	if err != nil {
		return nil, err
	}
	metas, err := s.rdb.HGetAll(ctx, s.umeta).Result()
	if err != nil {
		return nil, err
	}
	out := make([]OperationUsage, 0, len(counts))
	for k, c := range counts {
		var u OperationUsage
		if err := json.Unmarshal([]byte(metas[k]), &u); err != nil {
			continue // written between the two reads
		}
		u.Count, _ = strconv.ParseInt(c, 10, 64)
		out = append(out, u)
	}
	sortUsage(out)
	return out, nil
}

// Close implements Store.
func (s *RedisStore) Close() error { return nil }
