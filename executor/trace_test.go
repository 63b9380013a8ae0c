package executor

import (
	"context"
	"testing"
)

// TestFetchTraceRecordsEachFetch: a traced request records each of its
// five fetches with its service, the answer's size and ordered times.
func TestFetchTraceRecordsEachFetch(t *testing.T) {
	ex, req := benchSetup(t)
	plain := *req
	traced := *req
	traced.Trace = NewFetchTrace()
	want := ex.Execute(context.Background(), &plain)
	got := ex.Execute(context.Background(), &traced)
	if string(got.Data) != string(want.Data) {
		t.Fatal("a traced request answers differently")
	}
	spans := traced.Trace.Spans()
	if len(spans) != 5 {
		t.Fatalf("%d spans, want 5", len(spans))
	}
	count := map[string]int{}
	for i, s := range spans {
		count[s.Service]++
		if s.Fetch == nil || s.Bytes == 0 || s.End < s.Start || s.Err != nil || (i > 0 && s.Start < spans[i-1].Start) {
			t.Errorf("span %d: %+v", i, s)
		}
	}
	if count["accounts"] != 2 || count["products"] != 1 || count["inventory"] != 1 || count["reviews"] != 1 {
		t.Errorf("spans by service %v", count)
	}
}

// BenchmarkExecuteTrace compares a request without a trace (the default:
// one nil check per fetch) and with one (times, sizes, and each answer's
// errors decoded a second time).
func BenchmarkExecuteTrace(b *testing.B) {
	ex, req := benchSetup(b)
	ctx := context.Background()
	b.Run("off", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ex.Execute(ctx, req).Release()
		}
	})
	b.Run("on", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := *req
			r.Trace = NewFetchTrace()
			ex.Execute(ctx, &r).Release()
		}
	})
}
