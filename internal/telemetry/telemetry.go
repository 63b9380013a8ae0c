package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// scope is the instrumentation scope of Junction's spans and metrics.
const scope = "github.com/junction-gateway/junction"

// Telemetry holds the configured providers: a tracer provider when tracing
// is configured, a meter provider when metrics are, a request logger when
// request logs are. Any of them may be absent; with none, Options returns
// nothing and the gateway runs without telemetry.
type Telemetry struct {
	tracerProvider *sdktrace.TracerProvider
	meterProvider  *sdkmetric.MeterProvider
	prometheus     http.Handler
	requestLog     *slog.Logger
	requestLevel   slog.Level
	propagator     propagation.TextMapPropagator
	inst           *instruments
	shutdown       []func(context.Context) error
}

// Option adds test or embedding hooks to New.
type Option func(*settings)

type settings struct {
	spanProcessors []sdktrace.SpanProcessor
	readers        []sdkmetric.Reader
	logWriter      io.Writer
}

// WithSpanProcessor records spans with p too (tests use tracetest's
// recorder); it turns tracing on even without an OTLP exporter.
func WithSpanProcessor(p sdktrace.SpanProcessor) Option {
	return func(s *settings) { s.spanProcessors = append(s.spanProcessors, p) }
}

// WithMetricReader reads the metrics with r too (tests use a manual
// reader); it turns metrics on even without Prometheus or OTLP.
func WithMetricReader(r sdkmetric.Reader) Option {
	return func(s *settings) { s.readers = append(s.readers, r) }
}

// WithLogWriter is where request log lines go (default os.Stderr).
func WithLogWriter(w io.Writer) Option { return func(s *settings) { s.logWriter = w } }

// New builds what cfg configures (cfg has its defaults applied: see
// config.Telemetry). Exporters connect lazily: New does not fail when a
// collector is down. Call Shutdown to flush them.
func New(ctx context.Context, cfg config.Telemetry, opts ...Option) (*Telemetry, error) {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	t := &Telemetry{propagator: propagation.TraceContext{}}
	res := resource.NewSchemaless(attribute.String("service.name", serviceName(cfg)))
	if cfg.TracingEnabled() || len(s.spanProcessors) > 0 {
		ratio := 1.0
		if cfg.Tracing.Sampler != nil {
			ratio = *cfg.Tracing.Sampler
		}
		topts := []sdktrace.TracerProviderOption{
			sdktrace.WithResource(res),
			sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
		}
		if cfg.Tracing.OTLP != nil {
			exp, err := spanExporter(ctx, cfg.Tracing.OTLP)
			if err != nil {
				return nil, fmt.Errorf("telemetry.tracing.otlp: %w", err)
			}
			topts = append(topts, sdktrace.WithBatcher(exp))
		}
		for _, p := range s.spanProcessors {
			topts = append(topts, sdktrace.WithSpanProcessor(p))
		}
		t.tracerProvider = sdktrace.NewTracerProvider(topts...)
		t.shutdown = append(t.shutdown, t.tracerProvider.Shutdown)
	}
	if cfg.MetricsEnabled() || len(s.readers) > 0 {
		limit := cfg.Metrics.CardinalityLimit
		if limit <= 0 {
			limit = 2000
		}
		mopts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithCardinalityLimit(limit)}
		if cfg.Metrics.Prometheus {
			reg := prometheus.NewRegistry()
			exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
			if err != nil {
				return nil, fmt.Errorf("telemetry.metrics.prometheus: %w", err)
			}
			mopts = append(mopts, sdkmetric.WithReader(exp))
			t.prometheus = promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
		}
		if cfg.Metrics.OTLP != nil {
			exp, err := metricExporter(ctx, cfg.Metrics.OTLP)
			if err != nil {
				return nil, fmt.Errorf("telemetry.metrics.otlp: %w", err)
			}
			mopts = append(mopts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp,
				sdkmetric.WithInterval(cfg.Metrics.Interval), sdkmetric.WithTimeout(cfg.Metrics.OTLP.Timeout))))
		}
		for _, r := range s.readers {
			mopts = append(mopts, sdkmetric.WithReader(r))
		}
		t.meterProvider = sdkmetric.NewMeterProvider(mopts...)
		t.shutdown = append(t.shutdown, t.meterProvider.Shutdown)
		inst, err := newInstruments(t.meterProvider.Meter(scope))
		if err != nil {
			return nil, err
		}
		t.inst = inst
	}
	if cfg.RequestLogsEnabled() {
		w := s.logWriter
		if w == nil {
			w = stderr
		}
		t.requestLog = Logger(w, cfg.Logs.Format)
		if err := t.requestLevel.UnmarshalText([]byte(cfg.Logs.RequestLevel)); err != nil {
			return nil, fmt.Errorf("telemetry.logs.request_level: %w", err)
		}
	}
	return t, nil
}

func serviceName(cfg config.Telemetry) string {
	if cfg.ServiceName == "" {
		return "junction"
	}
	return cfg.ServiceName
}

// Enabled reports whether anything is recorded per request.
func (t *Telemetry) Enabled() bool {
	return t != nil && (t.tracerProvider != nil || t.meterProvider != nil || t.requestLog != nil)
}

// GatewayOptions plug telemetry into a gateway: the plugin (request and
// operation interceptor, client middleware, observer) and the tracer
// provider. Nil when nothing is configured. Give them before other
// plugins, so that the request span and metrics cover them.
func (t *Telemetry) GatewayOptions() []gateway.Option {
	if !t.Enabled() {
		return nil
	}
	opts := []gateway.Option{gateway.WithPlugins(&plugin{t: t})}
	if t.tracerProvider != nil {
		opts = append(opts, gateway.WithTracerProvider(t.tracerProvider))
	}
	return opts
}

// TracerProvider is the configured tracer provider, or nil.
func (t *Telemetry) TracerProvider() trace.TracerProvider {
	if t == nil || t.tracerProvider == nil {
		return nil
	}
	return t.tracerProvider
}

// MeterProvider is the configured meter provider, or nil.
func (t *Telemetry) MeterProvider() metric.MeterProvider {
	if t == nil || t.meterProvider == nil {
		return nil
	}
	return t.meterProvider
}

// PrometheusHandler serves the metrics in the Prometheus text format, or
// is nil when Prometheus is not configured.
func (t *Telemetry) PrometheusHandler() http.Handler {
	if t == nil {
		return nil
	}
	return t.prometheus
}

// Shutdown flushes and stops the exporters, within ctx.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	var errs []error
	for _, f := range t.shutdown {
		errs = append(errs, f(ctx))
	}
	t.shutdown = nil
	return errors.Join(errs...)
}

// Logger returns a slog logger writing format ("json" or "text") to w.
func Logger(w io.Writer, format string) *slog.Logger {
	if strings.EqualFold(format, "json") {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// durationBuckets are the semantic conventions' advice for
// http.server.request.duration and http.client.request.duration (seconds).
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}
