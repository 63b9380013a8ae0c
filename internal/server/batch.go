package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/junction-gateway/junction/internal/gateway"
)

// Batched operations (Apollo's query batching): a POST body that is a JSON
// array of request objects is answered with a JSON array of responses, in
// the same order. Off by default (a batch is then refused with 422); on,
// a batch carries at most batchMax operations and is refused whole past
// it, naming the bound. The operations of a batch are independent: they
// run concurrently, each through the whole handler (authentication, rate
// limits, dedupe), and one failing does not fail the others. The batch
// takes one place among the concurrent requests (the body limit bounds its
// size as for any request).
//
// Status: 200, unless every operation was answered with the same non-zero
// status by the handler (e.g. 401 for a missing token, 429), which is then
// the batch's. Response headers of the operations are set in batch order
// (a later operation's value replaces an earlier one's).

// codeBatchLimit is the code of a batch larger than batching.max_size.
const codeBatchLimit = "BATCH_LIMIT_EXCEEDED"

// DefaultBatchMaxSize is the default batching.max_size.
const DefaultBatchMaxSize = 10

// WithBatching accepts batched POSTs of at most maxSize operations
// (maxSize <= 0: DefaultBatchMaxSize) when on; off (the default) refuses
// them.
func WithBatching(on bool, maxSize int) Option {
	return func(s *Server) {
		s.batchMax = 0
		if on {
			s.batchMax = maxSize
			if maxSize <= 0 {
				s.batchMax = DefaultBatchMaxSize
			}
		}
	}
}

// serveBatch answers a batch body (trimmed, starting with '[').
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request, mt string, body []byte) {
	var items []json.RawMessage
	if err := decodeStrict(body, &items); err != nil {
		s.writeError(w, r, mt, badRequest("the request body is not valid JSON: "+err.Error()))
		return
	}
	switch {
	case len(items) == 0:
		s.writeError(w, r, mt, badRequest("the batch is empty: send at least one operation"))
		return
	case len(items) > s.batchMax:
		s.writeError(w, r, mt, &requestError{status: http.StatusUnprocessableEntity, code: codeBatchLimit,
			message: fmt.Sprintf("the batch has %d operations, more than batching.max_size (%d)", len(items), s.batchMax)})
		return
	}
	resps := make([]*gateway.Response, len(items))
	var wg sync.WaitGroup
	for i, raw := range items {
		raw = bytes.TrimSpace(raw)
		var (
			req *gateway.Request
			e   *requestError
		)
		if len(raw) == 0 || raw[0] != '{' {
			e = badRequest("each operation of a batch must be a JSON object")
		} else {
			req, e = decodeOne(raw)
		}
		if e != nil {
			resps[i] = errorResponse(http.StatusUnprocessableEntity, e.code, e.message)
			continue
		}
		req.Header = r.Header
		req.RemoteAddr = r.RemoteAddr
		if s.debug { // debug.go
			req.ExposePlan = exposePlan(r.Header)
			workbenchHeaders(req, r.Header) // no AcceptIncremental: @defer is not offered in a batch
		}
		wg.Go(func() { resps[i] = s.serve(r, req) })
	}
	wg.Wait()
	s.writeBatch(w, r, mt, resps)
}

// writeBatch writes the responses as one JSON array, releasing each.
func (s *Server) writeBatch(w http.ResponseWriter, r *http.Request, mt string, resps []*gateway.Response) {
	s.bounds.startWrite(w)
	status := resps[0].Status
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, resp := range resps {
		if resp.Status != status {
			status = 0
		}
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		var (
			b   []byte
			err error
		)
		switch {
		case resp.Incremental != nil:
			b, err = encodeResponse(errorResponse(http.StatusInternalServerError, codeInternal, "internal error: an incremental response in a batch"))
		case resp.Body != nil && len(resp.Errors) == 0 && len(resp.Extensions) == 0:
			b = resp.Body
		default:
			b, err = encodeResponse(resp)
		}
		if err != nil {
			s.log.LogAttrs(r.Context(), slogError, "encode response", attrErr(err), attrRequestID(r))
			b, _ = encodeResponse(errorResponse(http.StatusInternalServerError, codeInternal, "internal error: could not encode the response"))
		}
		buf.Write(b)
		resp.Release()
	}
	buf.WriteByte(']')
	if status < http.StatusBadRequest {
		status = http.StatusOK
	}
	h := w.Header()
	h["Content-Type"] = contentType(mt)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
