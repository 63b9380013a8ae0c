// Package data is the demo subgraphs' shared, read-only, in-memory data set:
// six users, five products and twelve reviews, all built deterministically
// when the package is initialised and never mutated afterwards, so any number
// of requests may read it concurrently. The accessors return copies.
package data
