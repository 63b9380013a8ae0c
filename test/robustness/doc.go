// Package robustness attacks the whole gateway (internal/server,
// internal/gateway, planner, executor over real HTTP) with bad input from
// both sides: malformed and hostile client requests, and subgraphs that are
// down, slow, or answer garbage. Every case asserts the whole response: a
// GraphQL error with extensions.code (and path and serviceName where they
// apply), partial data kept, never a panic, never a hung request.
//
// FuzzPipeline feeds arbitrary client documents through the pipeline
// against the demo supergraph with canned subgraph answers;
// FuzzSubgraphAnswers has one subgraph answer arbitrary bytes. Their seed
// corpus (valid queries and answers, and past crashers in testdata/fuzz)
// runs in every `go test`. Run them longer with:
//
//	go test ./test/robustness -run '^$' -fuzz FuzzPipeline -fuzztime 2m
//	go test ./test/robustness -run '^$' -fuzz FuzzSubgraphAnswers -fuzztime 2m
//
// TestRandomQueries and TestRandomQueriesEverySupergraph generate random
// valid operations (aliases, fragments, conditions, arguments as literals
// and variables) from a fixed seed. The second runs them over every
// federation case's supergraph against mock subgraphs (mock_test.go) that
// validate each operation against their own SDL and answer exactly what
// they are asked with well-typed data, so any error in a response is a
// gateway bug. For a longer hunt, change the seed and the count locally.
package robustness
