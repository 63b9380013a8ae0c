package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// statusFor is the HTTP status of a handler response under media type mt,
// as the GraphQL-over-HTTP draft of 2026 has it (legacy: the rules before):
//
//   - 405 (a mutation over GET), 406 and 5xx statuses whatever the media
//     type; any other Response.Status under application/graphql-response+json,
//     and under application/json too unless legacy.
//   - No data entry (the request failed before execution: parse,
//     validation, variable coercion, no operation): 422 (legacy: 400 under
//     application/graphql-response+json, 200 under application/json). A
//     persisted query that is not found keeps 400 / 200: APQ clients read
//     it as the signal to send the query.
//   - Data and errors (partial success) under application/graphql-response+json:
//     294 (legacy: 200).
//   - Otherwise 200.
func statusFor(mt string, resp *gateway.Response, legacy bool) int {
	if resp.Status == http.StatusMethodNotAllowed || resp.Status == http.StatusNotAcceptable || resp.Status >= 500 {
		return resp.Status
	}
	if mt == mediaJSON && legacy {
		return http.StatusOK
	}
	if resp.Status != 0 {
		return resp.Status
	}
	if resp.Data == nil {
		if legacy || persistedQueryMiss(resp) {
			if mt == mediaJSON {
				return http.StatusOK
			}
			return http.StatusBadRequest
		}
		return http.StatusUnprocessableEntity
	}
	if !legacy && mt == mediaGraphQLResponse && len(resp.Errors) > 0 && string(resp.Data) != "null" {
		return statusPartialSuccess
	}
	return http.StatusOK
}

// statusPartialSuccess is the 2026 draft's status for a response with both
// data and errors under application/graphql-response+json.
const statusPartialSuccess = 294

func persistedQueryMiss(resp *gateway.Response) bool {
	if len(resp.Errors) != 1 {
		return false
	}
	c, _ := resp.Errors[0].Extensions["code"].(string)
	return c == "PERSISTED_QUERY_NOT_FOUND" || c == "PERSISTED_QUERY_NOT_SUPPORTED"
}

// encodeResponse renders {"data":…,"errors":[…],"extensions":{…}}: data is
// written raw (it is already JSON) and omitted when nil; errors and
// extensions are omitted when empty. Map keys come out sorted.
func encodeResponse(resp *gateway.Response) ([]byte, error) {
	head, tail, err := envelope(resp)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 0, len(head)+len(resp.Data)+len(tail))
	buf = append(append(append(buf, head...), resp.Data...), tail...)
	return buf, nil
}

// envelope renders what comes before and after the raw data in
// encodeResponse, so that a large data entry is written as it is, never
// copied (it may be shared between deduplicated requests).
func envelope(resp *gateway.Response) (head, tail []byte, err error) {
	head = []byte(`{`)
	sep := false
	if resp.Data != nil {
		head = []byte(`{"data":`)
		sep = true
	}
	var buf bytes.Buffer
	if len(resp.Errors) > 0 {
		b, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, nil, err
		}
		if sep {
			buf.WriteByte(',')
		}
		buf.WriteString(`"errors":`)
		buf.Write(b)
		sep = true
	}
	if len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, nil, err
		}
		if sep {
			buf.WriteByte(',')
		}
		buf.WriteString(`"extensions":`)
		buf.Write(b)
	}
	buf.WriteByte('}')
	return head, buf.Bytes(), nil
}

// writeResponse writes resp as media type mt with its status: the envelope
// and the data entry are written in place, without joining them first.
func (s *Server) writeResponse(w http.ResponseWriter, r *http.Request, mt string, resp *gateway.Response) {
	s.bounds.startWrite(w)
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	if resp.Incremental != nil {
		s.writeMultipart(w, r, resp)
		return
	}
	if resp.Body != nil && len(resp.Errors) == 0 && len(resp.Extensions) == 0 {
		// Nothing but data: the executor already wrote the whole document.
		// The header values are set directly (canonical keys), the
		// Content-Type one shared: net/http only reads them.
		h := w.Header()
		h["Content-Type"] = contentType(mt)
		h["Content-Length"] = []string{strconv.Itoa(len(resp.Body))}
		w.WriteHeader(statusFor(mt, resp, s.legacyStatus))
		_, _ = w.Write(resp.Body)
		return
	}
	head, tail, err := envelope(resp)
	data := resp.Data
	if err != nil {
		s.log.LogAttrs(r.Context(), slogError, "encode response", attrErr(err), attrRequestID(r))
		resp = errorResponse(http.StatusInternalServerError, codeInternal, "internal error: could not encode the response")
		head, tail, _ = envelope(resp)
		data = resp.Data
	}
	status := statusFor(mt, resp, s.legacyStatus)
	h := w.Header()
	h.Set("Content-Type", mt+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(head)+len(data)+len(tail)))
	if status == http.StatusMethodNotAllowed && h.Get("Allow") == "" {
		h.Set("Allow", http.MethodPost)
	}
	w.WriteHeader(status)
	if len(data) < 4096 {
		// Small: one write (one syscall once the server flushes).
		buf := make([]byte, 0, len(head)+len(data)+len(tail))
		_, _ = w.Write(append(append(append(buf, head...), data...), tail...))
		return
	}
	_, _ = w.Write(head)
	_, _ = w.Write(data)
	_, _ = w.Write(tail)
}

var (
	contentTypeGraphQLResponse = []string{mediaGraphQLResponse + "; charset=utf-8"}
	contentTypeJSON            = []string{mediaJSON + "; charset=utf-8"}
)

// contentType is the Content-Type header value for media type mt.
func contentType(mt string) []string {
	switch mt {
	case mediaGraphQLResponse:
		return contentTypeGraphQLResponse
	case mediaJSON:
		return contentTypeJSON
	}
	return []string{mt + "; charset=utf-8"}
}

// errorResponse is a response with no data and one error with code, whose
// status is used under both media types (the request was not well formed).
func errorResponse(status int, code, msg string) *gateway.Response {
	return &gateway.Response{
		Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}},
		Status: status,
	}
}

// writeError answers a transport-level error with its status under both
// media types.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, mt string, e *requestError) {
	s.bounds.startWrite(w)
	status := e.status
	if status == http.StatusBadRequest && e.code == codeBadRequest && !s.legacyStatus {
		// A malformed request: 422 in the 2026 draft.
		status = http.StatusUnprocessableEntity
	}
	resp := errorResponse(status, e.code, e.message)
	body, _ := encodeResponse(resp)
	h := w.Header()
	h.Set("Content-Type", mt+"; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
