// Package serve builds the HTTP handler shared by the demo subgraphs: gqlgen's
// server with the GET and POST transports and, for subscriptions, WebSocket
// (graphql-transport-ws) and SSE (graphql-sse) (no playground, no APQ), a
// cache of parsed documents, and request counters that tests read.
//
// Invariants: the work of one operation is bounded before any resolver runs
// (MaxComplexity, with ListCost on the lists that can cycle), and once a
// request's context is done every resolver that calls Counters.Proceed
// returns nothing, so an abandoned request stops costing the subgraph;
// such a request gets one error, never one per field.
package serve
