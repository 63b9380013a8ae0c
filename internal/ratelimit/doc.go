// Package ratelimit enforces rate limits: the supergraph's
// `@rateLimit(max: Int!, window: String!, by: String = "user")` on fields
// and objects, and the request-level limits of the config (per client IP,
// token subject, client name, or global).
//
// Counting. Each limit is a sliding window log: a key (limit × caller)
// holds the times of its accepted hits; a hit is accepted while fewer than
// max hits are younger than the window, and a refused hit is not
// recorded, so "max 3 per 1m" means at most 3 accepted in any minute.
// An operation counts one hit per limited field coordinate and key,
// however many times or under however many aliases it selects the field
// (a field under a list counts once however many items the list has; a
// selection skipped by @skip/@include is not counted); over the limit,
// every selection of that field is denied. Every hit of a request is
// decided in one store call: with Redis, one Lua script run (one round trip) that reads the Redis
// server's clock, so every replica sharing the Redis agrees and a limit
// of N allows exactly N however many gateways count; in memory, under
// per-shard locks, for this process only.
//
// Keys. `by: user` is the caller's subject (the principal the
// authentication plugin put in the context), or the client IP when
// anonymous; `ip` is the
// host of Request.RemoteAddr; `client` the apollographql-client-name
// header; `header:NAME` and `claim:NAME` that value (the client IP when
// absent); `global` one key for everyone. Caller values longer than 64
// bytes are hashed: keys are bounded.
//
// Over the limit a field is denied before planning (never fetched): it
// answers null with extensions.code RATE_LIMITED and extensions.retryAfter
// (whole seconds until a slot frees). When every root field of the
// operation is denied the response is HTTP 429 with Retry-After. A
// request over a request-level limit is answered 429 before parsing.
//
// Failure. A store call is bounded (Options.Timeout); a failed Redis is
// skipped for a backoff (redisclient.Health: logged once per incident,
// counted). While it fails, limits fail open (nothing is limited) or, with
// rate_limits.fail: closed, every limited field and request is refused.
// Never a hung request.
//
// Bounds: a rule's max is at most rate_limits.max_limit (the log holds
// max entries per key); the memory store keeps at most
// rate_limits.memory_keys keys (least recently used dropped).
//
// Telemetry (spans.go): each limit counted adds a junction.ratelimit span
// event (the limit's name, max, window and allowed, limited or
// unavailable) to the request's span, only when that span is recording;
// the key's value (who was counted) is never recorded.
package ratelimit
