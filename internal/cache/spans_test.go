package cache

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestDecisionSpanEvents: with a recording span in the request's context
// every cache decision (root and entity hit, miss, store) is a span event
// naming the subgraph and the number of entries.
func TestDecisionSpanEvents(t *testing.T) {
	e := newEnv(t, "memory", "5")
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	q := `{ topProducts { upc name price inStock } }`
	want := do(t, e.plain, q, "").body
	events := func(name string) string {
		ctx, span := tp.Tracer("test").Start(context.Background(), name)
		resp := e.gw.Serve(ctx, &gateway.Request{Query: q})
		resp.Release()
		span.End()
		if got := do(t, e.gw, q, ""); got.body != want { // served from the cache, no span
			t.Fatalf("answer\n%s\nwant\n%s", got.body, want)
		}
		var out []string
		for _, s := range exp.GetSpans() {
			if s.Name != name {
				continue
			}
			for _, ev := range s.Events {
				a := map[string]string{}
				for _, kv := range ev.Attributes {
					a[string(kv.Key)] = kv.Value.Emit()
				}
				out = append(out, fmt.Sprintf("%s %s %s %s", ev.Name, a["junction.cache.kind"], a["graphql.federation.subgraph.name"], a["junction.cache.entries"]))
			}
		}
		return strings.Join(out, "\n")
	}
	cold := "junction.cache.miss root products 1\n" +
		"junction.cache.store root products 1\n" +
		"junction.cache.miss entity inventory 5\n" +
		"junction.cache.store entity inventory 5"
	if got := events("cold"); got != cold {
		t.Fatalf("first request's events\n%s\nwant\n%s", got, cold)
	}
	warm := "junction.cache.hit root products 1\n" +
		"junction.cache.hit entity inventory 5"
	if got := events("warm"); got != warm {
		t.Fatalf("cached request's events\n%s\nwant\n%s", got, warm)
	}
}
