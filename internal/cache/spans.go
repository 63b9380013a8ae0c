package cache

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Span events of the cache's decisions, on the span in the request's
// context (the telemetry plugin's request span): junction.cache.hit,
// .miss and .store, with the kind (root or entity), the subgraph and the
// number of entries. Only when that span is recording: with telemetry off
// it is one context lookup, nothing allocated. Keys are never recorded.

// spanEvent adds the event name to ctx's span when it records and n > 0.
func spanEvent(ctx context.Context, name, kind, service string, n int) {
	if n <= 0 {
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.AddEvent(name, trace.WithAttributes(
		attribute.String("junction.cache.kind", kind),
		attribute.String("graphql.federation.subgraph.name", service),
		attribute.Int("junction.cache.entries", n),
	))
}
