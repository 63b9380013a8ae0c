package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/subscription"
	"github.com/junction-gateway/junction/planner"
)

// Subscriptions (the engine; the client transports are internal/server's).
//
// A subscription goes through the request and operation stages like a
// query (authentication and authorization happen at subscribe time) and is
// planned by the same planner: the plan's root fetch selects the
// subscription field from the one subgraph that serves it, the rest of the
// plan completes each event (entity fetches, batched per Flatten). The
// root fetch's operation is sent to that subgraph as an upstream
// subscription (internal/subscription: graphql-transport-ws or graphql-sse,
// identical upstream subscriptions shared), and the whole plan runs once
// per upstream event with the event standing for the root fetch's answer
// (executor.Request.Event): each event is merged, shaped and null-propagated
// like a query's response, and an event's errors stay in that event.
//
// The stream ends when the upstream completes; with an error event when the
// upstream fails (SUBSCRIPTION_UPSTREAM_FAILED), when a new supergraph no
// longer serves the subscription as it was planned
// (SUBSCRIPTION_SCHEMA_CHANGED), or when the caller's credentials expire
// (UNAUTHENTICATED, see WithCredentialExpiry); and silently when the
// transport stops iterating or the context given to Serve is done. A
// supergraph swap re-validates and re-plans every running subscription
// against the new State (operation interceptors included): those whose
// upstream subscription is unchanged carry on with the new plan.

// Error codes of subscription streams.
const (
	CodeSubscriptionUpstream      = "SUBSCRIPTION_UPSTREAM_FAILED"
	CodeSubscriptionSchemaChanged = "SUBSCRIPTION_SCHEMA_CHANGED"
	CodeSubscriptionNotSupported  = "SUBSCRIPTION_NOT_SUPPORTED"
)

// SubgraphSubscriptions is how one subgraph serves subscriptions.
type SubgraphSubscriptions struct {
	// Protocol: subscription.WS (graphql-transport-ws, the default) or
	// subscription.SSE (graphql-sse, distinct connections).
	Protocol subscription.Protocol
	// URL is the subscription endpoint (default: the subgraph's URL).
	URL string
	// ForwardInitPayload sends the client's connection_init payload
	// (Request.InitPayload) in the upstream connection_init (WebSocket).
	ForwardInitPayload bool
	// ConnectTimeout, IdleTimeout, MaxEventBytes and Buffer, when
	// positive, replace the bounds given to WithSubscriptions for this
	// subgraph (see subscription.Options).
	ConnectTimeout, IdleTimeout time.Duration
	MaxEventBytes               int64
	Buffer                      int
}

// WithSubscriptions sets the bounds of upstream subscriptions and how each
// subgraph serves them (by name; a subgraph not listed: graphql-transport-ws
// at its URL, no init payload forwarded).
func WithSubscriptions(bounds subscription.Options, per map[string]SubgraphSubscriptions) Option {
	return func(o *options) {
		o.subsBounds = bounds
		o.subsPer = per
	}
}

// subscriptions is the gateway's subscription engine state: the upstream
// client (created on first use: a gateway that serves no subscription
// holds nothing) and the swap notifications.
type subscriptions struct {
	once   sync.Once
	client *subscription.Client
	mu     sync.Mutex
	swap   chan struct{} // closed and replaced at each Install
}

// upstreamClient returns the upstream client, creating it once.
func (g *Gateway) upstreamClient() *subscription.Client {
	g.subs.once.Do(func() { g.subs.client = subscription.New(g.opts.subsBounds) })
	return g.subs.client
}

// UpstreamSubscriptions is the number of upstream subscriptions open now
// (identical subscriptions sharing one counted once).
func (g *Gateway) UpstreamSubscriptions() int {
	return g.upstreamClient().Active()
}

// swapped returns a channel closed at the next Install.
func (s *subscriptions) swapped() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.swap == nil {
		s.swap = make(chan struct{})
	}
	return s.swap
}

// installed wakes the subscriptions waiting for a swap.
func (s *subscriptions) installed() {
	s.mu.Lock()
	if s.swap != nil {
		close(s.swap)
		s.swap = nil
	}
	s.mu.Unlock()
}

// subPlan is what one event of a subscription runs with: the State, the
// operation (re-validated after each swap) and its plan.
type subPlan struct {
	op    *Operation
	plan  *planner.Plan
	fetch *planner.Fetch
	vars  json.RawMessage // the upstream's variables
}

// subscribe starts a subscription operation: plan, connect upstream, and
// answer a Response whose Events completes each event.
func (g *Gateway) subscribe(ctx context.Context, o *Operation) *Response {
	sp, resp := g.planSubscription(ctx, o)
	if resp != nil {
		return resp
	}
	up, err := g.upstream(o, sp)
	if err != nil {
		return &Response{Errors: gqlerror.List{withCode(gqlerror.Errorf("subscription: %v", err), CodeSubscriptionUpstream)}}
	}
	stream, err := g.upstreamClient().Subscribe(ctx, up)
	if err != nil {
		e := withCode(gqlerror.Errorf("subscription to subgraph %q failed: %v", up.Service, err), CodeSubscriptionUpstream)
		e.Extensions["serviceName"] = up.Service
		return &Response{Errors: gqlerror.List{e}}
	}
	run := &subRun{g: g, stream: stream}
	run.cur.Store(sp)
	// The full State o.State belongs to (itself, or the one holding its
	// contract); nil when a swap came in between: re-planned at once.
	if root := g.state.Load(); root != nil {
		if cs, _ := forContract(ctx, root, o.Request); cs == o.State {
			run.root = root
		}
	}
	return &Response{Events: run.events(ctx)}
}

// planSubscription plans o and finds its upstream fetch. A nil subPlan
// comes with the Response to answer instead (a plan-only request, a
// planning error, or a subscription field denied: executed once).
func (g *Gateway) planSubscription(ctx context.Context, o *Operation) (*subPlan, *Response) {
	plan, err := g.planOperation(ctx, o)
	if err != nil {
		return nil, planningFailed(err)
	}
	if o.Request.PlanOnly {
		return nil, planOnlyResponse(plan)
	}
	f := subscriptionFetch(plan.Root, o.Variables)
	if f == nil {
		// Nothing to subscribe to (the field was denied, or skipped):
		// the one answer is the operation's.
		return nil, g.execute(ctx, o)
	}
	vars, err := fetchVariables(f, o.Variables)
	if err != nil {
		return nil, requestError(fmt.Sprintf("subscription variables: %v", err), "GRAPHQL_VALIDATION_FAILED")
	}
	return &subPlan{op: o, plan: plan, fetch: f, vars: vars}, nil
}

// subscriptionFetch finds the fetch of a subscription plan that selects
// the subscription field (following conditions with vars), or nil.
func subscriptionFetch(n planner.Node, vars map[string]any) *planner.Fetch {
	switch n := n.(type) {
	case *planner.Fetch:
		if n.OperationKind == ast.Subscription {
			return n
		}
	case *planner.Sequence:
		if len(n.Nodes) > 0 {
			return subscriptionFetch(n.Nodes[0], vars)
		}
	case *planner.Parallel:
		for _, c := range n.Nodes {
			if f := subscriptionFetch(c, vars); f != nil {
				return f
			}
		}
	case *planner.Condition:
		if b, _ := vars[n.Variable].(bool); b {
			return subscriptionFetch(n.If, vars)
		}
		return subscriptionFetch(n.Else, vars)
	}
	return nil
}

// fetchVariables is the JSON object of the client variables f uses.
func fetchVariables(f *planner.Fetch, vars map[string]any) (json.RawMessage, error) {
	if len(f.Variables) == 0 {
		return nil, nil
	}
	m := make(map[string]any, len(f.Variables))
	for _, name := range f.Variables {
		if v, ok := vars[name]; ok {
			m[name] = v
		}
	}
	return json.Marshal(m) // keys sorted: identical subscriptions meet
}

// upstream describes the upstream subscription of sp.
func (g *Gateway) upstream(o *Operation, sp *subPlan) (*subscription.Upstream, error) {
	f := sp.fetch
	cfg := g.opts.subsPer[f.Service]
	url := cfg.URL
	if url == "" {
		for _, s := range o.State.Supergraph.Subgraphs {
			if s.Name == f.Service {
				url = s.URL
			}
		}
	}
	if url == "" {
		return nil, fmt.Errorf("subgraph %q has no URL", f.Service)
	}
	up := &subscription.Upstream{
		Service:        f.Service,
		URL:            url,
		Protocol:       cfg.Protocol,
		Query:          f.Operation,
		OperationName:  f.OperationName,
		Variables:      sp.vars,
		Header:         g.upstreamHeader(f.Service, o),
		ConnectTimeout: cfg.ConnectTimeout,
		IdleTimeout:    cfg.IdleTimeout,
		MaxEventBytes:  cfg.MaxEventBytes,
		Buffer:         cfg.Buffer,
		BoundsKey:      "subgraphs." + f.Service + ".subscriptions",
	}
	if cfg.ForwardInitPayload && o.Request.InitPayload != nil {
		b, err := json.Marshal(o.Request.InitPayload)
		if err != nil {
			return nil, fmt.Errorf("the connection_init payload: %w", err)
		}
		up.Init = b
	}
	return up, nil
}

// upstreamHeader is the header of the upstream request to service: what a
// fetch of this operation would send (propagated client headers, the
// operation stage's headers, the header rules).
func (g *Gateway) upstreamHeader(service string, o *Operation) http.Header {
	h := g.subgraphHeader(o.Request.Header, o.SubgraphHeader)
	for _, p := range g.plugins.all {
		if hr, ok := p.(*headerRules); ok {
			h = hr.headerFor(service, h)
		}
	}
	return h
}

// subRun is one running subscription.
type subRun struct {
	g      *Gateway
	stream *subscription.Stream
	cur    atomic.Pointer[subPlan]
	// root is the full State the current plan comes from (owned by
	// watchSwaps once it runs).
	root *State
}

// errExpired ends a stream when the caller's credentials expire.
var errExpired = errors.New("the credentials expired")

// schemaChanged is the cause of a stream ended by a swap.
type schemaChanged struct{ err *gqlerror.Error }

func (s *schemaChanged) Error() string { return s.err.Message }

// events yields one complete response per upstream event.
func (s *subRun) events(ctx context.Context) func(yield func(*Response) bool) {
	return func(yield func(*Response) bool) {
		defer s.stream.Close()
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		if exp, ok := CredentialExpiry(ctx); ok {
			var stop context.CancelFunc
			ctx, stop = context.WithDeadlineCause(ctx, exp, errExpired)
			defer stop()
		}
		go s.watchSwaps(ctx, cancel)
		for {
			ev, err := s.stream.Next(ctx)
			if err != nil {
				if r := s.endResponse(ctx, err); r != nil {
					yield(r)
				}
				return
			}
			sp := s.cur.Load()
			o := sp.op
			ereq := &executor.Request{
				Plan:      sp.plan,
				Document:  o.Document,
				Operation: o.Definition,
				Variables: o.Variables,
				Header:    s.g.subgraphHeader(o.Request.Header, o.SubgraphHeader),
				Denied:    o.denied,
				Event:     ev,
			}
			res := o.State.Executor.Execute(ctx, ereq)
			if ctx.Err() != nil {
				res.Release()
				if r := s.endResponse(ctx, context.Cause(ctx)); r != nil {
					yield(r)
				}
				return
			}
			if !yield(&Response{Data: res.Data, Errors: res.Errors, Body: res.Body, result: res}) {
				return
			}
		}
	}
}

// endResponse is the last event for a stream ended by err, nil when the
// stream ends silently (completed upstream, caller gone).
func (s *subRun) endResponse(ctx context.Context, err error) *Response {
	var sc *schemaChanged
	switch cause := context.Cause(ctx); {
	case err == io.EOF: //nolint:errorlint // completion is io.EOF itself; a failure may wrap one
		return nil
	case errors.As(cause, &sc):
		return &Response{Errors: gqlerror.List{sc.err}}
	case errors.Is(cause, errExpired):
		return requestError("the credentials of this subscription expired", "UNAUTHENTICATED")
	case ctx.Err() != nil:
		return nil // the caller is gone
	}
	service := s.cur.Load().fetch.Service
	e := withCode(gqlerror.Errorf("subscription to subgraph %q ended: %v", service, err), CodeSubscriptionUpstream)
	e.Extensions["serviceName"] = service
	return &Response{Errors: gqlerror.List{e}}
}

// watchSwaps re-plans the subscription at each supergraph swap until ctx
// is done; a subscription the new supergraph cannot carry on is ended
// (cancel with its error).
func (s *subRun) watchSwaps(ctx context.Context, cancel context.CancelCauseFunc) {
	for {
		ch := s.g.subs.swapped()
		if root := s.g.state.Load(); root != nil && root != s.root {
			old := s.cur.Load()
			st, resp := forContract(ctx, root, old.op.Request)
			var err *gqlerror.Error
			var sp *subPlan
			if resp != nil {
				err = schemaChangedError(resp.Errors[0].Message)
			} else {
				sp, err = s.g.replanSubscription(ctx, old, st)
			}
			if err != nil {
				cancel(&schemaChanged{err})
				return
			}
			s.cur.Store(sp)
			s.root = root
			continue
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

// replanSubscription validates and plans the running subscription old
// against st; an error when the new supergraph does not serve it with the
// same upstream subscription.
func (g *Gateway) replanSubscription(ctx context.Context, old *subPlan, st *State) (*subPlan, *gqlerror.Error) {
	req := old.op.Request
	changed := schemaChangedError
	cd := g.load(ctx, st, req.Query)
	if len(cd.errs) > 0 {
		return nil, changed(cd.errs[0].Message)
	}
	def, gerr := selectOperation(cd.doc, req.OperationName)
	if gerr != nil {
		return nil, changed(gerr.Message)
	}
	vars, gerr := coerceVariables(st.Supergraph.API, def, req.Variables)
	if gerr != nil {
		return nil, changed(gerr.Message)
	}
	o := &Operation{Request: req, State: st, Document: cd.doc, Definition: def, Variables: vars}
	var kept *Operation
	resp := g.recheckOperation(ctx, o, func(op *Operation) { kept = op })
	if kept == nil {
		msg := "the operation was refused"
		if resp != nil && len(resp.Errors) > 0 {
			msg = resp.Errors[0].Message
		}
		return nil, changed(msg)
	}
	plan, err := g.planOperation(ctx, kept)
	if err != nil {
		return nil, changed(err.Error())
	}
	f := subscriptionFetch(plan.Root, kept.Variables)
	if f == nil || f.Service != old.fetch.Service || f.Operation != old.fetch.Operation {
		return nil, changed("its subscription field is now served differently")
	}
	vj, err := fetchVariables(f, kept.Variables)
	if err != nil || string(vj) != string(old.vars) {
		return nil, changed("its variables are now coerced differently")
	}
	return &subPlan{op: kept, plan: plan, fetch: f, vars: vj}, nil
}

// schemaChangedError ends a subscription a new supergraph cannot carry on.
func schemaChangedError(why string) *gqlerror.Error {
	return withCode(gqlerror.Errorf("the supergraph changed and no longer serves this subscription (%s); subscribe again", why), CodeSubscriptionSchemaChanged)
}

// recheckOperation runs the operation interceptors on o again (a
// subscription re-planned after a swap) and calls keep with the operation
// they let through, if any.
func (g *Gateway) recheckOperation(ctx context.Context, o *Operation, keep func(*Operation)) *Response {
	h := chainOperation(g.plugins.operation, func(_ context.Context, op *Operation) *Response {
		keep(op)
		return &Response{}
	})
	return h(ctx, o)
}

type expiryKey struct{}

// WithCredentialExpiry returns ctx carrying the time the caller's
// credentials expire (the authentication plugin sets it): a subscription
// started with it ends with UNAUTHENTICATED at that time.
func WithCredentialExpiry(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, expiryKey{}, t)
}

// CredentialExpiry returns the expiry WithCredentialExpiry put in ctx.
func CredentialExpiry(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(expiryKey{}).(time.Time)
	return t, ok && !t.IsZero()
}

// subscriptionRefused answers a subscription over a transport that cannot
// stream it.
func subscriptionRefused() *Response {
	return requestError("subscriptions are not supported over this transport", CodeSubscriptionNotSupported)
}
