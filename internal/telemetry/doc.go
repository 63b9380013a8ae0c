// Package telemetry owns OpenTelemetry tracing: the tracer used for a span
// per request and per subgraph fetch.
package telemetry
