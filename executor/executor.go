package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"
)

// Executor runs plans against one supergraph. It is safe for concurrent use.
type Executor struct {
	sg              *schema.Supergraph
	client          Client
	timeout         time.Duration
	subgraphTimeout time.Duration
	serviceTimeouts map[string]time.Duration
	// maxMerged caps the bytes of subgraph answers one request holds
	// (0: no cap); onFailure hears of every failed fetch.
	maxMerged int64
	onFailure func(ctx context.Context, service string, err error)
	tracer    trace.Tracer
	// conds answers type conditions in the API schema; supConds in the
	// supergraph schema, @inaccessible types included (representations).
	conds     *schema.TypeConditions
	supConds  *schema.TypeConditions
	keyFields map[string]map[string]bool // type + "\x00" + service -> top-level key field names
	services  map[string]service         // by subgraph name
	// respPerAnswer is the size of the last response shaped, per 1024
	// bytes of the subgraph answers it was shaped from (0: none yet): a
	// response buffer is started at that share of the answers' size
	// rather than doubled up to it. A statistic of the executor, not of
	// any plan.
	respPerAnswer atomic.Int64
	shapes        sync.Map // shapeKey -> []group: request-independent collected fields (shape.go)
	shapeCount    atomic.Int64
	cache         EntityCache // nil: nothing cached (cache.go)
}

// maxShapeCache bounds the shaper's cache of collected fields (shape.go).
const maxShapeCache = 8192

// service is what a subgraph request needs of its subgraph, looked up once
// per executor: the subgraph and its span name.
type service struct {
	sg   *schema.Subgraph
	span string
}

// Option configures New.
type Option func(*Executor)

// WithClient sets the subgraph client (default NewHTTPClient()).
func WithClient(c Client) Option { return func(e *Executor) { e.client = c } }

// The defaults of the bounds the executor enforces. They are written here
// once: the gateway and the config hand these down and repeat no number.
const (
	// DefaultTimeout bounds a whole Execute call.
	DefaultTimeout = 60 * time.Second
	// DefaultSubgraphTimeout bounds each subgraph fetch.
	DefaultSubgraphTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps one subgraph answer's body.
	DefaultMaxResponseBytes int64 = 64 << 20
)

// WithTimeout bounds a whole Execute call (default DefaultTimeout); d <= 0
// keeps the default: an execution is always bounded.
func WithTimeout(d time.Duration) Option {
	return func(e *Executor) {
		if d > 0 {
			e.timeout = d
		}
	}
}

// WithDefaultSubgraphTimeout bounds every subgraph fetch (default
// DefaultSubgraphTimeout); d <= 0 keeps the default.
func WithDefaultSubgraphTimeout(d time.Duration) Option {
	return func(e *Executor) {
		if d > 0 {
			e.subgraphTimeout = d
		}
	}
}

// WithMaxMergedBytes caps the bytes of subgraph answers one request holds
// (summed over its fetches; 0: no cap). The fetch that passes it fails with
// ErrMergedTooLarge, whose client error names limits.max_merged_bytes.
func WithMaxMergedBytes(n int64) Option { return func(e *Executor) { e.maxMerged = n } }

// WithFetchFailureHook calls f once for every failed fetch (transport
// failure, error status, malformed or too large answer), with the
// request's context, for logging. f must be safe for concurrent use.
func WithFetchFailureHook(f func(ctx context.Context, service string, err error)) Option {
	return func(e *Executor) { e.onFailure = f }
}

// WithSubgraphTimeout bounds the fetches to one subgraph.
func WithSubgraphTimeout(service string, d time.Duration) Option {
	return func(e *Executor) { e.serviceTimeouts[service] = d }
}

// WithTracer sets the tracer for subgraph fetch spans. Without it (or
// with nil) the executor records no span: nothing is started or
// allocated for tracing on the request path.
func WithTracer(t trace.Tracer) Option { return func(e *Executor) { e.tracer = t } }

// New returns an executor for sg. sg.API must be set.
func New(sg *schema.Supergraph, opts ...Option) *Executor {
	e := &Executor{
		sg:              sg,
		timeout:         DefaultTimeout,
		subgraphTimeout: DefaultSubgraphTimeout,
		serviceTimeouts: map[string]time.Duration{},
	}
	for _, o := range opts {
		o(e)
	}
	if e.client == nil {
		e.client = NewHTTPClient()
	}
	e.services = map[string]service{}
	if sg != nil {
		for _, s := range sg.Subgraphs {
			e.services[s.Name] = service{sg: s, span: "subgraph " + s.Name}
		}
	}
	e.conds = schema.NewTypeConditions(nil)
	if sg != nil && sg.API != nil {
		e.conds = schema.NewTypeConditions(sg.API)
	}
	e.supConds = e.conds
	if sg != nil && sg.Schema != nil {
		e.supConds = schema.NewTypeConditions(sg.Schema)
	}
	e.keyFields = map[string]map[string]bool{}
	if sg != nil {
		for name, t := range sg.Types {
			for _, k := range t.Keys {
				id := name + "\x00" + k.Subgraph
				set := e.keyFields[id]
				if set == nil {
					set = map[string]bool{}
					e.keyFields[id] = set
				}
				for _, s := range k.Selection {
					if f, ok := s.(*ast.Field); ok {
						set[f.Name] = true
					}
				}
			}
		}
	}
	return e
}

// Request is one operation to execute.
type Request struct {
	Plan *planner.Plan
	// Document is validated against sg.API with Definitions bound.
	Document  *ast.QueryDocument
	Operation *ast.OperationDefinition
	// Variables are already coerced.
	Variables map[string]any
	// Header is forwarded to subgraphs.
	Header http.Header
	// Denied holds the fields of Document that were left out of the plan
	// (authorization, rate limits): each answers null with its error (the
	// path set to each response path where it appears), and a non-null
	// one propagates its null without another error. Nil: none.
	Denied map[*ast.Field]*gqlerror.Error
	// Trace, when set, records every subgraph fetch (see FetchTrace).
	Trace *FetchTrace
	// Event, for a subscription's plan, is one event of the upstream
	// subscription: the subgraph's response document {"data":…,"errors":…}
	// that stands for the answer of the plan's root (subscription) fetch,
	// which is never sent. The rest of the plan (entity fetches) runs as
	// for a query. See subscription.go.
	Event []byte
}

// Result is the response of one operation: Data is the JSON of the data
// entry ("null" when null propagation reached the root).
type Result struct {
	Data   json.RawMessage
	Errors gqlerror.List
	// Body, when set, is the whole response document {"data":<Data>}
	// (Data is a part of it): a transport with nothing else to add writes
	// it as it is.
	Body []byte
	// release gives Body's pooled buffer back (see Release).
	release func()
}

// Release gives the buffer behind Data and Body back to the executor's
// pool. Call it at most once, when nothing will read Data or Body again
// (after the response is written); a Result never released is simply
// collected.
func (r *Result) Release() {
	if r != nil && r.release != nil {
		f := r.release
		r.release, r.Body, r.Data = nil, nil, nil
		f()
	}
}

// Execute runs the plan and shapes the response. It never panics on bad
// subgraph input and returns within the configured timeout.
func (e *Executor) Execute(ctx context.Context, req *Request) (res *Result) {
	defer func() {
		if p := recover(); p != nil {
			res = &Result{Data: json.RawMessage("null"), Errors: gqlerror.List{internalError(fmt.Sprintf("executor: internal error: %v", p))}}
		}
	}()
	if req == nil || req.Operation == nil {
		return &Result{Data: json.RawMessage("null"), Errors: gqlerror.List{gqlerror.Errorf("executor: no operation")}}
	}
	var cancel context.CancelFunc
	ctx, cancel = context.WithTimeoutCause(ctx, e.timeout, errRequestDeadline)
	defer cancel()
	r := &run{ex: e, req: req, root: &value{Kind: kindObject}}
	var sink errSink
	if req.Plan != nil && req.Plan.Root != nil {
		r.node(ctx, req.Plan.Root, &sink)
	}
	res = r.shape(&sink)
	// Every goroutine of the plan has returned and the response is a copy:
	// the tree is dead, its slabs go back to the pools.
	r.root = nil
	r.arena.Release()
	r.marena.Finish(0, len(r.mfields), 0)
	r.marena.Release()
	return res
}

// run is the state of one Execute call.
type run struct {
	ex  *Executor
	req *Request
	mu  sync.Mutex // guards root and every value reachable from it
	// root is the merged data tree.
	root *value
	// deferred: the fragments an incremental response delivers apart
	// (@defer directive offsets); nil for a one-part response.
	deferred map[int]bool
	// nulled: response paths null propagation nulled in the payloads sent
	// so far; deferred data below them is not sent. Guarded by mu.
	nulled []ast.Path
	// arena holds the pooled slabs of every parsed subgraph answer.
	arena arena
	// marena holds the field slabs of merged objects; mfields is what is
	// left of the current one. Guarded by mu.
	marena  arena
	mfields []field
	// held is the bytes of subgraph answers received so far (see
	// WithMaxMergedBytes).
	held atomic.Int64
	// rounds: the state of the plan's rounds (entity calls shared by
	// Flattens, each through its own loader: loader.go) met so far,
	// guarded by mu.
	rounds map[*planner.Round]*roundState
	// answerBytes is the size of the subgraph answers decoded so far
	// (guarded by mu): the response is expected to be about
	// Executor.respPerAnswer of it.
	answerBytes int
}

func (r *run) variable(name string) any {
	if r.req.Variables == nil {
		return nil
	}
	return r.req.Variables[name]
}
