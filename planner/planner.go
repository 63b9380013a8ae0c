package planner

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Sentinel errors. Planning errors wrap one of them with %w.
var (
	// ErrNoOperation: the document has no operation of the given name (or
	// several operations and no name).
	ErrNoOperation = errors.New("planner: operation not found")
	// ErrUnsatisfiable: a field cannot be reached from any subgraph.
	ErrUnsatisfiable = errors.New("planner: field cannot be resolved by any subgraph")
)

// Planner builds plans for one supergraph. It is safe for concurrent use.
type Planner struct {
	sg *schema.Supergraph
	// labelPolicy decides the active override labels for Plan.
	labelPolicy func(string) bool
	cache       *planCache
	labels      []string // progressive-override labels of sg, ascending
	// conds answers type conditions in the supergraph schema (the API's
	// when there is none).
	conds *schema.TypeConditions
}

// planning is the state of one planning call: the planner and what this
// call was asked (its active labels and skipped fields). The Planner itself
// is shared and never changed by a call.
type planning struct {
	*Planner
	// labelActive tells which override labels are active in this call.
	labelActive func(string) bool
	// skip: client fields left out of this call (Options.Skip).
	skip map[*ast.Field]bool
	// unresolved: client fields left out at objects of a type, no
	// subgraph resolving them there (unresolved.go).
	unresolved map[FieldAt]*gqlerror.Error
}

// Options are the per-request inputs of PlanWith.
type Options struct {
	// Labels are the active progressive-override labels (active[label]).
	Labels map[string]bool
	// Skip holds fields of the document that must not be planned (denied
	// by authorization or a rate limit): no fetch selects them. A selection
	// set left empty by them selects __typename instead.
	Skip map[*ast.Field]bool
	// SkipKey identifies Skip within the document (two requests with the
	// same document and SkipKey must have the same Skip); it is part of the
	// plan-cache key. Required when Skip is set.
	SkipKey string
	// CacheHit, when set, is set to whether the plan came from the cache.
	CacheHit *bool
	// Operation, when set, is the operation of the document to plan, as
	// the caller already selected it (the gateway selects it once per
	// request); the operation name passed along must be its name. Nil:
	// selected by the operation name.
	Operation *ast.OperationDefinition
}

// Option configures a Planner.
type Option func(*Planner)

// WithOverrideLabels decides which progressive-override labels
// (@override(label:)) are active. A field overridden with an active label
// resolves in the overriding subgraph, otherwise in the original one. The
// default (DefaultOverrideLabel) activates "percent(100)" only.
func WithOverrideLabels(active func(label string) bool) Option {
	return func(p *Planner) {
		if active != nil {
			p.labelPolicy = active
		}
	}
}

// WithCacheSize sets the number of plans kept in the LRU plan cache
// (default 1024; 0 disables the cache).
func WithCacheSize(n int) Option {
	return func(p *Planner) { p.cache = newLRU(n) }
}

// DefaultOverrideLabel is the default label policy: "percent(N)" is active
// only when N >= 100 (plans are shared, so a random draw per plan would make
// them nondeterministic); custom labels are inactive.
func DefaultOverrideLabel(label string) bool {
	n, ok := PercentLabel(label)
	return ok && n >= 100
}

// New returns a planner for sg.
func New(sg *schema.Supergraph, opts ...Option) *Planner {
	p := &Planner{sg: sg, labelPolicy: DefaultOverrideLabel, cache: newLRU(1024), labels: overrideLabels(sg)}
	if sg.Schema != nil {
		p.conds = schema.NewTypeConditions(sg.Schema)
	} else {
		p.conds = schema.NewTypeConditions(sg.API)
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// overrideLabels collects the progressive-override labels of sg, ascending.
func overrideLabels(sg *schema.Supergraph) []string {
	seen := map[string]bool{}
	for _, t := range sg.Types {
		for _, f := range t.Fields {
			for _, s := range f.Sources {
				if s.OverrideLabel != "" {
					seen[s.OverrideLabel] = true
				}
			}
		}
	}
	return sortedKeys(seen)
}

// OverrideLabels lists the progressive-override labels (@override(label:))
// of the supergraph, ascending. A caller that decides them per request
// passes its decision to PlanWithLabels.
func (p *Planner) OverrideLabels() []string { return append([]string(nil), p.labels...) }

// PercentLabel parses a "percent(N)" label; ok is false for a custom label.
func PercentLabel(label string) (n float64, ok bool) {
	if !strings.HasPrefix(label, "percent(") || !strings.HasSuffix(label, ")") {
		return 0, false
	}
	n, err := strconv.ParseFloat(label[len("percent("):len(label)-1], 64)
	return n, err == nil
}

// Plan plans the operation operationName of doc, which must be validated
// against the supergraph's API schema, with the progressive-override labels
// decided by the planner's policy (WithOverrideLabels). Plans are cached by
// supergraph version, active labels, document text and operation name.
func (p *Planner) Plan(doc *ast.QueryDocument, operationName string) (*Plan, error) {
	var active map[string]bool
	for _, l := range p.labels {
		if p.labelPolicy(l) {
			if active == nil {
				active = map[string]bool{}
			}
			active[l] = true
		}
	}
	return p.PlanWithLabels(doc, operationName, active)
}

// PlanWithLabels is Plan with the progressive-override labels decided by the
// caller for this request: a label is active when active[label] is true.
// Two different decisions never share a cached plan.
func (p *Planner) PlanWithLabels(doc *ast.QueryDocument, operationName string, active map[string]bool) (*Plan, error) {
	return p.PlanWith(doc, operationName, Options{Labels: active})
}

// PlanWith is Plan with the per-request options o. Plans are cached by
// supergraph version, active labels, skipped fields, document text and
// operation name.
func (p *Planner) PlanWith(doc *ast.QueryDocument, operationName string, o Options) (*Plan, error) {
	active := o.Labels
	if len(o.Skip) > 0 && o.SkipKey == "" {
		return nil, fmt.Errorf("planner: Options.Skip without a SkipKey")
	}
	op := o.Operation
	if op == nil {
		var err error
		if op, err = pickOperation(doc, operationName); err != nil {
			return nil, err
		}
	}
	var on []string
	for _, l := range p.labels {
		if active[l] {
			on = append(on, l)
		}
	}
	var key string
	if p.cache != nil && op.Position != nil && op.Position.Src != nil {
		key = p.sg.Version + "\x00" + strings.Join(on, "\x01") + "\x00" + o.SkipKey + "\x00" + operationName + "\x00" + op.Position.Src.Input
		if pl, ok := p.cache.get(key); ok {
			if o.CacheHit != nil {
				*o.CacheHit = true
			}
			return pl, nil
		}
	}
	q := &planning{Planner: p, labelActive: func(l string) bool { return active[l] }}
	if len(o.Skip) > 0 {
		q.skip = o.Skip
	}
	pl, err := q.buildResolvable(func() (*Plan, error) {
		if op.Operation == ast.Query {
			return q.buildDeferVariants(op, deferVariables(op), map[string]bool{})
		}
		return q.build(op, nil)
	})
	if err != nil {
		return nil, err
	}
	pl.prepare(p.conds)
	if key != "" {
		p.cache.put(key, pl)
	}
	return pl, nil
}

func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: nil document", ErrNoOperation)
	}
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0], nil
		}
		return nil, fmt.Errorf("%w: %d operations and no operation name", ErrNoOperation, len(doc.Operations))
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNoOperation, name)
}
