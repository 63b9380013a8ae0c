package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/junction-gateway/junction/internal/gateway"
)

const (
	slogWarn  = slog.LevelWarn
	slogError = slog.LevelError
)

func attrErr(err error) slog.Attr { return slog.String("error", err.Error()) }

func attrRequestID(r *http.Request) slog.Attr {
	return slog.String("request_id", RequestID(r.Context()))
}

// Headers that ask for the query plan in the response extensions.
var exposePlanHeaders = []string{"Apollo-Expose-Query-Plan", "Junction-Expose-Query-Plan"}

// serveGraphQL is the GraphQL-over-HTTP endpoint.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	accept := r.Header.Get("Accept")
	if s.serveSubscription(w, r) {
		return
	}
	mt, acceptable := negotiateOK(accept)
	var (
		req   *gateway.Request
		batch []byte
		e     *requestError
	)
	if r.Method == http.MethodGet || r.Method == http.MethodPost {
		if !s.bounds.acquire(r) {
			s.writeError(w, r, mt, s.bounds.busy(w))
			return
		}
		defer s.bounds.release()
	}
	switch r.Method {
	case http.MethodOptions:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet:
		q := r.URL.Query()
		if s.playground && !q.Has("query") && !q.Has("extensions") && acceptsHTML(accept) {
			s.servePlaygroundPage(w, r)
			return
		}
		if s.csrfBlocked(r) {
			e = s.csrfError()
			break
		}
		req, e = decodeGET(q)
	case http.MethodPost:
		if s.csrfBlocked(r) {
			e = s.csrfError()
			break
		}
		req, batch, e = s.decodePOST(w, r)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		e = &requestError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed,
			message: "method " + r.Method + " is not allowed: use GET or POST"}
	}
	if e == nil && !acceptable && !s.legacyStatus && !acceptsMultipartDefer(accept) {
		// The 2026 draft: 406 when Accept names nothing we can answer
		// (the body is still a GraphQL response, in our default type).
		e = &requestError{status: http.StatusNotAcceptable, code: codeNotAcceptable,
			message: "the Accept header names no media type this server can answer: accept " + mediaGraphQLResponse + " or " + mediaJSON}
	}
	if e != nil {
		s.writeError(w, r, mt, e)
		return
	}
	if batch != nil {
		s.serveBatch(w, r, mt, batch)
		return
	}
	req.Header = r.Header
	req.RemoteAddr = r.RemoteAddr
	req.ExposePlan = exposePlan(r.Header)
	req.AcceptIncremental = acceptsMultipartDefer(accept)
	workbenchHeaders(req, r.Header)
	resp := s.serve(r, req)
	s.writeResponse(w, r, mt, resp)
	// Written (or failed to be): its buffer can be reused.
	resp.Release()
}

// serve calls the handler, turning a panic or a nil response into a 500.
func (s *Server) serve(r *http.Request, req *gateway.Request) (resp *gateway.Response) {
	defer func() {
		if p := recover(); p != nil {
			s.log.LogAttrs(r.Context(), slogError, "handler panic",
				slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())), attrRequestID(r))
			resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal server error")
		}
	}()
	resp = s.h.Serve(r.Context(), req)
	if resp == nil {
		s.log.LogAttrs(r.Context(), slogError, "handler returned no response", attrRequestID(r))
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal server error")
	}
	return resp
}

func exposePlan(h http.Header) bool {
	for _, name := range exposePlanHeaders {
		if strings.EqualFold(strings.TrimSpace(h.Get(name)), "true") {
			return true
		}
	}
	return false
}
