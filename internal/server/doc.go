// Package server serves GraphQL over HTTP (POST, GET), the GraphiQL
// playground, liveness and readiness. It owns the transport only: it decodes
// a request into a gateway.Request, hands it to a Handler, and encodes the
// gateway.Response; it never parses GraphQL. A response with nothing but
// data is written from Response.Body in one piece and released afterwards.
//
// Routes (Server.ServeHTTP is the whole mux):
//
//	<path> (default /graphql)  GraphQL over HTTP: POST, GET, OPTIONS (CORS preflight);
//	                           a browser GET (Accept: text/html, no query) gets the playground;
//	                           subscriptions (subs.go): WebSocket upgrade (graphql-transport-ws,
//	                           graphql-ws), Accept: text/event-stream (graphql-sse),
//	                           Accept: multipart/mixed;subscriptionSpec="1.0"
//	/                          the playground page (when enabled)
//	/playground/*.js|css       the embedded GraphiQL bundle (when enabled)
//	/playground/owners.json    which subgraphs resolve each field (WithFieldOwners; playground on)
//	/health                    liveness: 200 {"status":"UP"}
//	/ready                     readiness: WithReadiness's check; 503 {"status":"DOWN"} on error
//
// GraphQL-over-HTTP semantics (the spec's 2026 draft; WithLegacyStatusCodes
// restores the status codes before it, noted "legacy" below):
//
//   - POST needs Content-Type application/json (charset utf-8 or none), else
//     415; its body is one JSON object {query, operationName, variables,
//     extensions} within the size limit (default 2 MiB, else 413). GET takes
//     the same four as query parameters, variables and extensions
//     JSON-encoded, and sets Request.AllowedKinds to queries only.
//   - A POST body that is a JSON array is a batch (batch.go, WithBatching):
//     refused with 422 unless batching is on; on, at most max_size
//     operations (else 422 BATCH_LIMIT_EXCEEDED), run concurrently and
//     answered as a JSON array in request order, one error per failed item.
//   - A POST body not received within the read timeout (default 30s) is
//     408 with extensions.code REQUEST_TIMEOUT.
//   - Malformed JSON, a missing or non-string query (unless extensions carry
//     a persistedQuery), or parameters of the wrong type are 422 (legacy 400)
//     with one error whose extensions.code is BAD_REQUEST, under either
//     media type.
//   - The response media type follows Accept: application/graphql-response+json
//     when Accept is absent or */*; application/json when the client prefers
//     it by q-value. An Accept that names neither (nor multipart/mixed for
//     @defer) is 406 NOT_ACCEPTABLE (legacy: answered in the default type).
//   - Status (statusFor): 405 (a mutation over GET, with Allow: POST, whatever
//     the schema), 406 and 5xx under both media types; otherwise
//     Response.Status if set; 422 without a data entry (parse, validation,
//     variable coercion, no operation; legacy: 400, or 200 under
//     application/json), except PERSISTED_QUERY_NOT_FOUND which keeps 400 /
//     200; 294 for data with errors under application/graphql-response+json
//     (legacy 200); 200 otherwise.
//   - An operation with @defer (gateway.Response.Incremental set) is answered,
//     when Accept admits multipart/mixed with deferSpec=20220824 (or no
//     deferSpec), as Apollo Router does: 200, Content-Type
//     multipart/mixed;boundary="graphql";deferSpec=20220824, parts of
//     "content-type: application/json" JSON, each flushed with the delimiter
//     that closes it: the initial payload with "hasNext":true, then
//     {"hasNext":…,"incremental":[{"label"?,"data","path","errors"?}]}, the
//     last closed by --graphql--. Without that Accept the gateway answers
//     406 DEFER_BAD_HEADER (status kept under both media types).
//   - The body is {"data":…,"errors":[…],"extensions":{…}}: data is written
//     raw and omitted when nil; errors and extensions are omitted when empty;
//     map keys are sorted by encoding/json.
//
// Subscriptions (subs.go, ws*.go, stream.go, sse.go, multipart_sub.go): the
// transports set Request.AcceptSubscription and write Response.Events as
// they come, through a bounded queue per connection (a client that lets it
// fill is dropped, never buffered without bound); every bound is named in
// the error or close reason that enforces it. CloseSubscriptions ends them
// all at shutdown (WebSockets with 1001).
//
// Invariants:
//
//   - Every response carries X-Request-Id: the client's when it is printable
//     ASCII of at most 128 bytes, a fresh UUID otherwise. The id is also put
//     in the request header the handler sees and in the context (RequestID).
//   - Numbers in Request.Variables and Request.Extensions are json.Number,
//     so large integers pass through exactly.
//   - Request.Header is the client's header, shared: handlers must not modify it.
//   - A handler panic or nil response becomes a 500 with an
//     INTERNAL_SERVER_ERROR error; the server never panics on client input.
//   - Junction-Query-Plan-Only: true and Junction-Include-Trace: true set
//     Request.PlanOnly and Request.IncludeTrace (the playground's plan and
//     trace views; see gateway/trace.go).
//   - Compression (compress.go, WithCompression; off by default): the
//     encoding is negotiated from Accept-Encoding (q-values; ties go to the
//     configured order; q=0 refuses); answers below MinBytes, HEAD, 204,
//     304, 206 and already-encoded or compressed media types are sent as
//     they are; every answer says Vary: Accept-Encoding. An answer of
//     unknown length is held back up to MinBytes unless the handler
//     flushes; a flush (multipart part, subscription event) flushes the
//     encoder first, so compression never delays a part. Upgrade requests
//     (WebSocket) are never wrapped. Encoders are pooled.
//   - The playground loads nothing from outside the origin: the bundle is
//     embedded (built from playground/ with npm and esbuild, see
//     playground/build.mjs) and the page's Content-Security-Policy allows
//     only 'self' (and data: for images and fonts).
package server
