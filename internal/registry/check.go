package registry

import (
	"context"
	"fmt"
)

// CheckedChange is a change with the recorded operations it would hit.
type CheckedChange struct {
	Change
	// Operations are the client operations seen within the usage window
	// that use the changed coordinate.
	Operations []OperationUsage
	// Safe: the change is not breaking, or no recorded operation uses it.
	Safe bool
}

// CheckResult is the outcome of Check: the dry run of Register.
type CheckResult struct {
	// OK: the candidate composes and no breaking change hits a recorded
	// operation.
	OK      bool
	Errors  []CompositionError
	Changes []CheckedChange
}

// WithUsage makes Check consult u (and flush it first).
func WithUsage(u *Usage) Option { return func(r *Registry) { r.usage = u } }

// Usage returns the stored usage within the window (flushed first), or
// nothing when the registry records none.
func (r *Registry) Usage(ctx context.Context) ([]OperationUsage, error) {
	if r.usage == nil {
		return nil, nil
	}
	if err := r.usage.Flush(ctx); err != nil {
		return nil, fmt.Errorf("registry: usage flush: %w", err)
	}
	return r.usage.Recent(ctx, r.now())
}

// Check composes subgraph name as Register would, without storing or
// serving anything, and lists the changes against the served supergraph
// with, for each breaking one, the client operations that use it.
func (r *Registry) Check(ctx context.Context, name, routingURL, sdl string) (*CheckResult, error) {
	if errs := validateInput(name, routingURL, sdl); len(errs) > 0 {
		return &CheckResult{Errors: errs}, nil
	}
	cur, err := r.store.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("registry: load: %w", err)
	}
	subs := withSubgraph(cur.Subgraphs, Subgraph{Name: name, URL: routingURL, SDL: sdl})
	c, res, err := r.candidate(subs, cur.Contracts)
	if err != nil {
		return nil, err
	}
	if res != nil {
		return &CheckResult{Errors: res.Errors}, nil
	}
	cand := c.sg
	out := &CheckResult{OK: true}
	old := r.parsed(cur)
	if old == nil {
		return out, nil
	}
	usage, err := r.Usage(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range r.diff(old, cand) {
		cc := CheckedChange{Change: c, Safe: true}
		if c.Breaking {
			for _, u := range usage {
				if Hits(c, u) {
					cc.Operations = append(cc.Operations, u)
				}
			}
			cc.Safe = len(cc.Operations) == 0
		}
		if !cc.Safe {
			out.OK = false
		}
		out.Changes = append(out.Changes, cc)
	}
	return out, nil
}
