package telemetry

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/junction-gateway/junction/internal/config"
)

var stderr = os.Stderr

// endpoint splits an OTLP endpoint URL into host:port, whether to send in
// clear text, and the path of signal ("traces", "metrics") under it: as
// with OTEL_EXPORTER_OTLP_ENDPOINT, http://host:4318 sends traces to
// http://host:4318/v1/traces.
func endpoint(raw, signal string) (host string, insecure bool, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, "", err
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false, "", fmt.Errorf("endpoint %q is not an http(s) URL", raw)
	}
	return u.Host, u.Scheme == "http", strings.TrimSuffix(u.Path, "/") + "/v1/" + signal, nil
}

func spanExporter(ctx context.Context, o *config.OTLP) (sdktrace.SpanExporter, error) {
	host, insecure, path, err := endpoint(o.Endpoint, "traces")
	if err != nil {
		return nil, err
	}
	if o.Protocol == "grpc" {
		opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(host), otlptracegrpc.WithHeaders(o.Headers),
			otlptracegrpc.WithTimeout(o.Timeout)}
		if insecure {
			opts = append(opts, otlptracegrpc.WithInsecure())
		}
		return otlptracegrpc.New(ctx, opts...)
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(host), otlptracehttp.WithURLPath(path),
		otlptracehttp.WithHeaders(o.Headers), otlptracehttp.WithTimeout(o.Timeout)}
	if insecure {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	return otlptracehttp.New(ctx, opts...)
}

func metricExporter(ctx context.Context, o *config.OTLP) (sdkmetric.Exporter, error) {
	host, insecure, path, err := endpoint(o.Endpoint, "metrics")
	if err != nil {
		return nil, err
	}
	if o.Protocol == "grpc" {
		opts := []otlpmetricgrpc.Option{otlpmetricgrpc.WithEndpoint(host), otlpmetricgrpc.WithHeaders(o.Headers),
			otlpmetricgrpc.WithTimeout(o.Timeout)}
		if insecure {
			opts = append(opts, otlpmetricgrpc.WithInsecure())
		}
		return otlpmetricgrpc.New(ctx, opts...)
	}
	opts := []otlpmetrichttp.Option{otlpmetrichttp.WithEndpoint(host), otlpmetrichttp.WithURLPath(path),
		otlpmetrichttp.WithHeaders(o.Headers), otlpmetrichttp.WithTimeout(o.Timeout)}
	if insecure {
		opts = append(opts, otlpmetrichttp.WithInsecure())
	}
	return otlpmetrichttp.New(ctx, opts...)
}
