// Package test holds Junction's end-to-end tests (test/e2e), federation
// cases composed with Apollo's composition (test/federation, with the test
// subgraphs of test/fedtest), robustness tests and fuzz targets
// (test/robustness: bad client input, misbehaving subgraphs, random valid
// operations over every federation case's supergraph against validating
// mock subgraphs) and benchmarks (test/bench). Everything runs against real
// HTTP subgraphs (the demo subgraphs or httptest servers written here) or,
// for fuzzing and the random operations, in-process subgraph clients.
package test
