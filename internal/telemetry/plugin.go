package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
)

// Attribute keys. The semantic conventions' where they have one (HTTP,
// GraphQL, error.type); junction.* and graphql.client.name otherwise.
const (
	keyOperationName = attribute.Key("graphql.operation.name")
	keyOperationType = attribute.Key("graphql.operation.type")
	keyClientName    = attribute.Key("graphql.client.name")
	keyClientVersion = attribute.Key("graphql.client.version")
	keySubgraph      = attribute.Key("graphql.federation.subgraph.name")
	keyStatus        = attribute.Key("http.response.status_code")
	keyBodySize      = attribute.Key("http.response.body.size")
	keyErrorType     = attribute.Key("error.type")
	keyOutcome       = attribute.Key("junction.outcome")
	keyCacheResult   = attribute.Key("junction.cache.result")
	keyDedupeLayer   = attribute.Key("junction.dedupe.layer")
	keyRequestID     = attribute.Key("junction.request.id")
)

// Client identification headers (Apollo's, which most clients send).
const (
	headerClientName    = "Apollographql-Client-Name"
	headerClientVersion = "Apollographql-Client-Version"
	headerRequestID     = "X-Request-Id"
)

// maxLabel bounds an attribute value taken from a client (operation and
// client names): longer ones are cut.
const maxLabel = 128

// instruments are the metrics (names per the OTel semantic conventions
// for HTTP servers and clients; junction.* for the gateway's own).
type instruments struct {
	requests     metric.Int64Counter       // junction.requests
	duration     metric.Float64Histogram   // http.server.request.duration
	active       metric.Int64UpDownCounter // http.server.active_requests
	fetchTime    metric.Float64Histogram   // http.client.request.duration
	fetchErrors  metric.Int64Counter       // junction.subgraph.errors
	planCache    metric.Int64Counter       // junction.plan.cache.lookups
	deduplicated metric.Int64Counter       // junction.requests.deduplicated
}

func newInstruments(m metric.Meter) (*instruments, error) {
	var in instruments
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	in.requests, err = m.Int64Counter("junction.requests", metric.WithUnit("{request}"),
		metric.WithDescription("GraphQL requests by operation name and type, client name and outcome (ok, partial, error)."))
	add(err)
	in.duration, err = m.Float64Histogram("http.server.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of GraphQL requests, until the response (its first part for @defer) is ready."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	add(err)
	in.active, err = m.Int64UpDownCounter("http.server.active_requests", metric.WithUnit("{request}"),
		metric.WithDescription("GraphQL requests in flight."))
	add(err)
	in.fetchTime, err = m.Float64Histogram("http.client.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of subgraph requests, by subgraph."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	add(err)
	in.fetchErrors, err = m.Int64Counter("junction.subgraph.errors", metric.WithUnit("{request}"),
		metric.WithDescription("Subgraph requests that failed (transport, timeout, non-2xx status), by subgraph and error.type."))
	add(err)
	in.planCache, err = m.Int64Counter("junction.plan.cache.lookups", metric.WithUnit("{lookup}"),
		metric.WithDescription("Query plan cache lookups, by junction.cache.result (hit or miss)."))
	add(err)
	in.deduplicated, err = m.Int64Counter("junction.requests.deduplicated", metric.WithUnit("{request}"),
		metric.WithDescription("Requests that shared another's work: junction.dedupe.layer inbound (an execution) or subgraph (a round trip)."))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &in, nil
}

// plugin is telemetry's gateway plugin.
type plugin struct{ t *Telemetry }

var (
	_ gateway.RequestInterceptor   = (*plugin)(nil)
	_ gateway.OperationInterceptor = (*plugin)(nil)
	_ gateway.ClientMiddleware     = (*plugin)(nil)
	_ gateway.Observer             = (*plugin)(nil)
)

func (p *plugin) Name() string { return "telemetry" }

// requestInfo is what the later stages learn about a request.
type requestInfo struct {
	opName, opType string
}

type infoKey struct{}

// InterceptRequest wraps the whole request: the server span (a child of
// the client's traceparent, if any), the request metrics and log line.
func (p *plugin) InterceptRequest(ctx context.Context, req *gateway.Request, next gateway.RequestHandler) *gateway.Response {
	t := p.t
	start := time.Now()
	info := &requestInfo{}
	ctx = context.WithValue(ctx, infoKey{}, info)
	client := clip(req.Header.Get(headerClientName))
	var span trace.Span
	if t.tracerProvider != nil {
		ctx = t.propagator.Extract(ctx, propagation.HeaderCarrier(req.Header))
		ctx, span = t.tracerProvider.Tracer(scope).Start(ctx, "GraphQL Operation", trace.WithSpanKind(trace.SpanKindServer))
	}
	if t.inst != nil {
		t.inst.active.Add(ctx, 1)
	}

	resp := next(ctx, req)

	elapsed := time.Since(start)
	status, outcome, errType := classify(resp)
	opName := info.opName
	if opName == "" && info.opType == "" {
		opName = clip(req.OperationName) // refused before validation
	}
	if t.inst != nil {
		attrs := []attribute.KeyValue{keyOperationName.String(opName), keyOperationType.String(info.opType),
			keyClientName.String(client), keyOutcome.String(outcome)}
		t.inst.requests.Add(ctx, 1, metric.WithAttributes(attrs...))
		attrs = append(attrs, keyStatus.Int(status))
		if errType != "" {
			attrs = append(attrs, keyErrorType.String(errType))
		}
		t.inst.duration.Record(ctx, elapsed.Seconds(), metric.WithAttributes(attrs...))
		t.inst.active.Add(ctx, -1)
	}
	if span != nil && span.IsRecording() {
		if info.opType != "" {
			name := info.opType
			if opName != "" {
				name += " " + opName
			}
			span.SetName(name)
		}
		span.SetAttributes(keyOperationName.String(opName), keyOperationType.String(info.opType),
			keyClientName.String(client), keyOutcome.String(outcome), keyStatus.Int(status),
			keyRequestID.String(req.Header.Get(headerRequestID)))
		if v := req.Header.Get(headerClientVersion); v != "" {
			span.SetAttributes(keyClientVersion.String(clip(v)))
		}
		if errType != "" {
			span.SetAttributes(keyErrorType.String(errType))
			span.SetStatus(codes.Error, resp.Errors[0].Message)
		}
	}
	if span != nil {
		span.End()
	}
	if t.requestLog != nil && t.requestLog.Enabled(ctx, t.requestLevel) {
		traceID := ""
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			traceID = sc.TraceID().String()
		}
		t.requestLog.LogAttrs(ctx, t.requestLevel, "request",
			slog.String("request_id", req.Header.Get(headerRequestID)),
			slog.String("trace_id", traceID),
			slog.String("operation", opName),
			slog.String("operation_type", info.opType),
			slog.String("client", client),
			slog.Int("status", status),
			slog.String("outcome", outcome),
			slog.Int("errors", len(resp.Errors)),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000))
	}
	return resp
}

// InterceptOperation learns the validated operation's name and type.
func (p *plugin) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		info.opType = string(op.Definition.Operation)
		info.opName = clip(op.Definition.Name)
	}
	return next(ctx, op)
}

// classify returns the HTTP status the response gets under
// application/graphql-response+json, the outcome (ok: no error; partial:
// data and errors; error: no data) and the error.type (the first error's
// extensions.code, "" when there is no error).
func classify(resp *gateway.Response) (status int, outcome, errType string) {
	status = resp.Status
	if status == 0 {
		status = http.StatusOK
		if resp.Data == nil && len(resp.Errors) > 0 {
			status = http.StatusBadRequest
		}
	}
	switch {
	case len(resp.Errors) == 0 && status < 400:
		return status, "ok", ""
	case len(resp.Data) > 0 && string(resp.Data) != "null" && status < 400:
		outcome = "partial"
	default:
		outcome = "error"
	}
	errType = "_OTHER"
	if len(resp.Errors) > 0 {
		if c, ok := resp.Errors[0].Extensions["code"].(string); ok && c != "" {
			errType = clip(c)
		}
	}
	return status, outcome, errType
}

func clip(s string) string {
	if len(s) > maxLabel {
		return s[:maxLabel]
	}
	return s
}

// WrapClient measures each subgraph round trip and sends the trace
// context (traceparent) to the subgraph.
func (p *plugin) WrapClient(next executor.Client) executor.Client {
	return &client{next: next, t: p.t}
}

type client struct {
	next executor.Client
	t    *Telemetry
}

func (c *client) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	start := time.Now()
	span := trace.SpanFromContext(ctx) // the executor's fetch span
	if c.t.tracerProvider != nil && span.SpanContext().IsValid() {
		h := make(http.Header, len(req.Header)+1)
		for k, v := range req.Header {
			h[k] = v
		}
		c.t.propagator.Inject(ctx, propagation.HeaderCarrier(h))
		r := *req
		r.Header = h
		req = &r
	}
	body, err := c.next.Do(ctx, req)
	status, errType := http.StatusOK, ""
	if err != nil {
		status, errType = fetchError(err)
	}
	if span.IsRecording() {
		if status != 0 {
			span.SetAttributes(keyStatus.Int(status))
		}
		span.SetAttributes(keyBodySize.Int(len(body)))
		if errType != "" {
			span.SetAttributes(keyErrorType.String(errType))
		}
	}
	if in := c.t.inst; in != nil {
		attrs := []attribute.KeyValue{keySubgraph.String(req.Service), keyStatus.Int(status)}
		if errType != "" {
			attrs = append(attrs, keyErrorType.String(errType))
		}
		in.fetchTime.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(attrs...))
		if errType != "" {
			in.fetchErrors.Add(ctx, 1, metric.WithAttributes(keySubgraph.String(req.Service), keyErrorType.String(errType)))
		}
	}
	return body, err
}

// fetchError returns the status (0: none) and error.type of a failed
// subgraph request: the status code for a non-2xx answer, timeout,
// canceled, response_too_large or transport.
func fetchError(err error) (int, string) {
	var se *executor.StatusError
	switch {
	case errors.As(err, &se):
		return se.StatusCode, strconv.Itoa(se.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return 0, "timeout"
	case errors.Is(err, context.Canceled):
		return 0, "canceled"
	case errors.Is(err, executor.ErrResponseTooLarge):
		return 0, "response_too_large"
	}
	return 0, "transport"
}

// PlanCache counts plan-cache hits and misses.
func (p *plugin) PlanCache(ctx context.Context, hit bool) {
	if p.t.inst == nil {
		return
	}
	r := "miss"
	if hit {
		r = "hit"
	}
	p.t.inst.planCache.Add(ctx, 1, metric.WithAttributes(keyCacheResult.String(r)))
}

// Deduplicated counts requests that shared another's work.
func (p *plugin) Deduplicated(ctx context.Context, layer, service string) {
	if p.t.inst == nil {
		return
	}
	attrs := []attribute.KeyValue{keyDedupeLayer.String(layer)}
	if service != "" {
		attrs = append(attrs, keySubgraph.String(service))
	}
	p.t.inst.deduplicated.Add(ctx, 1, metric.WithAttributes(attrs...))
}
