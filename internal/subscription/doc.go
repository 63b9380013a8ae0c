// Package subscription owns the gateway's side of subscriptions towards
// subgraphs: the upstream clients (graphql-transport-ws over WebSocket with
// github.com/coder/websocket, graphql-sse in distinct-connections mode) and
// the sharing of identical upstream subscriptions.
//
// It is a leaf package: it knows nothing of plans, schemas or the request
// pipeline (internal/gateway uses it). An upstream subscription is one
// GraphQL subscription document with its variables, sent to one subgraph
// endpoint with the forwarded headers and, for WebSocket, a
// connection_init payload.
//
// Invariants:
//   - Identical upstream subscriptions (same service, endpoint, protocol,
//     document, variables, headers and init payload) share one upstream
//     connection (Client.Subscribe); the connection closes when the last
//     subscriber leaves.
//   - Everything is bounded: the connection and its acknowledgement by
//     Options.ConnectTimeout, silence from the subgraph by
//     Options.IdleTimeout (the client pings over WebSocket so that a live
//     subgraph is never silent), one event's size by Options.MaxEventBytes,
//     and the events buffered for one subscriber by Options.Buffer (a
//     subscriber that falls that far behind is ended with ErrSlow rather
//     than buffered without bound or allowed to hold the others back).
//   - A subgraph that goes away, closes the stream or answers garbage ends
//     every subscriber of that upstream with an error (never a hang);
//     a subgraph's "complete" ends them with io.EOF.
package subscription
