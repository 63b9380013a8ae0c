package e2e

import (
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestSpans checks the tracing seams: one server span per request and one
// span per subgraph fetch, children of the request's span.
func TestSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	h := newHarness(t)
	h.post(map[string]any{"query": `{ me { username reviews { body } } }`}, nil)

	var request, fetches int
	var root [16]byte
	for _, s := range rec.Ended() {
		if s.Name() == "graphql.request" {
			request++
			root = s.SpanContext().TraceID()
		}
	}
	for _, s := range rec.Ended() {
		if s.Name() != "graphql.request" && s.SpanContext().TraceID() == root && s.Parent().IsValid() {
			for _, a := range s.Attributes() {
				if a.Key == "graphql.federation.subgraph.name" {
					fetches++
				}
			}
		}
	}
	if request != 1 {
		t.Errorf("%d request spans, want 1", request)
	}
	if fetches != 2 {
		t.Errorf("%d subgraph fetch spans (attribute graphql.federation.subgraph.name) in the request's trace, want 2", fetches)
	}
}
