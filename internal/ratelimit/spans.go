package ratelimit

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Span events of the limiter's decisions, on the span in the request's
// context (the telemetry plugin's request span): junction.ratelimit with
// the limit's name (a field coordinate, or "requests by <by>"), its max and
// window, and the decision (allowed, limited, or unavailable when the
// store failed). The key's value (who was counted) is never recorded.
// Only when the span records: with telemetry off it is one context lookup.

// recording is ctx's span when it records, else nil.
func recording(ctx context.Context) trace.Span {
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		return span
	}
	return nil
}

// decision adds one junction.ratelimit event to span.
func decision(span trace.Span, limit string, max int, window time.Duration, outcome string) {
	span.AddEvent("junction.ratelimit", trace.WithAttributes(
		attribute.String("junction.ratelimit.limit", limit),
		attribute.Int("junction.ratelimit.max", max),
		attribute.String("junction.ratelimit.window", window.String()),
		attribute.String("junction.ratelimit.decision", outcome),
	))
}

// verdictName is the decision's name for an event.
func verdictName(v Verdict) string {
	if v.Allowed {
		return "allowed"
	}
	return "limited"
}

// requestLimitName names a request-level limit in events.
func requestLimitName(by string) string { return "requests by " + by }

// firstOf is the index of the first selected field counted by hit h.
func firstOf(sel []limited, h int) int {
	for i, s := range sel {
		if s.hit == h {
			return i
		}
	}
	return -1
}
