package gateway

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"testing"
)

// BenchmarkSubscriptionFanOut: 1,000 subscriptions on loopback, each
// iteration one upstream event delivered complete to all of them.
// Reports events/s (delivered to clients) and the heap per subscription.
// "shared": 1,000 identical subscriptions (one upstream connection);
// "distinct": 1,000 subscriptions with distinct aliases (1,000 upstreams).
func BenchmarkSubscriptionFanOut(b *testing.B) {
	for _, mode := range []string{"shared", "distinct"} {
		b.Run(mode, func(b *testing.B) {
			const n = 1000
			fake := &fakeWS{}
			t := &testing.T{}
			gw, _ := fakeGateway(t, fake)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			nexts := make([]func() (*Response, bool), n)
			for i := range nexts {
				q := `subscription { reviewAdded { id body } }`
				if mode == "distinct" {
					q = fmt.Sprintf(`subscription { r%d: reviewAdded { id body } }`, i)
				}
				resp := gw.Serve(ctx, &Request{Query: q, AcceptSubscription: true})
				if resp.Events == nil {
					b.Fatalf("subscription %d: %v", i, resp.Errors)
				}
				next, stop := iter.Pull(resp.Events)
				defer stop()
				nexts[i] = next
			}
			for fake.subscribers() != map[string]int{"shared": 1, "distinct": n}[mode] {
				runtime.Gosched()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heapPerSub := float64(after.HeapAlloc-before.HeapAlloc) / n
			ev := `{"data":{"reviewAdded":{"id":"1","body":"b","__typename":"Review"}}}`
			if mode == "distinct" {
				ev = "" // each upstream gets its own alias: see publishAliased
			}
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				if mode == "shared" {
					fake.publish(ev)
				} else {
					fake.publishAliased()
				}
				var wg sync.WaitGroup
				for _, next := range nexts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r, ok := next()
						if !ok || len(r.Errors) > 0 || len(r.Data) == 0 {
							panic(fmt.Sprintf("not a complete event: %v %+v", ok, r))
						}
						r.Release()
					}()
				}
				wg.Wait()
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(heapPerSub, "heapB/sub")
		})
	}
}
