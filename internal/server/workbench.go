package server

import (
	"net/http"
	"strconv"
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

// ownersPath serves the field owners (WithFieldOwners) to the playground.
const ownersPath = assetPrefix + "owners.json"

// WithFieldOwners gives the playground which subgraphs resolve each field
// (for its documentation explorer): f returns the JSON served at
// /playground/owners.json (gateway.Gateway.FieldOwners). Served only while
// the playground is on; without it the explorer shows no owners.
func WithFieldOwners(f func() []byte) Option {
	return func(s *Server) { s.owners = f }
}

// WithPlaygroundRegistry tells the playground where the registry API is
// served (e.g. "/registry/graphql", on this origin) for its registry view;
// without it the view says that no registry is configured.
func WithPlaygroundRegistry(path string) Option {
	return func(s *Server) { s.registryPath = path }
}

// serveOwners answers the field owners JSON, 404 when there is none yet.
func (s *Server) serveOwners(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	b := s.owners()
	if b == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}
