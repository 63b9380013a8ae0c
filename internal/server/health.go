package server

import "net/http"

// serveHealth is liveness: the process answers, so it is UP.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	writeStatus(w, http.StatusOK, `{"status":"UP"}`)
}

// serveReady is readiness: the WithReadiness check decides (ready when unset).
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	if s.ready != nil {
		if err := s.ready(); err != nil {
			s.log.LogAttrs(r.Context(), slogWarn, "not ready", attrErr(err), attrRequestID(r))
			writeStatus(w, http.StatusServiceUnavailable, `{"status":"DOWN"}`)
			return
		}
	}
	writeStatus(w, http.StatusOK, `{"status":"UP"}`)
}

func writeStatus(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}
