package main

import (
	"context"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/cache"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/ratelimit"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/internal/redistest"
)

// BenchmarkGatewayServeRateCache is BenchmarkGatewayServe (subgraphs
// replayed in memory) with rate limits and the cache configured:
//
//	off                   neither (the baseline)
//	ratelimit             the @rateLimit interceptor (the benchmark query selects no limited field: the walk alone)
//	ratelimit+req/memory  and a request-level limit counted in memory
//	ratelimit+req/redis   and a request-level limit counted in Redis (one script call per request)
//	cache/memory          the entity cache, every cacheable fetch a hit (memory store)
//	cache/redis           the same with Redis (one MGET per cacheable fetch)
//
// In the benchmark query only Product is hinted (topProducts and the
// Product entity fetches): users, reviews and their authors are fetched
// every time, as without a cache.
func BenchmarkGatewayServeRateCache(b *testing.B) {
	var srv *redistest.Server
	redisClient := func(b *testing.B) *redisclient.Health {
		if srv == nil {
			srv = redistest.Start(b)
		}
		return redisclient.NewHealth("bench", nil, 0)
	}
	for _, v := range []struct {
		name string
		opts func(b *testing.B) []gateway.Option
	}{
		{"off", func(*testing.B) []gateway.Option { return nil }},
		{"ratelimit", func(b *testing.B) []gateway.Option {
			lim, err := ratelimit.New(ratelimit.Options{Store: ratelimit.NewMemory(1000)})
			if err != nil {
				b.Fatal(err)
			}
			return []gateway.Option{gateway.WithPlugins(lim.Plugins()...)}
		}},
		{"ratelimit+req/memory", func(b *testing.B) []gateway.Option {
			lim, err := ratelimit.New(ratelimit.Options{Store: ratelimit.NewMemory(1000), MaxLimit: 1 << 20,
				Requests: []config.RequestLimit{{By: "global", Max: 1 << 20, Window: 100 * time.Millisecond}}})
			if err != nil {
				b.Fatal(err)
			}
			return []gateway.Option{gateway.WithPlugins(lim.Plugins()...)}
		}},
		{"ratelimit+req/redis", func(b *testing.B) []gateway.Option {
			h := redisClient(b)
			c, err := redisclient.New(&config.Redis{URL: srv.URL()})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { c.Close() })
			lim, err := ratelimit.New(ratelimit.Options{Store: ratelimit.NewRedis(c, "bench:"), Health: h, MaxLimit: 1 << 20,
				Requests: []config.RequestLimit{{By: "global", Max: 1 << 20, Window: 100 * time.Millisecond}}})
			if err != nil {
				b.Fatal(err)
			}
			return []gateway.Option{gateway.WithPlugins(lim.Plugins()...)}
		}},
		{"cache/memory", func(b *testing.B) []gateway.Option {
			c, err := cache.New(cache.Options{Store: cache.NewMemory(100000, 64<<20)})
			if err != nil {
				b.Fatal(err)
			}
			return []gateway.Option{gateway.WithPlugins(c.Plugin()), gateway.WithEntityCache(c.Build)}
		}},
		{"cache/redis", func(b *testing.B) []gateway.Option {
			h := redisClient(b)
			rc, err := redisclient.New(&config.Redis{URL: srv.URL()})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rc.Close() })
			c, err := cache.New(cache.Options{Store: cache.NewRedis(rc, "bench:"), Health: h})
			if err != nil {
				b.Fatal(err)
			}
			return []gateway.Option{gateway.WithPlugins(c.Plugin()), gateway.WithEntityCache(c.Build)}
		}},
	} {
		b.Run(v.name, func(b *testing.B) {
			opts := v.opts(b)
			gw := benchGateway(b, append(opts, gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))...)
			ctx := context.Background()
			// benchGateway checked the first answer (the cache filled);
			// the next ones (hits) must be the same bytes.
			first := gw.Serve(ctx, &gateway.Request{Query: query})
			want := string(first.Data)
			first.Release()
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				resp := gw.Serve(ctx, &gateway.Request{Query: query})
				if len(resp.Data) == 0 || len(resp.Errors) > 0 {
					b.Fatalf("no data: %v", resp.Errors)
				}
				if i == 0 && string(resp.Data) != want {
					b.Fatal("a cached answer differs")
				}
				resp.Release()
			}
			reportCPU(b, cpu0)
		})
	}
}
