package e2e

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/telemetry"
)

// TestSpans checks the tracing seams over HTTP: one server span per
// request and one span per subgraph fetch, children of the request's span.
// (internal/telemetry tests the whole tree and the trace context.)
func TestSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tel, err := telemetry.New(context.Background(), config.Default().Telemetry, telemetry.WithSpanProcessor(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())

	h := newHarness(t, tel.GatewayOptions()...)
	h.post(map[string]any{"query": `{ me { username reviews { body } } }`}, nil)

	var request, fetches int
	var root [8]byte
	for _, s := range rec.Ended() {
		if s.Name() == "query" {
			request++
			root = s.SpanContext().SpanID()
		}
	}
	for _, s := range rec.Ended() {
		if s.Parent().SpanID() == root {
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
		t.Errorf("%d subgraph fetch spans (attribute graphql.federation.subgraph.name) under the request's span, want 2", fetches)
	}
}
