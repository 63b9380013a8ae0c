package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Telemetry configures traces, metrics and request logs. Nothing is
// exported, exposed or logged per request unless it is configured here.
type Telemetry struct {
	// ServiceName is the service.name of every span and metric (default junction).
	ServiceName string `yaml:"service_name"`
	// Tracing exports spans over OTLP; W3C trace context (traceparent) is
	// then accepted from clients and sent to subgraphs.
	Tracing Tracing `yaml:"tracing"`
	// Metrics are exposed for Prometheus and/or exported over OTLP.
	Metrics Metrics `yaml:"metrics"`
	// Logs: the log format, and one line per request when request_level is set.
	Logs Logs `yaml:"logs"`
}

// Tracing configures the export of spans.
type Tracing struct {
	// Sampler is the fraction of new traces recorded, 0 to 1 (default 1).
	// It is parent-based: a trace a client started follows the client's
	// sampled flag.
	Sampler *float64 `yaml:"sampler"`
	// OTLP is where spans are sent; tracing is off without it.
	OTLP *OTLP `yaml:"otlp"`
}

// OTLP is an OpenTelemetry protocol exporter.
type OTLP struct {
	// Endpoint is the collector's URL, e.g. http://127.0.0.1:4318 for
	// http/protobuf or http://127.0.0.1:4317 for grpc (http:// sends in
	// clear text, https:// over TLS).
	Endpoint string `yaml:"endpoint"`
	// Protocol is http/protobuf (default) or grpc.
	Protocol string `yaml:"protocol" enum:"http/protobuf,grpc"`
	// Headers are sent with every export (e.g. an API key: "${OTLP_TOKEN}").
	Headers map[string]string `yaml:"headers"`
	// Timeout bounds each export (default 10s).
	Timeout time.Duration `yaml:"timeout"`
}

// Metrics configures the metrics.
type Metrics struct {
	// Prometheus serves the metrics in the Prometheus text format at Path.
	Prometheus bool `yaml:"prometheus"`
	// Path is where Prometheus metrics are served (default /metrics).
	Path string `yaml:"path"`
	// Listen is a separate HOST:PORT for the Prometheus endpoint (default:
	// the main listener).
	Listen string `yaml:"listen"`
	// OTLP exports the metrics periodically.
	OTLP *OTLP `yaml:"otlp"`
	// Interval between OTLP metric exports (default 60s).
	Interval time.Duration `yaml:"interval"`
	// CardinalityLimit bounds the attribute sets kept per metric (default
	// 2000): operation and client names come from clients, so the sets
	// past the limit are counted together under otel.metric.overflow.
	CardinalityLimit int `yaml:"cardinality_limit"`
}

// Logs configures the process's logs.
type Logs struct {
	// Format of every log line: text (default) or json.
	Format string `yaml:"format" enum:"text,json"`
	// RequestLevel logs one line per request at this level (request id,
	// trace id, operation, client, status, duration); off by default.
	RequestLevel string `yaml:"request_level" enum:"off,debug,info,warn,error"`
}

// TracingEnabled reports whether spans are exported.
func (t *Telemetry) TracingEnabled() bool { return t.Tracing.OTLP != nil }

// MetricsEnabled reports whether metrics are kept.
func (t *Telemetry) MetricsEnabled() bool { return t.Metrics.Prometheus || t.Metrics.OTLP != nil }

// RequestLogsEnabled reports whether each request is logged.
func (t *Telemetry) RequestLogsEnabled() bool {
	return t.Logs.RequestLevel != "" && t.Logs.RequestLevel != "off"
}

// Enabled reports whether any per-request telemetry is configured.
func (t *Telemetry) Enabled() bool {
	return t.TracingEnabled() || t.MetricsEnabled() || t.RequestLogsEnabled()
}

func (t *Telemetry) applyDefaults() {
	if t.ServiceName == "" {
		t.ServiceName = "junction"
	}
	if t.Tracing.Sampler == nil {
		one := 1.0
		t.Tracing.Sampler = &one
	}
	for _, o := range []*OTLP{t.Tracing.OTLP, t.Metrics.OTLP} {
		if o == nil {
			continue
		}
		if o.Protocol == "" {
			o.Protocol = "http/protobuf"
		}
		if o.Timeout == 0 {
			o.Timeout = 10 * time.Second
		}
	}
	if t.Metrics.Path == "" {
		t.Metrics.Path = "/metrics"
	}
	if t.Metrics.Interval == 0 {
		t.Metrics.Interval = 60 * time.Second
	}
	if t.Metrics.CardinalityLimit == 0 {
		t.Metrics.CardinalityLimit = 2000
	}
	if t.Logs.Format == "" {
		t.Logs.Format = "text"
	}
}

func (t *Telemetry) validate() []string {
	var probs []string
	if s := t.Tracing.Sampler; s != nil && (*s < 0 || *s > 1) {
		probs = append(probs, fmt.Sprintf("telemetry.tracing.sampler: %v is not between 0 and 1", *s))
	}
	probs = append(probs, t.Tracing.OTLP.validate("telemetry.tracing.otlp")...)
	probs = append(probs, t.Metrics.OTLP.validate("telemetry.metrics.otlp")...)
	if !strings.HasPrefix(t.Metrics.Path, "/") {
		probs = append(probs, fmt.Sprintf("telemetry.metrics.path: %q must start with /", t.Metrics.Path))
	}
	if t.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(t.Metrics.Listen); err != nil {
			probs = append(probs, fmt.Sprintf("telemetry.metrics.listen: %q is not HOST:PORT", t.Metrics.Listen))
		}
		if !t.Metrics.Prometheus {
			probs = append(probs, "telemetry.metrics.listen: set, but telemetry.metrics.prometheus is false")
		}
	}
	if t.Metrics.CardinalityLimit < 0 {
		probs = append(probs, "telemetry.metrics.cardinality_limit: must be positive")
	}
	if t.Metrics.Interval < 0 {
		probs = append(probs, "telemetry.metrics.interval: must be positive")
	}
	switch t.Logs.Format {
	case "text", "json":
	default:
		probs = append(probs, fmt.Sprintf("telemetry.logs.format: %q is not one of text, json", t.Logs.Format))
	}
	switch t.Logs.RequestLevel {
	case "", "off", "debug", "info", "warn", "error":
	default:
		probs = append(probs, fmt.Sprintf("telemetry.logs.request_level: %q is not one of off, debug, info, warn, error", t.Logs.RequestLevel))
	}
	return probs
}

func (o *OTLP) validate(key string) []string {
	if o == nil {
		return nil
	}
	var probs []string
	if o.Endpoint == "" {
		probs = append(probs, key+".endpoint: required (e.g. http://127.0.0.1:4318)")
	} else if u, err := url.Parse(o.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		probs = append(probs, fmt.Sprintf("%s.endpoint: %q is not an http(s) URL", key, o.Endpoint))
	}
	switch o.Protocol {
	case "http/protobuf", "grpc":
	default:
		probs = append(probs, fmt.Sprintf("%s.protocol: %q is not one of http/protobuf, grpc", key, o.Protocol))
	}
	if o.Timeout < 0 {
		probs = append(probs, key+".timeout: must be positive")
	}
	return probs
}
