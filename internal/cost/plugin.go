package cost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// Codes of the errors and results of demand control (Apollo Router's).
const (
	CodeEstimated = "COST_ESTIMATED_TOO_EXPENSIVE"
	CodeActual    = "COST_ACTUAL_TOO_EXPENSIVE"
	// CodeSlicing refuses (enforce mode) a field with
	// @listSize(requireOneSlicingArgument: true) given none or several of
	// its slicing arguments.
	CodeSlicing = "COST_SLICING_ARGUMENT_REQUIRED"
	// ResultOK is extensions.cost.result of an operation within budget.
	ResultOK = "COST_OK"
)

// Header asks for extensions.cost in the response ("true").
const Header = "Junction-Include-Cost"

// Modes.
const (
	Measure = "measure"
	Enforce = "enforce"
)

// Defaults.
const (
	DefaultListSize  = 10
	DefaultCacheSize = 4096
)

// Options configure demand control.
type Options struct {
	// Mode is Enforce (an estimate over MaxCost is refused before
	// planning) or Measure (nothing is refused; breaches are logged and
	// reported in extensions.cost.result). Default Enforce.
	Mode string
	// MaxCost is the budget of one operation (0: none, only measured).
	MaxCost float64
	// ListSize is the assumed size of a list that no @listSize sizes
	// (default DefaultListSize).
	ListSize int
	// Extensions puts extensions.cost in every response, not only in
	// those of requests carrying the Header.
	Extensions bool
	// CacheSize bounds the cached estimates per supergraph (default
	// DefaultCacheSize).
	CacheSize int
	// Log receives breaches in measure mode (default slog.Default()).
	Log *slog.Logger
}

// Plugin is demand control: a gateway.Preparer (the cost table of each
// supergraph) and gateway.OperationInterceptor (estimate, budget, actual
// cost).
type Plugin struct {
	enforce  bool
	max      float64
	listSize int
	always   bool
	cache    int
	log      *slog.Logger
}

// New returns the plugin; an unknown mode or a negative bound is an error
// naming the config key.
func New(o Options) (*Plugin, error) {
	p := &Plugin{max: o.MaxCost, listSize: o.ListSize, always: o.Extensions, cache: o.CacheSize, log: o.Log}
	switch o.Mode {
	case "", Enforce:
		p.enforce = true
	case Measure:
	default:
		return nil, fmt.Errorf("demand_control.mode: %q is not measure or enforce", o.Mode)
	}
	if o.MaxCost < 0 {
		return nil, fmt.Errorf("demand_control.max_cost: %v: want 0 (no budget) or more", o.MaxCost)
	}
	if o.ListSize < 0 {
		return nil, fmt.Errorf("demand_control.list_size: %d: want 0 (the default, %d) or more", o.ListSize, DefaultListSize)
	}
	if p.listSize == 0 {
		p.listSize = DefaultListSize
	}
	if p.cache <= 0 {
		p.cache = DefaultCacheSize
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	return p, nil
}

// Name names the plugin.
func (*Plugin) Name() string { return "demand_control" }

// Prepare reads the supergraph's @cost and @listSize into a Table.
func (p *Plugin) Prepare(sg *schema.Supergraph) (any, error) {
	return newTable(sg, p.listSize, p.cache)
}

// NewTable returns the cost table of sg with the given default list size
// (for tools and tests; the plugin builds its own in Prepare).
func NewTable(sg *schema.Supergraph, listSize int) (*Table, error) {
	return newTable(sg, listSize, DefaultCacheSize)
}

// Estimate is the estimated cost of op (of doc, parsed from query) with
// its coerced variables, cached by the query's hash, the operation's name
// and the values of the variables the estimate reads. problem is a
// requireOneSlicingArgument violation, or nil.
func (t *Table) Estimate(query string, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (cost float64, problem *gqlerror.Error) {
	h := sha256.Sum256([]byte(query))
	k := estimateKey{op: hex.EncodeToString(h[:]) + "\x00" + op.Name}
	shape, ok := t.estimates.Get(k)
	if ok && shape.used == nil {
		return shape.cost, shape.problem.err()
	}
	if ok {
		k.vars = encodeVars(vars, shape.used)
		if e, hit := t.estimates.Get(k); hit {
			return e.cost, e.problem.err()
		}
	}
	c, e := t.estimate(doc, op, vars)
	entry := estimateEntry{cost: c, problem: e.slicing}
	if len(e.used) == 0 {
		t.estimates.Add(estimateKey{op: k.op}, entry)
		return c, entry.problem.err()
	}
	used := make([]string, 0, len(e.used))
	for v := range e.used {
		used = append(used, v)
	}
	slices.Sort(used)
	t.estimates.Add(estimateKey{op: k.op}, estimateEntry{used: used})
	t.estimates.Add(estimateKey{op: k.op, vars: encodeVars(vars, used)}, entry)
	return c, entry.problem.err()
}

// Actual is the cost of what the response's data holds.
func (t *Table) Actual(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, data json.RawMessage) (float64, error) {
	return t.actual(doc, op, vars, data)
}

// estimateKey: the operation (the query's SHA-256 and the operation's
// name: a key that holds no document, so the cache pins no client text)
// and, when the estimate reads variables, their values.
type estimateKey struct {
	op   string
	vars string
}

type estimateEntry struct {
	cost    float64
	problem *slicingProblem
	// used, in the shape entry (vars ""), names the variables the
	// estimate reads; nil when it reads none (cost is then the estimate).
	used []string
}

func (s *slicingProblem) err() *gqlerror.Error {
	if s == nil {
		return nil
	}
	e := &gqlerror.Error{Message: s.msg, Path: s.path, Extensions: map[string]any{"code": CodeSlicing}}
	if s.loc != nil {
		e.Locations = []gqlerror.Location{{Line: s.loc.Line, Column: s.loc.Column}}
	}
	return e
}

func encodeVars(vars map[string]any, used []string) string {
	vals := make([]any, len(used))
	for i, u := range used {
		vals[i] = vars[u]
	}
	b, err := json.Marshal(vals) // map keys sorted: canonical
	if err != nil {
		return "\x00" + err.Error()
	}
	return string(b)
}

// InterceptOperation estimates op, refuses it over budget in enforce
// mode, runs it, and measures the actual cost of its response.
func (p *Plugin) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	t, ok := op.State.Prepared(p).(*Table)
	if !ok || t == nil || op.Request == nil {
		return next(ctx, op)
	}
	est, problem := t.Estimate(op.Request.Query, op.Document, op.Definition, op.Variables)
	want := p.always || (op.Request != nil && strings.EqualFold(strings.TrimSpace(op.Request.Header.Get(Header)), "true"))
	report := map[string]any{"estimated": est}
	if p.max > 0 {
		report["max"] = p.max
	}
	if problem != nil {
		if p.enforce {
			return refuse(problem, report, want)
		}
		p.log.WarnContext(ctx, "demand control: slicing arguments", "operation", op.Definition.Name, "error", problem.Message)
	}
	if p.max > 0 && est > p.max {
		report["result"] = CodeEstimated
		if p.enforce {
			e := gqlerror.Errorf("The estimated cost of this operation, %s, is over the budget of %s (demand_control.max_cost).", num(est), num(p.max))
			e.Extensions = map[string]any{"code": CodeEstimated, "cost": est, "maxCost": p.max}
			return refuse(e, report, want)
		}
		p.log.WarnContext(ctx, "demand control: estimated cost over budget (measure mode)",
			"operation", op.Definition.Name, "estimated", est, "max", p.max)
	}
	resp := next(ctx, op)
	if resp == nil || resp.Incremental != nil || resp.Events != nil || resp.Data == nil {
		// Not executed, or streamed: no complete response to measure.
		if want && resp != nil {
			resp = resp.WithExtension("cost", report)
		}
		return resp
	}
	if !want && p.max == 0 {
		return resp
	}
	actual, err := t.Actual(op.Document, op.Definition, op.Variables, resp.Data)
	if err != nil {
		p.log.WarnContext(ctx, "demand control: actual cost", "error", err)
	} else {
		report["actual"] = actual
		if p.max > 0 && actual > p.max {
			if report["result"] == nil {
				report["result"] = CodeActual
			}
			if p.enforce {
				e := gqlerror.Errorf("The actual cost of this operation, %s, is over the budget of %s (demand_control.max_cost).", num(actual), num(p.max))
				e.Extensions = map[string]any{"code": CodeActual, "cost": actual, "maxCost": p.max}
				resp = resp.WithErrors(e)
			} else {
				p.log.WarnContext(ctx, "demand control: actual cost over budget (measure mode)",
					"operation", op.Definition.Name, "actual", actual, "max", p.max)
			}
		}
	}
	if want {
		if report["result"] == nil {
			report["result"] = ResultOK
		}
		resp = resp.WithExtension("cost", report)
	}
	return resp
}

func refuse(e *gqlerror.Error, report map[string]any, want bool) *gateway.Response {
	r := &gateway.Response{Errors: gqlerror.List{e}}
	if want {
		if report["result"] == nil {
			report["result"] = e.Extensions["code"]
		}
		r.Extensions = map[string]any{"cost": report}
	}
	return r
}

// num prints a cost as an integer when it is one.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
