// Package robustness attacks the whole gateway (internal/server,
// internal/gateway, planner, executor over real HTTP) with bad input from
// both sides: malformed and hostile client requests, and subgraphs that are
// down, slow, or answer garbage. Every case asserts the whole response: a
// GraphQL error with extensions.code (and path and serviceName where they
// apply), partial data kept, never a panic, never a hung request.
//
// FuzzPipeline feeds arbitrary client documents through the pipeline
// against the demo supergraph with canned subgraph answers; its seed corpus
// (valid queries and past crashers) runs in every `go test`. Run it longer
// with:
//
//	go test ./test/robustness -run '^$' -fuzz FuzzPipeline -fuzztime 2m
package robustness
