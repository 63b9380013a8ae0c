// Package data is the demo subgraphs' shared, read-only, in-memory data set:
// six users, five products and twelve reviews, all built deterministically
// at package initialisation and never mutated afterwards, so any number of
