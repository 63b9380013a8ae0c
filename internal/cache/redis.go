package cache

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store shared by every gateway on the same Redis. Every key
// carries the hash tag {jc}, so that a cluster keeps the cache (and its
// tag sets, which scripts update with the entries) on one node.
type Redis struct {
	client redis.UniversalClient
	prefix string // prefix + "{jc}"
}

// NewRedis returns a store on client; keys start with prefix.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix + "{jc}"}
}

func (r *Redis) key(k string) string { return r.prefix + "e:" + k }
func (r *Redis) tag(t string) string { return r.prefix + "t:" + t }

// Get implements Store: one MGET.
func (r *Redis) Get(ctx context.Context, keys []string) ([][]byte, error) {
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = r.key(k)
	}
	vals, err := r.client.MGet(ctx, ks...).Result()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	out := make([][]byte, len(keys))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = []byte(s)
		}
	}
	return out, nil
}

// setScript stores entries with their TTL and adds each to its tag sets,
// whose TTL grows to the longest of their entries'. ARGV per entry: value,
// ttl ms, number of tags; KEYS per entry: the key, then its tag sets.
var setScript = redis.NewScript(`
local k = 1
local a = 1
while a <= #ARGV do
  local key = KEYS[k]
  local ttl = tonumber(ARGV[a + 1])
  local ntags = tonumber(ARGV[a + 2])
  redis.call('SET', key, ARGV[a], 'PX', ttl)
  for t = 1, ntags do
    local tag = KEYS[k + t]
    redis.call('SADD', tag, key)
    if redis.call('PTTL', tag) < ttl then
      redis.call('PEXPIRE', tag, ttl)
    end
  end
  k = k + 1 + ntags
  a = a + 3
end
return 0
`)

// Set implements Store: one script call.
func (r *Redis) Set(ctx context.Context, entries []Entry) error {
	var keys []string
	var args []any
	for _, e := range entries {
		if e.TTL <= 0 {
			continue
		}
		keys = append(keys, r.key(e.Key))
		for _, t := range e.Tags {
			keys = append(keys, r.tag(t))
		}
		args = append(args, e.Value, e.TTL.Milliseconds(), len(e.Tags))
	}
	if len(keys) == 0 {
		return nil
	}
	if err := setScript.Run(ctx, r.client, keys, args...).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	return nil
}

// purgeScript drops the entries of each tag set and the sets.
var purgeScript = redis.NewScript(`
local n = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for i = 1, #members, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #members) do chunk[#chunk + 1] = members[j] end
    n = n + redis.call('DEL', unpack(chunk))
  end
  redis.call('DEL', tag)
end
return n
`)

// PurgeTags implements Store.
func (r *Redis) PurgeTags(ctx context.Context, tags []string) (int, error) {
	ks := make([]string, len(tags))
	for i, t := range tags {
		ks[i] = r.tag(t)
	}
	n, err := purgeScript.Run(ctx, r.client, ks).Int()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return n, nil
}

// PurgeAll implements Store: the entries and tag sets under the prefix,
// found with SCAN (on every master of a cluster).
func (r *Redis) PurgeAll(ctx context.Context) (int, error) {
	var n atomic.Int64
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, r.prefix+"*", 500).Iterator()
		var batch []string
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			d, err := c.Unlink(ctx, batch...).Result()
			n.Add(d)
			batch = batch[:0]
			return err
		}
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == 500 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		return flush()
	}
	var err error
	switch c := r.client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	default:
		err = fmt.Errorf("unsupported client %T", c)
	}
	if err != nil {
		return int(n.Load()), fmt.Errorf("%w: %w", ErrStore, err)
	}
	return int(n.Load()), nil
}
