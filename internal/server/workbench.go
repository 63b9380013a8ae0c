package server

import (
	"net/http"
	"strings"

	"github.com/junction-gateway/junction/internal/gateway"
)

// Headers of the playground's workbench views (see gateway/trace.go): a
// plan without execution, and the subgraph fetch trace.
const (
	headerPlanOnly     = "Junction-Query-Plan-Only"
	headerIncludeTrace = "Junction-Include-Trace"
)

// workbenchHeaders sets the workbench flags of req from the HTTP headers.
func workbenchHeaders(req *gateway.Request, h http.Header) {
	req.PlanOnly = headerTrue(h, headerPlanOnly)
	req.IncludeTrace = headerTrue(h, headerIncludeTrace)
}

func headerTrue(h http.Header, name string) bool {
	v, ok := h[name]
	return ok && len(v) > 0 && strings.EqualFold(strings.TrimSpace(v[0]), "true")
}
