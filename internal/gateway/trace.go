package gateway

import (
	"iter"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/planner"
)

// The workbench extensions: what a caller (the playground) asks for with a
// request header, never sent otherwise, and costing nothing when not asked.
//
//   - Request.PlanOnly (Junction-Query-Plan-Only: true): plan the operation
//     and answer {"extensions":{"apolloQueryPlan":{object,text}}} with
//     status 200 and no data; nothing is executed (a mutation neither).
//   - Request.IncludeTrace (Junction-Include-Trace: true): record every
//     subgraph fetch of the request (executor.FetchTrace) and answer it in
//     extensions.junctionTrace: {durationUs, fetches: [{fetch, service,
//     path, operationName, startUs, endUs, bytes, error, errors}]}, fetches
//     ordered by start. A traced request is never shared with another by
//     inbound deduplication (its timings are its own). For a @defer
//     response the initial payload's trace holds the fetches done by then,
//     and the last payload's extensions the whole trace.

// traceOnLast returns next with the whole trace t added to the
// extensions of its last payload (HasNext false).
func traceOnLast(next iter.Seq[*Subsequent], t *executor.FetchTrace, plan *planner.Plan) iter.Seq[*Subsequent] {
	if next == nil {
		return nil
	}
	return func(yield func(*Subsequent) bool) {
		for sub := range next {
			if !sub.HasNext {
				cp := *sub
				cp.Extensions = withTrace(maps.Clone(sub.Extensions), t, plan)
				sub = &cp
			}
			if !yield(sub) {
				return
			}
		}
	}
}

// planOnlyResponse answers a plan-only request with the plan alone.
func planOnlyResponse(plan *planner.Plan) *Response {
	return &Response{Status: http.StatusOK, Extensions: map[string]any{"apolloQueryPlan": planExtension(plan)}}
}

// withTrace returns ext with the trace t of plan added (ext may be nil).
func withTrace(ext map[string]any, t *executor.FetchTrace, plan *planner.Plan) map[string]any {
	if ext == nil {
		ext = map[string]any{}
	}
	ext["junctionTrace"] = traceExtension(t, plan, time.Now())
	return ext
}

// traceExtension is the trace in its JSON form; times are microseconds
// from the start of execution.
func traceExtension(t *executor.FetchTrace, plan *planner.Plan, end time.Time) map[string]any {
	where := fetchPlaces(plan)
	spans := t.Spans()
	fetches := make([]any, 0, len(spans))
	for i := range spans {
		s := &spans[i]
		m := map[string]any{
			"service": s.Service,
			"startUs": s.Start.Microseconds(),
			"endUs":   s.End.Microseconds(),
			"bytes":   s.Bytes,
		}
		if p, ok := where[s.Fetch]; ok {
			m["fetch"] = p.index
			if p.path != "" {
				m["path"] = p.path
			}
		}
		if s.Fetch != nil && s.Fetch.OperationName != "" {
			m["operationName"] = s.Fetch.OperationName
		}
		if f := s.Failure(); f != nil {
			m["error"] = map[string]any{"message": f.Message, "code": f.Extensions["code"]}
		}
		if len(s.Errors) > 0 {
			m["errors"] = s.Errors
		}
		fetches = append(fetches, m)
	}
	return map[string]any{"durationUs": end.Sub(t.Begin()).Microseconds(), "fetches": fetches}
}

// fetchPlace is where a fetch sits in its plan: its 1-based position in
// the plan's depth-first order (the order of the text form) and the
// response path of its Flatten ("" at the root).
type fetchPlace struct {
	index int
	path  string
}

// fetchPlaces numbers the fetches of plan in depth-first order.
func fetchPlaces(plan *planner.Plan) map[*planner.Fetch]fetchPlace {
	out := map[*planner.Fetch]fetchPlace{}
	if plan == nil {
		return out
	}
	var walk func(n planner.Node, path string)
	walk = func(n planner.Node, path string) {
		switch n := n.(type) {
		case *planner.Sequence:
			for _, c := range n.Nodes {
				walk(c, path)
			}
		case *planner.Parallel:
			for _, c := range n.Nodes {
				walk(c, path)
			}
		case *planner.Flatten:
			walk(n.Node, strings.Join(n.Path, "."))
		case *planner.Fetch:
			if _, ok := out[n]; !ok {
				out[n] = fetchPlace{index: len(out) + 1, path: path}
			}
		case *planner.Condition:
			walk(n.If, path)
			walk(n.Else, path)
		case *planner.Defer:
			walk(n.Primary, path)
			for _, b := range n.Deferred {
				walk(b.Node, path)
			}
		}
	}
	walk(plan.Root, "")
	return out
}
