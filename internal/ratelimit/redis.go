package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeScript decides a request's hits in one round trip, atomically, with
// the Redis server's clock (so that replicas with skewed clocks agree).
// Each key is a sorted set of hit ids scored by their time in
// microseconds: hits older than the window are dropped, then the hit is
// added when fewer than max remain, else the answer is the microseconds
// until the oldest leaves the window. ARGV: the request's unique id, then
// max and window (µs) per key. A key expires one window after its last hit.
var takeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {}
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[2 * i])
  local win = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
  local n = redis.call('ZCARD', key)
  if n < max then
    redis.call('ZADD', key, now, ARGV[1] .. ':' .. i)
    redis.call('PEXPIRE', key, math.floor(win / 1000) + 1)
    out[i] = -1
  else
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    out[i] = tonumber(oldest[2]) + win - now
  end
end
return out
`)

// Redis is a Store shared by every gateway using the same Redis: one
// script call per Take, so that a limit of N allows N whatever the number
// of replicas.
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	cluster bool
	idBase  string
	seq     atomic.Uint64
}

// NewRedis returns a store on client; keys start with prefix.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	var b [8]byte
	_, _ = rand.Read(b[:])
	_, cluster := client.(*redis.ClusterClient)
	return &Redis{client: client, prefix: prefix, cluster: cluster, idBase: hex.EncodeToString(b[:])}
}

// Take implements Store.
func (r *Redis) Take(ctx context.Context, hits []Hit, out []Verdict) error {
	if len(hits) == 0 {
		return nil
	}
	id := r.idBase + strconv.FormatUint(r.seq.Add(1), 36)
	if r.cluster {
		return r.takeCluster(ctx, id, hits, out)
	}
	keys := make([]string, len(hits))
	args := make([]any, 1, 1+2*len(hits))
	args[0] = id
	for i, h := range hits {
		keys[i] = r.prefix + h.Key
		args = append(args, h.Max, h.Window.Microseconds())
	}
	res, err := takeScript.Run(ctx, r.client, keys, args...).Int64Slice()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	return fill(res, out)
}

// takeCluster runs the script once per key in one pipeline: a cluster
// spreads the keys over nodes, and a script may only touch one node's keys.
func (r *Redis) takeCluster(ctx context.Context, id string, hits []Hit, out []Verdict) error {
	run := func(sha bool) ([]*redis.Cmd, error) {
		cmds := make([]*redis.Cmd, len(hits))
		_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, h := range hits {
				k := []string{r.prefix + h.Key}
				a := []any{id + "-" + strconv.Itoa(i), h.Max, h.Window.Microseconds()}
				if sha {
					cmds[i] = takeScript.EvalSha(ctx, p, k, a...)
				} else {
					cmds[i] = takeScript.Eval(ctx, p, k, a...)
				}
			}
			return nil
		})
		return cmds, err
	}
	cmds, err := run(true)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmds, err = run(false)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	res := make([]int64, len(hits))
	for i, c := range cmds {
		v, err := c.Int64Slice()
		if err != nil || len(v) != 1 {
			return fmt.Errorf("%w: unexpected script answer %v: %v", ErrStore, v, err)
		}
		res[i] = v[0]
	}
	return fill(res, out)
}

func fill(res []int64, out []Verdict) error {
	if len(res) != len(out) {
		return fmt.Errorf("%w: %d answers for %d hits", ErrStore, len(res), len(out))
	}
	for i, v := range res {
		if v < 0 {
			out[i] = Verdict{Allowed: true}
		} else {
			out[i] = Verdict{RetryAfter: time.Duration(v) * time.Microsecond}
		}
	}
	return nil
}

// keyPart makes a caller-supplied value safe and bounded inside a key.
func keyPart(s string) string {
	if len(s) <= 64 && !strings.ContainsAny(s, " \t\r\n{}") {
		return s
	}
	return "h" + hashHex(s)
}
