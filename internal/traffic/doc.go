// Package traffic shapes the traffic to subgraphs: retries and circuit
// breakers, per subgraph, as a gateway.ClientMiddleware (it wraps the
// subgraph client inside subgraph deduplication, so it sees only the round
// trips that really go out).
//
// Retries. A failed round trip is sent again, up to Retry.MaxAttempts in
// all, only when it can have had no effect and may succeed on a second try:
// a query (never a mutation: SubgraphRequest.Mutation), that failed on the
// transport (connection refused or reset, not a timeout: the request's own
// deadline has then gone) or was answered 502, 503 or 504. Attempts wait
// an exponential, jittered backoff within the request's deadline. A retry
// budget bounds the extra load a failing subgraph receives: every request
// deposits Retry.BudgetRatio of a token (up to ten seconds' worth), every
// second adds Retry.MinPerSecond, a retry takes one; without a token, no
// retry.
//
// Circuit breaker. Per subgraph, the outcomes of the last Breaker.Window
// (ten buckets) are counted: once at least Breaker.MinRequests have been
// seen and the share of failures (transport errors, timeouts, 5xx) reaches
// Breaker.ErrorRate, the breaker opens: every request to that subgraph
// fails at once with executor.ErrCircuitOpen (its fields answer null with a
// clear error; the other subgraphs are untouched) for Breaker.OpenFor.
// Then it half-opens: Breaker.HalfOpenProbes requests go through as
// probes; a probe's success closes it (counts reset), a failure opens it
// again. A request the client gave up (context canceled) counts as nothing.
//
// Invariants: a mutation is sent exactly once; no retry outlives the
// request's deadline; state is per subgraph name and safe for concurrent
// use; a subgraph with neither retries nor a breaker configured is passed
// straight to the next client.
package traffic
