// Package subgraphs holds the demo subgraphs (accounts, products, reviews,
// inventory), built with gqlgen's federation plugin (Federation 2), usable
// in-process (NewServer) and as real HTTP servers (Start, and the
// demo-subgraphs command), and the demo supergraph that composes them
// (Supergraph, from the embedded, hand-written supergraph.graphql).
//
// Layout: each subgraph is one package with its gqlgen.yml, schema.graphqls,
// gqlgen's generated code (generated.go, federation_generated.go,
// models_generated.go; regenerate with `go run github.com/99designs/gqlgen
// generate` in the package folder) and its resolvers. internal/data is the
// data they share; internal/serve the HTTP handler and request counters.
//
// Invariants:
//   - The data is deterministic and read-only: no request changes anything,
//     so any number of servers and requests may run in parallel, and every
//     answer is the same from run to run.
//   - Every entity resolver is a multi resolver: one call per entity type per
//     _entities request, with the whole batch of representations; the
//     counters (Server.EntityCalls, Server.Representations) make that visible.
//   - supergraph.graphql records exactly the facts of the subgraphs' own
//     _service { sdl } (TestSupergraphMatchesSubgraphs); a schema change in a
//     subgraph must be made in supergraph.graphql too.
//   - Names and every list this package returns are in ascending order.
package subgraphs
