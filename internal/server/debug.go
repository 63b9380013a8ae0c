package server

import (
	"maps"
	"net/http"

	"github.com/junction-gateway/junction/internal/gateway"
)

// The debugging headers (Apollo-Expose-Query-Plan,
// Junction-Expose-Query-Plan, Junction-Query-Plan-Only,
// Junction-Include-Trace) show subgraph names and the operations sent to
// them: they are honoured only with WithDebugHeaders(true) (config
// debug.expose_query_plan; on in junction dev, off by default in junction
// serve). Off, the plan headers are ignored, as Apollo Router does; a
// plan-only request is refused (it must not run the operation instead)
// and a request asking for the trace is run and answered with
// extensions.junctionDebug saying why there is no trace, which the
// playground shows.

// WithDebugHeaders honours the debugging headers (default off).
func WithDebugHeaders(on bool) Option {
	return func(s *Server) { s.debug = on }
}

const (
	codeDebugDisabled = "DEBUG_HEADERS_DISABLED"
	debugOffMessage   = "the query plan and fetch trace are not exposed by this gateway: debug.expose_query_plan is off (junction serve's default; junction dev turns it on)"
)

// debugHeaders sets req's debugging flags from h when they are honoured.
// Off, it returns the error refusing a plan-only request, or note true
// when the answer must say why the trace it asked for is missing.
func (s *Server) debugHeaders(req *gateway.Request, h http.Header) (refuse *requestError, note bool) {
	if s.debug {
		req.ExposePlan = exposePlan(h)
		workbenchHeaders(req, h)
		return nil, false
	}
	if headerTrue(h, headerPlanOnly) {
		return &requestError{status: http.StatusForbidden, code: codeDebugDisabled, message: debugOffMessage}, false
	}
	return nil, headerTrue(h, headerIncludeTrace)
}

// withDebugNote is resp (which may be shared: copied, never changed) with
// extensions.junctionDebug explaining the missing trace.
func withDebugNote(resp *gateway.Response) *gateway.Response {
	if resp.Incremental != nil || resp.Events != nil {
		return resp
	}
	cp := *resp
	cp.Extensions = maps.Clone(resp.Extensions)
	if cp.Extensions == nil {
		cp.Extensions = map[string]any{}
	}
	cp.Extensions["junctionDebug"] = debugOffMessage
	return &cp
}
