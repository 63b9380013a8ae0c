// Package contracts tests contracts end to end: a supergraph composed from
// tagged subgraphs, served by Junction over real HTTP test subgraphs, each
// contract at its own path (and by header) with its own validation,
// introspection and playground, planned against the whole graph.
package contracts
