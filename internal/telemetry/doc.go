// Package telemetry is Junction's OpenTelemetry: traces, metrics and the
// per-request log line, plugged into the gateway's pipeline.
//
// New builds only what the config asks for (config.Telemetry); with
// nothing configured GatewayOptions is empty and the request path carries
// no telemetry at all (not even no-op spans: the gateway records spans
// only with WithTracerProvider).
//
// Traces: the plugin's request interceptor starts the server span, a
// child of the client's W3C traceparent when there is one, named
// "{operation type} {operation name}" once the operation is known; the
// gateway adds graphql.validate and graphql.plan (junction.plan.cache_hit)
// under it, and the executor one client span per subgraph fetch, children
// of the request span whatever the fetches' parallelism (each runs in a
// context derived from the request's). The client middleware adds the
// fetch's status and body size to that span and injects its traceparent
// into the subgraph request; it sits inside subgraph deduplication, so a
// shared round trip carries its leader's context. Sampling is parent-based
// with a ratio for new traces; export is OTLP (http/protobuf or grpc),
// batched.
//
// Metrics (OTel metrics SDK; Prometheus names in brackets):
//
//	junction.requests              [junction_requests_total]  operation name and type, client, outcome
//	http.server.request.duration   [http_server_request_duration_seconds]  + status, error.type
//	http.server.active_requests    [http_server_active_requests]
//	http.client.request.duration   [http_client_request_duration_seconds]  subgraph, status, error.type
//	junction.subgraph.errors       [junction_subgraph_errors_total]  subgraph, error.type
//	junction.plan.cache.lookups    [junction_plan_cache_lookups_total]  junction.cache.result hit|miss
//	junction.requests.deduplicated [junction_requests_deduplicated_total]  junction.dedupe.layer inbound|subgraph
//
// Operation and client names come from clients: values are cut at 128
// bytes and each metric keeps at most telemetry.metrics.cardinality_limit
// attribute sets (the SDK counts the rest under otel.metric.overflow).
//
// Logs: one line per request (request id, trace id, operation, client,
// status, outcome, errors, duration) at the configured level, text or
// JSON. The status is the one the response gets under
// application/graphql-response+json.
package telemetry
