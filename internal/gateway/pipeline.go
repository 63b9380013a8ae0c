package gateway

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
)

// The request pipeline is a fixed list of named stages:
//
//	decode     internal/server: the HTTP request becomes a Request
//	request    RequestInterceptors (authentication, request rate limits, telemetry)
//	parse      parse and validate against the API schema (cached), limits, APQ
//	operation  select the operation, coerce the variables
//	authorize  OperationInterceptors (authorization, field rate limits, cache hints)
//	plan       plan from the cache, or build it (denied fields left out)
//	execute    run the plan (inbound deduplication), shape the response
//	write      internal/server: status, headers, body
//
// Features plug in through Plugins given to New (WithPlugins); a plugin
// implements one or more of the interfaces below (Observer for telemetry
// that only the gateway sees: observe.go). With no plugin configured
// the pipeline calls each stage directly: a feature that is not configured
// costs nothing on the request path.

// Plugin is a pipeline extension. It implements at least one of
// RequestInterceptor, OperationInterceptor, Preparer, ClientMiddleware and
// Observer.
type Plugin interface {
	// Name names the plugin in errors and telemetry.
	Name() string
}

// RequestHandler runs the rest of the pipeline for a request.
type RequestHandler func(ctx context.Context, req *Request) *Response

// RequestInterceptor runs around everything after decoding: it may read
// and change the Request, put values in the context for the stages after
// it (a principal), answer at once (401, 429) without calling next, or
// change the Response that next returns.
type RequestInterceptor interface {
	Plugin
	InterceptRequest(ctx context.Context, req *Request, next RequestHandler) *Response
}

// OperationHandler runs the rest of the pipeline for a validated operation.
type OperationHandler func(ctx context.Context, op *Operation) *Response

// OperationInterceptor runs around planning and execution of a validated
// operation with coerced variables: it may deny fields (Operation.Deny),
// add subgraph headers, answer at once (403, 429) without calling next, or
// change the Response that next returns (headers, extensions).
type OperationInterceptor interface {
	Plugin
	InterceptOperation(ctx context.Context, op *Operation, next OperationHandler) *Response
}

// Preparer derives a plugin's per-supergraph data (field policies read from
// directives, say) once, when a supergraph is swapped in. An error refuses
// the supergraph: the last good one keeps serving. Read the result with
// State.Prepared.
type Preparer interface {
	Plugin
	Prepare(sg *schema.Supergraph) (any, error)
}

// ClientMiddleware wraps the subgraph client (retries, circuit breakers,
// per-subgraph telemetry). Middlewares wrap in the order given, the first
// outermost; subgraph deduplication wraps them all, so each wraps only the
// round trips that really go out.
type ClientMiddleware interface {
	Plugin
	WrapClient(next executor.Client) executor.Client
}

// Observer is told what only the gateway sees (telemetry): plan-cache
// lookups and deduplicated requests. It is called on the request path:
// it must be cheap and must not block.
type Observer interface {
	Plugin
	// PlanCache reports a plan-cache lookup and whether it hit.
	PlanCache(ctx context.Context, hit bool)
	// Deduplicated reports a request that shared another's work instead
	// of doing its own: layer "inbound" (an execution) or "subgraph" (a
	// round trip to subgraph service).
	Deduplicated(ctx context.Context, layer, service string)
}

// plugins are the configured plugins sorted by the interfaces they implement.
type plugins struct {
	all       []Plugin
	request   []RequestInterceptor
	operation []OperationInterceptor
	preparers []Preparer
	clients   []ClientMiddleware
	observers []Observer
}

// WithPlugins adds pipeline plugins, in order: the first one's interceptors
// run outermost.
func WithPlugins(ps ...Plugin) Option {
	return func(o *options) { o.plugins = append(o.plugins, ps...) }
}

func sortPlugins(ps []Plugin) (plugins, error) {
	var out plugins
	for _, p := range ps {
		if p == nil {
			continue
		}
		used := false
		if x, ok := p.(RequestInterceptor); ok {
			out.request, used = append(out.request, x), true
		}
		if x, ok := p.(OperationInterceptor); ok {
			out.operation, used = append(out.operation, x), true
		}
		if x, ok := p.(Preparer); ok {
			out.preparers, used = append(out.preparers, x), true
		}
		if x, ok := p.(ClientMiddleware); ok {
			out.clients, used = append(out.clients, x), true
		}
		if x, ok := p.(Observer); ok {
			out.observers, used = append(out.observers, x), true
		}
		if !used {
			return plugins{}, fmt.Errorf("gateway: plugin %q implements no pipeline interface", p.Name())
		}
		out.all = append(out.all, p)
	}
	return out, nil
}

// Operation is one validated operation on its way through the stages after
// parsing. Document and Definition are shared with other requests through
// the document cache: never mutate them.
type Operation struct {
	Request    *Request
	State      *State
	Document   *ast.QueryDocument
	Definition *ast.OperationDefinition
	// Variables are coerced against the operation's variable definitions.
	Variables map[string]any
	// SubgraphHeader is added to every subgraph request of this operation
	// (after the propagated client headers). Nil until a stage sets one.
	SubgraphHeader http.Header
	denied         map[*ast.Field]*gqlerror.Error
}

// Deny leaves field f (a field of Document, reached from Definition) out
// of the plan: no subgraph is asked for it, and it answers null with err
// (its path set) at each response path where it appears; a non-null denied
// field propagates its null to the nearest nullable parent without another
// error. Denying every root field still answers {"data": {…null…}}.
// Operations denied the same fields share one cached plan.
func (o *Operation) Deny(f *ast.Field, err *gqlerror.Error) {
	if f == nil || err == nil {
		return
	}
	if o.denied == nil {
		o.denied = map[*ast.Field]*gqlerror.Error{}
	}
	if _, ok := o.denied[f]; !ok {
		o.denied[f] = err
	}
}

// Denied reports whether f was denied.
func (o *Operation) Denied(f *ast.Field) bool {
	_, ok := o.denied[f]
	return ok
}

// DeniedCount is the number of distinct fields denied so far.
func (o *Operation) DeniedCount() int { return len(o.denied) }

// deniedKey identifies the set of denied fields within the document: the
// sorted source offsets of the fields. Empty when nothing is denied.
func (o *Operation) deniedKey() string {
	if len(o.denied) == 0 {
		return ""
	}
	offs := make([]int, 0, len(o.denied))
	for f := range o.denied {
		off := -1
		if f.Position != nil {
			off = f.Position.Start
		}
		offs = append(offs, off)
	}
	slices.Sort(offs)
	var b strings.Builder
	for i, n := range offs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// chainRequest builds the request stage's handler chain around final.
func chainRequest(ics []RequestInterceptor, final RequestHandler) RequestHandler {
	h := final
	for i := len(ics) - 1; i >= 0; i-- {
		ic, next := ics[i], h
		h = func(ctx context.Context, req *Request) *Response { return ic.InterceptRequest(ctx, req, next) }
	}
	return h
}

// chainOperation builds the operation stage's handler chain around final.
func chainOperation(ics []OperationInterceptor, final OperationHandler) OperationHandler {
	h := final
	for i := len(ics) - 1; i >= 0; i-- {
		ic, next := ics[i], h
		h = func(ctx context.Context, op *Operation) *Response { return ic.InterceptOperation(ctx, op, next) }
	}
	return h
}
