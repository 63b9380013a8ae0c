// Package cache caches what subgraphs answer, by the supergraph's
// `@cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge:
// Boolean)` hints read with Apollo Server's meaning, sets each response's
// Cache-Control header the way Apollo Server computes it, serves purges,
// and keeps APQ hashes where every replica finds them.
//
// Policy (Policy, Hints.Selection). A field's maxAge is its own hint's;
// else, unless the field inherits (inheritMaxAge), its composite return
// type's hint's; else 0 for a root field and for a field returning an
// object, interface or union; a scalar field below the root restricts
// nothing. The data's maxAge is the smallest that applies; PRIVATE on any
// field or type makes it private. maxAge 0 is not cacheable.
//
// What is kept (executor.EntityCache, built per supergraph): for query
// operations only (never while running a mutation),
//   - each entity an entity fetch answers, keyed by subgraph, type, the
//     fetch's selection and variables, and the entity's representation,
//     for the maxAge of the entity type and the fields selected of it;
//     a Flatten with some entities cached sends _entities for the misses
//     only and merges the same answer as without a cache;
//   - each root fetch's answer (a subgraph's root fields with their
//     arguments), keyed by subgraph and request body, for its maxAge;
//   - PRIVATE data keyed by the principal the authentication plugin put in
//     the context as well; an anonymous caller's private data is not kept.
//
// Answers with errors, and entities an error points at, are not kept.
// Keys carry a fingerprint of their subgraph's types in the supergraph: a
// new supergraph that changes what a subgraph serves misses that
// subgraph's old entries; the other subgraphs' entries stay valid. At the
// first lookup of a new supergraph version (one served, not only built)
// the entries of the types schema.Diff reports changed are purged as
// well, in the background; the rest age out within their maxAge.
//
// Purges (Handler, POST with the registry token; the registry's
// purgeCache mutation calls Cache.Purge too): everything, a type (its
// entities and the root fields returning it, through tag sets), or one
// entity by type and key fields.
//
// Failure: every store call is bounded (Options.Timeout); an error, a
// timeout or a corrupt entry is a miss, never a failed request; a failed
// Redis is skipped for a backoff (redisclient.Health: logged once per
// incident, counted). Bounds: the memory store keeps at most
// cache.max_entries entries and cache.max_bytes bytes (least recently used
// dropped first); an entry above cache.max_entry_bytes is not kept.
//
// Without `cache:` in the config none of this is built: nothing is added
// to the request path and nothing is cached.
//
// Telemetry (spans.go): each lookup and store adds a span event
// (junction.cache.hit, .miss, .store with kind, subgraph and entry count)
// to the request's span, only when that span is recording; keys are never
// recorded.
package cache
