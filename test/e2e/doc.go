// Package e2e runs the whole gateway (server, gateway, planner, executor)
// against the demo subgraphs over real HTTP, asserting whole responses
// (golden files, -update to rewrite) and counting subgraph calls.
package e2e
