package ratelimit

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestDecisionSpanEvents: with a recording span in the request's context
// each limit's decision is an event naming the limit (never the key's
// value); without one nothing is recorded.
func TestDecisionSpanEvents(t *testing.T) {
	e := newEnv(t, "memory", false, []config.RequestLimit{{By: "ip", Max: 10, Window: time.Minute}}, "1m")
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { tp.Shutdown(context.Background()) })
	const ip = "198.51.100.77"
	q := `{ users { id } }`
	// One request without a span: counted, nothing recorded anywhere.
	e.gws[0].Serve(context.Background(), &gateway.Request{Query: q, RemoteAddr: ip + ":1"}).Release()
	var got []string
	for i := range 2 {
		ctx, span := tp.Tracer("test").Start(context.Background(), fmt.Sprint("request ", i))
		e.gws[0].Serve(ctx, &gateway.Request{Query: q, RemoteAddr: ip + ":1"}).Release()
		span.End()
	}
	for _, s := range exp.GetSpans() {
		for _, ev := range s.Events {
			if ev.Name != "junction.ratelimit" {
				continue
			}
			a := map[string]string{}
			for _, kv := range ev.Attributes {
				if strings.Contains(kv.Value.Emit(), ip) {
					t.Errorf("event attribute %s carries the key's value %q", kv.Key, kv.Value.Emit())
				}
				a[string(kv.Key)] = kv.Value.Emit()
			}
			got = append(got, s.Name+": "+a["junction.ratelimit.limit"]+" max="+a["junction.ratelimit.max"]+" window="+a["junction.ratelimit.window"]+" "+a["junction.ratelimit.decision"])
		}
	}
	want := []string{
		"request 0: requests by ip max=10 window=1m0s allowed",
		"request 0: Query.users max=2 window=1m0s allowed",
		"request 1: requests by ip max=10 window=1m0s allowed",
		"request 1: Query.users max=2 window=1m0s limited",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
