package executor

import (
	"testing"

	"github.com/junction-gateway/junction/planner"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestNoTracerNoSpans: without WithTracer the executor starts no span,
// not even on the global provider (telemetry not configured must cost
// nothing); with one, each fetch gets its span.
func TestNoTracerNoSpans(t *testing.T) {
	accounts := newFake(t, "accounts", map[string]string{
		`{"query":"{me{__typename id}}"}`: `{"data":{"me":{"__typename":"User","id":"u1"}}}`,
	})
	sg := testSupergraph(t, accounts)
	plan := &planner.Fetch{Service: "accounts", Operation: `{me{__typename id}}`}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	got := execute(t, New(sg), request(t, sg, `{ me { id } }`, nil, plan))
	if want := `{"data":{"me":{"id":"u1"}}}`; got != want {
		t.Fatalf("response\n got %s\nwant %s", got, want)
	}
	if n := len(rec.Started()); n != 0 {
		t.Fatalf("%d spans started without a tracer, want 0", n)
	}
	execute(t, New(sg, WithTracer(tp.Tracer("test"))), request(t, sg, `{ me { id } }`, nil, plan))
	if n := len(rec.Ended()); n != 1 {
		t.Fatalf("%d spans with a tracer, want 1", n)
	}
}
