package main

import (
	"context"
	"io"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/telemetry"
)

// BenchmarkGatewayServeTelemetry is BenchmarkGatewayServe with telemetry
// off (as configured by default), with traces sampled at 0 and at 100 %
// (batched to an exporter that drops them: the SDK's cost, not a
// collector's), with metrics only, and with everything (traces at 100 %,
// metrics, a request log line at info to io.Discard).
func BenchmarkGatewayServeTelemetry(b *testing.B) {
	zero, one := 0.0, 1.0
	for _, v := range []struct {
		name  string
		setup func(*config.Telemetry) []telemetry.Option
	}{
		{"off", func(*config.Telemetry) []telemetry.Option { return nil }},
		{"traces=0", func(c *config.Telemetry) []telemetry.Option {
			c.Tracing.Sampler = &zero
			return []telemetry.Option{telemetry.WithSpanProcessor(sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter()))}
		}},
		{"traces=1", func(c *config.Telemetry) []telemetry.Option {
			c.Tracing.Sampler = &one
			return []telemetry.Option{telemetry.WithSpanProcessor(sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter()))}
		}},
		{"metrics", func(c *config.Telemetry) []telemetry.Option {
			return []telemetry.Option{telemetry.WithMetricReader(sdkmetric.NewManualReader())}
		}},
		{"all", func(c *config.Telemetry) []telemetry.Option {
			c.Tracing.Sampler = &one
			c.Logs.RequestLevel = "info"
			return []telemetry.Option{
				telemetry.WithSpanProcessor(sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter())),
				telemetry.WithMetricReader(sdkmetric.NewManualReader()),
				telemetry.WithLogWriter(io.Discard),
			}
		}},
	} {
		b.Run(v.name, func(b *testing.B) {
			cfg := config.Default().Telemetry
			opts := v.setup(&cfg)
			tel, err := telemetry.New(context.Background(), cfg, opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			gw := benchGateway(b, append(tel.GatewayOptions(),
				gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))...)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				resp := gw.Serve(ctx, &gateway.Request{Query: query})
				if len(resp.Data) == 0 {
					b.Fatal("no data")
				}
				resp.Release()
			}
			reportCPU(b, cpu0)
		})
	}
}
