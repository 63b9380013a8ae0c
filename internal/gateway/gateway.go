package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/subscription"
	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// ErrNoSupergraph is returned by Swap for a nil supergraph.
var ErrNoSupergraph = errors.New("gateway: no supergraph")

// State is one immutable generation of the gateway: a supergraph with the
// planner and executor built for it. Requests hold the State they started
// with, so a Swap never disturbs a request in flight.
type State struct {
	Supergraph *schema.Supergraph
	Planner    *planner.Planner
	Executor   *executor.Executor
	docs       *documentCache
	// prepared holds each Preparer's data for this supergraph, in the
	// order of Gateway.plugins.preparers.
	prepared map[Plugin]any
	// contracts are the states of the supergraph's contracts (contracts.go).
	contracts map[string]*State
}

// Prepared returns what plugin p's Prepare returned for this state's
// supergraph (nil when p is not a Preparer of this gateway).
func (s *State) Prepared(p Plugin) any { return s.prepared[p] }

// Gateway is the request pipeline over a hot-swappable State.
type Gateway struct {
	state   atomic.Pointer[State]
	opts    options
	tracer  trace.Tracer
	inbound flightGroup[*Response]
	apq     *apqStore
	plugins plugins
	// handleRequest and handleOperation are the request and operation
	// stages: the interceptors' chain, or parse and run directly.
	handleRequest   RequestHandler
	handleOperation OperationHandler
	owners          atomic.Pointer[ownersCache] // FieldOwners, per supergraph version
	subs            subscriptions               // subscribe.go
}

type options struct {
	client          executor.Client
	urls            map[string]string
	subgraphTimeout time.Duration
	perSubgraph     map[string]time.Duration
	requestTimeout  time.Duration
	docCacheSize    int
	planCacheSize   int
	inboundDedupe   bool
	subgraphDedupe  bool
	propagate       []string // canonical header names forwarded to subgraphs
	overrideLabels  map[string]bool
	limits          Limits
	// maxResponseBytes caps a subgraph response body (0: the client's
	// default, 64 MiB).
	maxResponseBytes int64
	plugins          []Plugin
	bounds           bounds // bounds.go
	tracerProvider   trace.TracerProvider
	entityCache      func(*schema.Supergraph) executor.EntityCache // cachehooks.go
	apqStore         APQStore
	httpOptions      []executor.HTTPOption            // transport.go
	respHeaders      *ResponseHeaderPolicy            // respheaders.go
	subsBounds       subscription.Options             // subscribe.go
	subsPer          map[string]SubgraphSubscriptions // subscribe.go
	contracts        []schema.Contract                // contracts.go
}

// Option configures a Gateway.
type Option func(*options)

// WithClient sets the subgraph client (default: executor.NewHTTPClient()).
func WithClient(c executor.Client) Option { return func(o *options) { o.client = c } }

// WithSubgraphURLs overrides the subgraph URLs from the supergraph, by name.
func WithSubgraphURLs(urls map[string]string) Option {
	return func(o *options) { o.urls = urls }
}

// WithSubgraphTimeout bounds every subgraph request (default
// executor.DefaultSubgraphTimeout; 0 keeps it).
func WithSubgraphTimeout(d time.Duration) Option {
	return func(o *options) { o.subgraphTimeout = d }
}

// WithSubgraphTimeouts overrides the subgraph timeout per subgraph name.
func WithSubgraphTimeouts(m map[string]time.Duration) Option {
	return func(o *options) { o.perSubgraph = m }
}

// WithRequestTimeout bounds the execution of a whole request (default
// executor.DefaultTimeout; 0 keeps it: a request is always bounded).
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) { o.requestTimeout = d }
}

// WithInboundDedupe shares one execution between identical concurrent
// queries (default true).
func WithInboundDedupe(on bool) Option { return func(o *options) { o.inboundDedupe = on } }

// WithSubgraphDedupe shares one round trip between identical concurrent
// subgraph requests (default true).
func WithSubgraphDedupe(on bool) Option { return func(o *options) { o.subgraphDedupe = on } }

// WithPropagatedHeaders names the client headers forwarded to every subgraph
// request (default none, as in Apollo Router and Cosmo Router).
func WithPropagatedHeaders(names ...string) Option {
	return func(o *options) {
		o.propagate = o.propagate[:0]
		for _, n := range names {
			o.propagate = append(o.propagate, http.CanonicalHeaderKey(n))
		}
	}
}

// WithOverrideLabels forces progressive-override labels (@override(label:))
// on or off. Labels not given are decided per request: "percent(N)" is
// active with probability N/100, a custom label is inactive.
func WithOverrideLabels(forced map[string]bool) Option {
	return func(o *options) {
		o.overrideLabels = make(map[string]bool, len(forced))
		for k, v := range forced {
			o.overrideLabels[k] = v
		}
	}
}

// WithMaxSubgraphResponseBytes caps each subgraph response body of the
// default HTTP client (default 64 MiB); a larger answer fails that fetch
// with SUBREQUEST_HTTP_ERROR. It has no effect with WithClient.
func WithMaxSubgraphResponseBytes(n int64) Option {
	return func(o *options) { o.maxResponseBytes = n }
}

// WithLimits sets the limits on client documents; zero fields keep their
// defaults (see Limits).
func WithLimits(l Limits) Option { return func(o *options) { o.limits = l } }

// WithDocumentCacheSize sets how many parsed and validated documents are kept.
func WithDocumentCacheSize(n int) Option { return func(o *options) { o.docCacheSize = n } }

// New builds a Gateway serving sg. A nil sg starts it empty: Ready reports
// ErrNoSupergraph and every request is answered 503 with
// SUPERGRAPH_NOT_READY until the first Swap (a registry that holds no
// subgraph yet).
func New(sg *schema.Supergraph, opts ...Option) (*Gateway, error) {
	g := &Gateway{
		opts: options{docCacheSize: 1024, planCacheSize: 1024, inboundDedupe: true, subgraphDedupe: true},
		apq:  newAPQStore(),
	}
	for _, o := range opts {
		o(&g.opts)
	}
	if g.opts.client == nil {
		var hopts []executor.HTTPOption
		if g.opts.maxResponseBytes > 0 {
			hopts = append(hopts, executor.WithMaxResponseBytes(g.opts.maxResponseBytes))
		}
		g.opts.client = executor.NewHTTPClient(append(hopts, g.opts.httpOptions...)...)
	}
	g.apq.shared = g.opts.apqStore
	ps, err := sortPlugins(g.opts.plugins)
	if err != nil {
		return nil, err
	}
	g.plugins = ps
	for i := len(ps.clients) - 1; i >= 0; i-- {
		g.opts.client = ps.clients[i].WrapClient(g.opts.client)
	}
	if g.opts.subgraphDedupe {
		g.opts.client = &dedupeClient{next: g.opts.client, observers: ps.observers}
	}
	g.observe()
	g.handleRequest = chainRequest(ps.request, g.parse)
	g.handleOperation = chainOperation(ps.operation, g.run)
	if sg == nil {
		return g, nil
	}
	if err := g.Swap(sg); err != nil {
		return nil, err
	}
	return g, nil
}

// Swap atomically replaces the served supergraph. Requests in flight finish
// on the state they started with.
func (g *Gateway) Swap(sg *schema.Supergraph) error {
	st, err := g.Build(sg)
	if err != nil {
		return err
	}
	g.Install(st)
	return nil
}

// Install atomically makes st (from Build on this gateway) the served
// state. Requests in flight finish on the state they started with.
func (g *Gateway) Install(st *State) {
	g.state.Store(st)
	g.subs.installed() // running subscriptions re-plan (subscribe.go)
}

// Build prepares the state that would serve sg (URL overrides, planner,
// executor, every Preparer's data) without serving it: an error means
// Swap(sg) would refuse sg. Install serves the result.
func (g *Gateway) Build(sg *schema.Supergraph) (*State, error) {
	if sg == nil {
		return nil, ErrNoSupergraph
	}
	sg, err := g.applyContracts(sg)
	if err != nil {
		return nil, err
	}
	sg = g.withURLs(sg)
	for _, s := range sg.Subgraphs {
		if err := checkURL(s.Name, s.URL); err != nil {
			return nil, err
		}
	}
	exOpts := []executor.Option{
		executor.WithClient(g.opts.client),
		executor.WithTimeout(g.opts.requestTimeout),
		executor.WithDefaultSubgraphTimeout(g.opts.subgraphTimeout),
	}
	exOpts = append(exOpts, g.opts.bounds.executorOptions()...)
	if g.opts.tracerProvider != nil {
		exOpts = append(exOpts, executor.WithTracer(g.opts.tracerProvider.Tracer(tracerName)))
	}
	exOpts = append(exOpts, g.entityCacheOptions(sg)...)
	for _, s := range sg.Subgraphs { // ascending names: deterministic
		if d, ok := g.opts.perSubgraph[s.Name]; ok && d > 0 {
			exOpts = append(exOpts, executor.WithSubgraphTimeout(s.Name, d))
		}
	}
	var prepared map[Plugin]any
	for _, p := range g.plugins.preparers {
		v, err := p.Prepare(sg)
		if err != nil {
			return nil, fmt.Errorf("gateway: %s: %w", p.Name(), err)
		}
		if prepared == nil {
			prepared = map[Plugin]any{}
		}
		prepared[p] = v
	}
	st := &State{
		prepared:   prepared,
		Supergraph: sg,
		Planner:    planner.New(sg, planner.WithCacheSize(g.opts.planCacheSize)),
		Executor:   executor.New(sg, exOpts...),
		docs:       newDocumentCache(g.opts.docCacheSize, g.opts.limits),
	}
	g.buildContracts(st, exOpts)
	return st, nil
}

// withURLs returns sg with subgraph URLs overridden, copying only what changes.
func (g *Gateway) withURLs(sg *schema.Supergraph) *schema.Supergraph {
	if len(g.opts.urls) == 0 {
		return sg
	}
	cp := *sg
	cp.Subgraphs = make([]*schema.Subgraph, len(sg.Subgraphs))
	for i, s := range sg.Subgraphs {
		if u, ok := g.opts.urls[s.Name]; ok {
			s2 := *s
			s2.URL = u
			s = &s2
		}
		cp.Subgraphs[i] = s
	}
	return &cp
}

// State returns the current state, nil while the gateway is empty.
func (g *Gateway) State() *State { return g.state.Load() }

// Ready reports whether the gateway has a supergraph to serve.
func (g *Gateway) Ready() error {
	if g.state.Load() == nil {
		return ErrNoSupergraph
	}
	return nil
}

// Serve runs one request through the pipeline (see pipeline.go): the
// request interceptors, parse and validate (cached), select the operation,
// coerce variables, the operation interceptors, plan (cached), execute.
func (g *Gateway) Serve(ctx context.Context, req *Request) *Response {
	return g.handleRequest(ctx, req)
}

// parse is the end of the request stage: parse and validate the document,
// select the operation and coerce its variables, then hand the Operation
// to the operation stage.
func (g *Gateway) parse(ctx context.Context, req *Request) *Response {
	st := g.state.Load()
	if st == nil {
		r := requestError("no supergraph is being served yet", "SUPERGRAPH_NOT_READY")
		r.Status = http.StatusServiceUnavailable
		return r
	}
	st, r := forContract(ctx, st, req)
	if r != nil {
		return r
	}
	if r := g.apq.resolve(ctx, req); r != nil {
		return r
	}
	if req.Query == "" && req.DocumentID != "" {
		return requestError("documentId needs persisted documents, which are not configured (persisted_documents.manifest)", "PERSISTED_QUERY_NOT_SUPPORTED")
	}
	if req.Query == "" {
		return requestError("GraphQL operation must contain a non-empty `query`", "GRAPHQL_PARSE_FAILED")
	}
	cd := g.load(ctx, st, req.Query)
	if len(cd.errs) > 0 {
		// A mutation over GET is 405 whatever else is wrong with it (even
		// in a schema without mutations).
		k, ok := cd.kinds[req.OperationName]
		if !ok && req.OperationName == "" && len(cd.kinds) == 1 {
			for _, v := range cd.kinds {
				k, ok = v, true
			}
		}
		if ok && !kindAllowed(k, req.AllowedKinds) {
			return methodNotAllowed(k)
		}
		return &Response{Errors: cd.errs}
	}
	doc := cd.doc
	op, err := selectOperation(doc, req.OperationName)
	if err != nil {
		return &Response{Errors: gqlerror.List{err}}
	}
	if !kindAllowed(op.Operation, req.AllowedKinds) {
		return methodNotAllowed(op.Operation)
	}
	if op.Operation == ast.Subscription && !req.AcceptSubscription {
		return subscriptionRefused()
	}
	vars, verr := coerceVariables(st.Supergraph.API, op, req.Variables)
	if verr != nil {
		return &Response{Errors: gqlerror.List{verr}}
	}
	o := &Operation{Request: req, State: st, Document: doc, Definition: op, Variables: vars}
	return g.handleOperation(ctx, o)
}

// run is the end of the operation stage: plan and execute, sharing one
// execution between identical concurrent queries.
func (g *Gateway) run(ctx context.Context, o *Operation) *Response {
	req, op := o.Request, o.Definition
	if op.Operation == ast.Subscription {
		return g.subscribe(ctx, o) // subscribe.go
	}
	if g.opts.inboundDedupe && op.Operation == ast.Query && !req.AcceptIncremental &&
		!req.PlanOnly && !req.IncludeTrace {
		if key := inboundKey(o.State.Supergraph.Version, req, o.Variables, g.opts.propagate, o.stagesKey()); key != "" {
			// Shared by every identical request in flight: cancelled only
			// once all of them have gone (flight.go).
			led := false
			resp, shared, err := g.inbound.do(ctx, key, func(sctx context.Context) *Response {
				led = true
				return g.executeWithHeaders(sctx, o)
			})
			if err != nil {
				// This caller went away first: nobody reads this.
				return requestError("the request was canceled: "+err.Error(), "REQUEST_CANCELED")
			}
			if shared && !led {
				g.deduplicated(ctx, "inbound", "")
			}
			if shared {
				// Several callers write these bytes: none may give the
				// buffer back (shared is final once Do returns).
				cp := *resp
				cp.result = nil
				return &cp
			}
			return resp
		}
	}
	return g.executeWithHeaders(ctx, o)
}

// stagesKey is what the operation stage decided that changes the answer:
// the denied fields and the headers added for subgraphs.
func (o *Operation) stagesKey() string {
	if len(o.denied) == 0 && len(o.SubgraphHeader) == 0 {
		return ""
	}
	var b strings.Builder
	writeField(&b, o.deniedKey())
	writeHeaders(&b, o.SubgraphHeader)
	return b.String()
}

// execute plans (from the cache) and runs one operation. The returned
// Response may be shared between deduplicated requests: never mutate it.
func (g *Gateway) execute(ctx context.Context, o *Operation) *Response {
	st, req, doc, op, vars := o.State, o.Request, o.Document, o.Definition, o.Variables
	plan, err := g.planOperation(ctx, o)
	if err != nil {
		return planningFailed(err)
	}
	if req.PlanOnly {
		return planOnlyResponse(plan)
	}
	ereq := &executor.Request{
		Plan:      plan,
		Document:  doc,
		Operation: op,
		Variables: vars,
		Header:    g.subgraphHeader(req.Header, o.SubgraphHeader),
		Denied:    o.denied,
	}
	if req.IncludeTrace {
		ereq.Trace = executor.NewFetchTrace()
	}
	var resp *Response
	if op.Operation == ast.Query && plan.Incremental(vars) != nil {
		if !req.AcceptIncremental {
			r := requestError(deferBadHeader, "DEFER_BAD_HEADER")
			r.Status = http.StatusNotAcceptable
			return r
		}
		res, next := st.Executor.ExecuteIncremental(ctx, ereq)
		if ereq.Trace != nil {
			next = traceOnLast(next, ereq.Trace, plan)
		}
		resp = &Response{Data: res.Data, Errors: res.Errors, Incremental: next}
	} else {
		res := st.Executor.Execute(ctx, ereq)
		resp = &Response{Data: res.Data, Errors: res.Errors, Body: res.Body, result: res}
		if r := g.opts.bounds.checkResponse(resp); r != nil {
			return r
		}
	}
	if req.ExposePlan {
		resp.Extensions = map[string]any{"apolloQueryPlan": planExtension(plan)}
	}
	if ereq.Trace != nil {
		resp.Extensions = withTrace(resp.Extensions, ereq.Trace, plan)
	}
	return resp
}

// planOperation plans o (from the cache), its denied fields left out.
func (g *Gateway) planOperation(ctx context.Context, o *Operation) (*planner.Plan, error) {
	popts := planner.Options{Labels: g.decideLabels(o.State), Operation: o.Definition} // selected once, by the operation stage
	if len(o.denied) > 0 {
		popts.Skip = o.skipSet()
		popts.SkipKey = o.deniedKey()
	}
	return g.plan(ctx, o.State, o.Document, o.Definition.Name, popts)
}

func planningFailed(err error) *Response {
	return &Response{
		Data:   []byte("null"),
		Errors: gqlerror.List{withCode(gqlerror.Errorf("query planning failed: %v", err), "QUERY_PLANNING_FAILED")},
	}
}

// skipSet is the set of denied fields, for the planner.
func (o *Operation) skipSet() map[*ast.Field]bool {
	m := make(map[*ast.Field]bool, len(o.denied))
	for f := range o.denied {
		m[f] = true
	}
	return m
}

// deferBadHeader is Apollo Router's message for an operation that defers a
// fragment from a client that does not accept multipart responses.
const deferBadHeader = "the router received a query with the @defer directive but the client does not accept multipart/mixed HTTP responses. To enable @defer support, add the HTTP header 'Accept: multipart/mixed;deferSpec=20220824'"

func methodNotAllowed(k ast.Operation) *Response {
	r := requestError(fmt.Sprintf("%s operations are not allowed over this method", k), "METHOD_NOT_ALLOWED")
	r.Status = http.StatusMethodNotAllowed
	return r
}

func kindAllowed(k ast.Operation, allowed []ast.Operation) bool {
	if allowed == nil {
		return true
	}
	for _, a := range allowed {
		if a == k {
			return true
		}
	}
	return false
}

func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0], nil
		}
		if len(doc.Operations) == 0 {
			return nil, withCode(gqlerror.Errorf("Must provide an operation."), "GRAPHQL_VALIDATION_FAILED")
		}
		return nil, withCode(gqlerror.Errorf("Must provide operation name if query contains multiple operations."), "GRAPHQL_VALIDATION_FAILED")
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	return nil, withCode(gqlerror.Errorf("Unknown operation named \"%s\".", name), "GRAPHQL_VALIDATION_FAILED")
}

func requestError(msg, code string) *Response {
	return &Response{Errors: gqlerror.List{withCode(gqlerror.Errorf("%s", msg), code)}}
}

func withCode(e *gqlerror.Error, code string) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if _, ok := e.Extensions["code"]; !ok {
		e.Extensions["code"] = code
	}
	return e
}

// subgraphHeader returns the client headers that reach subgraphs, with
// the operation stage's headers added, or nil.
func (g *Gateway) subgraphHeader(h, added http.Header) http.Header {
	out := g.forwardedHeaders(h)
	if len(added) == 0 {
		return out
	}
	if out == nil {
		out = make(http.Header, len(added))
	}
	for k, vs := range added {
		out[k] = append(out[k], vs...)
	}
	return out
}

// forwardedHeaders returns the client headers that reach subgraphs, or nil.
func (g *Gateway) forwardedHeaders(h http.Header) http.Header {
	var out http.Header
	for _, n := range g.opts.propagate {
		if vs, ok := h[n]; ok {
			if out == nil {
				out = http.Header{}
			}
			out[n] = vs
		}
	}
	return out
}
