// Package executor runs a planner.Plan: it sends subgraph fetches (in
// parallel where the plan allows), batches the entity lookups of each Flatten
// into one _entities call, merges the results, and shapes the response in the
// client's selection order with the spec's null propagation. It imports schema
// and planner and nothing under internal/; callers supply a subgraph client.
//
// # How one Execute goes
//
//  1. Walk the plan (run.go): the plan alone decides the schedule (the
//     planner nests its exact fetch dependencies into Sequence and Parallel
//     nodes, so that independent chains are Parallel branches and a fetch
//     starts once what it needs is done). Sequence runs in order, Parallel
//     runs its children concurrently (on reused workers, workers.go) and
//     never cancels one because another failed, Condition reads a boolean
//     variable, Defer (in Execute) runs the primary part then its
//     deferred blocks together (as ExecuteIncremental starts them) into
//     the same response. Errors are collected per
//     branch and merged in plan order.
//  2. A root Fetch posts {"query","operationName"?,"variables"?} (the
//     prepared BodyStart, then the variables: only the Fetch's, omitted
//     when none), keeps only the fields it selected (RootKeys), applies its OutputRewrites and
//     deep-merges its data at the root; the root fetches of one Parallel
//     merge once all have answered, in plan order, so overlapping answers
//     never depend on timing.
//  3. A Flatten (entities.go) collects every object at its path ("@" steps
//     into lists, nulls skipped), builds each object's representation from
//     Fetch.Requires (every inline fragment matching the object's __typename
//     by the supergraph's possible types, @inaccessible ones included,
//     a repeated field taken once,
//     fields read by response key and written by field name), skips objects
//     missing a key or non-null field or with a null key field (a nullable
//     @requires field that is absent, its fetch having failed, is sent as
//     null, as Apollo does: the plan carries its definition), applies
//     InputRewrites,
//     dedupes, and sends the distinct representations in one _entities
//     call, straight: a Flatten alone has nothing to coalesce, so no
//     loader. A Parallel runs its Branches (not its
//     Nodes): writers of a common key already ordered by the planner, so
//     the merge (last write wins) never depends on timing; a Defer's
//     blocks start by chains (planner.Defer.Chains): a chained block once
//     the one before it and its nested blocks have been shaped. Flattens of one round (planner.Round:
//     the same subgraph and selection, ready at the same moment as the plan
//     shows: sibling Parallel branches, sibling deferred blocks) share one
//     call through the round's graph-gophers/dataloader (one per request
//     and round, loader.go): each member queues itself once it has
//     gathered its representations, the batch capacity is the number of
//     members, so the loader dispatches as the last is queued and never
//     waits on its timer; the batch function forms the call from every
//     member's representations, deduplicated across members in member
//     order, so the call's body never depends on timing; the call is made
//     once, by the first member to read it, on its own goroutine. A failure
//     or an error naming no entity is reported once, by member 0, at its
//     path; every member is queued even when it fails, so none waits for
//     longer than its siblings take (no timer, no added latency). Entity i is
//     deep-merged (after OutputRewrites) into every object that produced
//     representation i, once per object even when several paths reach it.
//     A merge never replaces a concrete __typename by the name of an
//     interface it implements (an @interfaceObject subgraph's answer for an
//     object an earlier fetch already resolved).
//     A fetch with context variables (planner.Fetch.Context, context.go)
//     reads each object's values from its enclosing object at the Flatten
//     path's prefix (found from the root along the object's own path) and
//     keys its representation with them; the call groups its keys by
//     values and sends one request, one aliased _entities selection per
//     distinct set (Fetch.ContextOperation), then puts the answers and
//     error paths back in key order. It bypasses the entity cache.
//  4. Shape (shape.go): fields denied (Request.Denied) or unresolved by the
//     planner (Plan.Unresolved, by document offset and the object's type)
//     answer null with their
//     error at each path. Shape: walk the client operation over the merged tree, write
//     JSON into a pooled buffer, truncating back to the nearest nullable
//     field when a non-null one is null. The buffer holds the whole
//     document {"data":…} and goes to the caller with the Result
//     (Result.Body); Result.Release gives it back once it is written.
//     Fields collected for a selection set that no directive decides are
//     cached across requests.
//
// # Incremental delivery (@defer)
//
// ExecuteIncremental (incremental.go) runs a plan whose root is a Defer
// (after Condition nodes on the request's variables): it runs Primary,
// shapes the initial payload leaving out the fragments of every block
// (recognised by their @defer directive's offset), and returns an iterator
// that starts each block when its parent part is complete (all in
// goroutines, merging into the same tree under run.mu), shapes it when it
// completes and yields a payload: one Incremental entry per object at the
// block's path whose type the fragment applies to, with the block's label,
// the object's path and the fragment's data; null propagation stops at the
// entry (data null). Fetch and shaping errors of a block go to the entry
// whose path covers them. Objects under a path a sent payload nulled get no
// entry. Blocks that deliver nothing are folded into the next payload; the
// last payload has HasNext false.
//
// # The tree
//
// Subgraph bodies are decoded (jsonv's Parser) into a small ordered tree of
// 24-byte *value nodes whose scalars and keys alias the body bytes; the tree
// is keyed by the client's response keys (the planner aliases what it adds),
// so shaping reads fields by response key. All tree reads and writes happen
// under run.mu; HTTP and decoding happen outside it. Nodes, field and item
// slices (also those merges grow), parser scratch stacks and a Flatten's
// scratch come from pools and go back when Execute has shaped the response
// (a jsonv.Arena); never for @defer, whose tree outlives the call.
//
// # Errors
//
// Errors are collected per plan branch (errSink) and concatenated in plan
// order, so their order never depends on timing. Subgraph GraphQL errors
// keep message and extensions and get extensions.serviceName; an _entities
// error at ["_entities", i, rest...] is reported once per object that
// produced representation i, at that object's path + rest; an entity error
// without such a path gets the Flatten's path up to its first list step
// (the deepest real response path covering every object it fetched for).
// A failed fetch (transport error, non-2xx, timeout, body over the size
// limit, body that is not a GraphQL response: not one JSON object, invalid
// UTF-8 in a string, an error without a message, _entities not a list of
// the representations' length) gives one error with extensions.code
// SUBREQUEST_HTTP_ERROR, GATEWAY_TIMEOUT or SUBREQUEST_MALFORMED_RESPONSE
// and serviceName; the fields it would have filled stay null, and the paths
// it covers get no extra "Cannot return null" error. An error status whose
// body is a GraphQL response with errors (JSON media type) is that error
// followed by the subgraph's own errors, and its data is used. Shaping adds
// NON_NULL_VIOLATION errors and, for a value that does not fit the API type
// (for the built-in scalars: a 32-bit integer for Int, a finite number for
// Float, a string for String, true/false for Boolean, a string or integer
// for ID), RESPONSE_VALIDATION_FAILED ("Invalid value found for field T.f")
// at the field's path; so does an object at an interface or union position whose
// __typename is neither a possible type nor an interface name (an
// @interfaceObject subgraph's answer): it is nulled rather than leaked or
// half-rendered. An enum name the API schema does not have (@inaccessible,
// or known to only some subgraph) is treated as null: silently at a
// nullable position, as Apollo Router and Hive Gateway answer.
//
// # Invariants
//
//   - Execute never panics (a recovered panic becomes an internal error) and
//     never outlives WithTimeout; every subgraph call has a timeout.
//   - Plans and client documents are read, never modified. What a fetch
//     needs beyond its operation (its request body's start, the keys it
//     writes) was prepared with the plan (planner.Fetch.BodyStart,
//     RootKeys): the executor keeps no memo keyed by plan or fetch. Its
//     only cache is the shaper's collected fields per client selection set
//     (bounded); response and subgraph-read buffers are pooled at the
//     size they grew to, with no size remembered per plan.
//   - Output is deterministic: keys follow the client's selection, errors
//     follow the plan order.
//   - Introspection (__schema, __type) is answered from the API schema by
//     package introspection (executor.Introspect); root __typename locally.
//   - Request.Trace (trace.go), when set, records each subgraph round trip
//     (start, end, size, failure); when nil it costs one nil check per fetch.
//   - Subgraph fetch spans are recorded only with WithTracer (the gateway
//     passes one only when telemetry is configured); without it no span is
//     started and nothing is allocated for tracing (one nil check per fetch).
//   - The HTTP client (client.go) decodes compressed answers it asked for
//     (compress.go) through the same size limit as plain ones (decoded
//     bytes count); connection settings (connection.go) give a subgraph
//     its own transport (h2c, pool sizes, timeouts); a ResponseHeaderSink
//     in the context (respheaders.go) sees every answer's header.
package executor
