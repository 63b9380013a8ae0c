package gateway

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/junction-gateway/junction/planner"
)

// The stages' own telemetry: spans for parse/validate and plan (with the
// plan-cache hit or miss), and the Observer calls. Without a tracer
// provider (WithTracerProvider) and without an Observer plugin each helper
// is the bare call: nothing is added to the request path.

// tracerName is the instrumentation scope of the gateway's and the
// executor's spans.
const tracerName = "github.com/junction-gateway/junction"

// WithTracerProvider makes the gateway record spans with tp: parse and
// validate, plan, and (through the executor) each subgraph fetch, children
// of the span in the request's context (the telemetry plugin's request
// span). Without it the gateway records no span.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *options) { o.tracerProvider = tp }
}

// observe sets up the gateway's tracer from the options.
func (g *Gateway) observe() {
	if g.opts.tracerProvider != nil {
		g.tracer = g.opts.tracerProvider.Tracer(tracerName)
	}
}

// load parses and validates query (cached), in a span when tracing.
func (g *Gateway) load(ctx context.Context, st *State, query string) *cachedDocument {
	if g.tracer == nil {
		return st.docs.load(st.Supergraph.API, query)
	}
	_, span := g.tracer.Start(ctx, "graphql.validate")
	cd := st.docs.load(st.Supergraph.API, query)
	if len(cd.errs) > 0 {
		span.SetStatus(codes.Error, cd.errs[0].Message)
	}
	span.End()
	return cd
}

// plan plans from the cache or builds the plan, in a span when tracing,
// and tells the observers whether the cache hit.
func (g *Gateway) plan(ctx context.Context, st *State, doc *ast.QueryDocument, name string, o planner.Options) (*planner.Plan, error) {
	if g.tracer == nil && len(g.plugins.observers) == 0 {
		return st.Planner.PlanWith(doc, name, o)
	}
	var span trace.Span
	if g.tracer != nil {
		_, span = g.tracer.Start(ctx, "graphql.plan")
	}
	var hit bool
	o.CacheHit = &hit
	pl, err := st.Planner.PlanWith(doc, name, o)
	for _, ob := range g.plugins.observers {
		ob.PlanCache(ctx, hit)
	}
	if span != nil {
		if span.IsRecording() {
			span.SetAttributes(attribute.Bool("junction.plan.cache_hit", hit))
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
	return pl, err
}

// deduplicated tells the observers that a request shared another's work.
func (g *Gateway) deduplicated(ctx context.Context, layer, service string) {
	for _, ob := range g.plugins.observers {
		ob.Deduplicated(ctx, layer, service)
	}
}
