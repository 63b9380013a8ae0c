// Package subgraphs holds the demo subgraphs (accounts, products, reviews,
// inventory), built with gqlgen's federation plugin, usable in-process and
// as real HTTP servers.
package subgraphs
