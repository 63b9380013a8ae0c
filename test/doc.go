// Package test holds Junction's end-to-end tests (test/e2e), conformance
// tests and benchmarks (test/bench). Everything runs against real HTTP
// subgraphs: the demo subgraphs or httptest servers written here.
package test
