// Package serve builds the HTTP handler shared by the demo subgraphs: gqlgen's
// server with the GET and POST transports and, for subscriptions, WebSocket
// (graphql-transport-ws) and SSE (graphql-sse) (no playground, no APQ, no
// query cache), wrapped in request counters that tests read.
package serve
