package server

import (
	"net/http"
	"slices"
	"strings"
)

// defaultCORSHeaders are allowed in a preflight that names none.
const defaultCORSHeaders = "Content-Type, Accept, Authorization, X-Request-Id, Apollo-Expose-Query-Plan, Junction-Expose-Query-Plan, Junction-Query-Plan-Only, Junction-Include-Trace"

// cors sets the CORS response headers for a request that carries an Origin,
// and the preflight headers for an OPTIONS preflight. It never rejects: a
// disallowed origin simply gets no Access-Control-Allow-Origin, and the
// browser enforces the rest.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h := w.Header()
	if s.corsOrigins == nil {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Add("Vary", "Origin")
		if !slices.Contains(s.corsOrigins, origin) {
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
	}
	h.Set("Access-Control-Expose-Headers", headerRequestID)
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	if req := strings.TrimSpace(r.Header.Get("Access-Control-Request-Headers")); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
		h.Add("Vary", "Access-Control-Request-Headers")
	} else {
		h.Set("Access-Control-Allow-Headers", defaultCORSHeaders)
	}
	h.Set("Access-Control-Max-Age", "600")
}
