// Package redisclient builds the go-redis v9 UniversalClient that every
// Redis-backed feature of Junction shares (rate limits, caches, APQ, the
// registry store) from the `redis:` config, and tracks the health of that
// Redis for its users.
//
// Invariants:
//   - One URL (redis://, rediss://, unix://) is one server; addrs with a
//     master name is Sentinel; two or more addrs (or cluster: true) is a
//     cluster. TLS, user, password and database come from the URL unless
//     the config sets them.
//   - Timeouts are short by default (dial 500ms, read and write 250ms) and
//     the client honours context deadlines, so that a slow or absent Redis
//     costs a request at most those bounds, never a hang. go-redis
//     reconnects by itself; Health lets callers skip Redis for a short
//     backoff after a failure instead of paying a dial timeout per request.
//   - Health logs once when an incident starts and once when it ends, and
//     counts every failure (junction.redis.failures) and every incident
//     (junction.redis.incidents) through OpenTelemetry metrics.
package redisclient
