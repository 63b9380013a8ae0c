// Package fedtest builds small, real federation subgraphs for end-to-end
// tests: each Subgraph is an HTTP server that executes the GraphQL it is sent
// (root fields, _entities, _service, fragments, aliases, arguments,
// variables, @skip/@include) over plain Go data and resolver functions,
// records every request, and answers like a federation subgraph. A Gateway
// runs Junction over a supergraph SDL whose join__Graph URLs are pointed at
// those servers.
//
// Objects are map[string]any carrying "__typename"; lists are []any. A field
// is read from the object by name unless a FieldResolver is registered as
// "Type.field". The executor is schema-less on purpose: a subgraph answers
// exactly what its resolvers say, so tests can model misbehaving subgraphs too.
// Validation is opt-in: with Subgraph.Schema set to its SDL (Fed 1 or Fed 2),
// a subgraph rejects an operation its real server would reject (unknown
// fields, fragments that cannot apply, fields of one response key with
// different types), so tests also prove the gateway sends valid operations.
package fedtest
