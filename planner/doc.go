// Package planner turns a validated client operation into an immutable Plan:
// a tree of Sequence, Parallel, Flatten, Fetch, Condition and Defer nodes,
// printed in Apollo's query-plan text format. Plans are deterministic:
// byte-identical whatever the order of subgraphs in the supergraph. It
// imports schema and nothing under internal/.
package planner
