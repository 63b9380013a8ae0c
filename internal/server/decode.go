package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/jsonv"
)

// requestError is a request the transport refuses before the handler sees it:
// it is answered with status and one GraphQL error carrying code.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

func badRequest(msg string) *requestError {
	return &requestError{status: http.StatusBadRequest, code: codeBadRequest, message: msg}
}

// Error codes (extensions.code) of transport-level errors.
const (
	codeBadRequest       = "BAD_REQUEST"
	codePayloadTooLarge  = "PAYLOAD_TOO_LARGE"
	codeUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeInternal         = "INTERNAL_SERVER_ERROR"
	codeRequestTimeout   = "REQUEST_TIMEOUT"
	codeNotAcceptable    = "NOT_ACCEPTABLE"
)

// params are the four GraphQL-over-HTTP request parameters, still raw.
type params struct {
	Query         json.RawMessage `json:"query"`
	OperationName json.RawMessage `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
	DocumentID    json.RawMessage `json:"documentId"`
}

// decodePOST reads a POST body: Content-Type application/json (utf-8), a
// JSON object within the size limit.
//
// A JSON array is a batch (batch.go): refused unless batching is on, else
// returned raw in batch for serveBatch to split.
func (s *Server) decodePOST(w http.ResponseWriter, r *http.Request) (req *gateway.Request, batch []byte, e *requestError) {
	var err error
	if e := checkContentType(r.Header.Get("Content-Type")); e != nil {
		return nil, nil, e
	}
	if s.readTimeout > 0 {
		// A client trickling its body must not hold a request forever
		// (the listener's own timeouts, if any, still apply). The deadline
		// is lifted once the body is in, so that it bounds the body only,
		// never the execution or a streamed response.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(s.readTimeout))
		defer func() {
			if err == nil {
				_ = rc.SetReadDeadline(time.Time{})
			}
		}()
	}
	var body []byte
	body, err = readBody(http.MaxBytesReader(w, r.Body, s.maxBody), r.ContentLength)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, nil, &requestError{status: http.StatusRequestEntityTooLarge, code: codePayloadTooLarge,
				message: "request body is larger than the limit"}
		}
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			return nil, nil, &requestError{status: http.StatusRequestTimeout, code: codeRequestTimeout,
				message: "the request body was not received in time"}
		}
		return nil, nil, badRequest("could not read the request body")
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, badRequest("the request body is empty")
	}
	if body[0] == '[' {
		if s.batchMax <= 0 {
			return nil, nil, badRequest("batched requests are not supported (batching.enabled is off)")
		}
		return nil, body, nil
	}
	if body[0] != '{' {
		return nil, nil, badRequest("the request body must be a JSON object")
	}
	req, e = decodeOne(body)
	return req, nil, e
}

// decodeOne decodes one request object (trimmed, starting with '{').
func decodeOne(body []byte) (*gateway.Request, *requestError) {
	req := &gateway.Request{}
	if decodeBody(body, req) {
		return req, nil
	}
	return decodeParams(body)
}

// decodeParams decodes a body object with encoding/json: the general path,
// taken when decodeBody gives up, and the reference it is tested against.
func decodeParams(body []byte) (*gateway.Request, *requestError) {
	var p params
	if err := decodeStrict(body, &p); err != nil {
		return nil, badRequest("the request body is not valid JSON: " + err.Error())
	}
	req := &gateway.Request{}
	if e := p.into(req); e != nil {
		return nil, e
	}
	return req, nil
}

// readBodyHint caps the buffer readBody allocates before any data comes:
// a client announcing a large body and sending nothing gets no more.
const readBodyHint = 64 << 10

// readBody reads r to the end, as io.ReadAll does, into a buffer sized
// from the request's Content-Length when it is known (one allocation
// instead of a series of growing ones). The length is only a hint: the
// body read is what counts.
func readBody(r io.Reader, contentLength int64) ([]byte, error) {
	size := 512
	if contentLength > 0 {
		size = int(min(contentLength, readBodyHint)) + 1 // room to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
	}
}

// checkContentType accepts application/json with no charset or utf-8.
// A missing or other type is 415 Unsupported Media Type.
func checkContentType(ct string) *requestError {
	if ct == mediaJSON {
		return nil // the common case, without parsing
	}
	if ct == "" {
		return &requestError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia,
			message: "missing Content-Type: send application/json"}
	}
	mt, ps, err := mime.ParseMediaType(ct)
	if err != nil || mt != mediaJSON {
		return &requestError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia,
			message: "unsupported Content-Type " + quote(ct) + ": send application/json"}
	}
	if cs, ok := ps["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return &requestError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia,
			message: "unsupported charset " + quote(cs) + ": send utf-8"}
	}
	return nil
}

// decodeGET reads the query parameters of a GET request. GET may run only
// queries: AllowedKinds says so, and the handler answers a mutation with 405.
func decodeGET(q url.Values) (*gateway.Request, *requestError) {
	var p params
	if v, ok := q["query"]; ok {
		p.Query, _ = json.Marshal(v[0])
	}
	if v, ok := q["operationName"]; ok && v[0] != "" {
		p.OperationName, _ = json.Marshal(v[0])
	}
	if v, ok := q["variables"]; ok && v[0] != "" {
		p.Variables = json.RawMessage(v[0])
	}
	if v, ok := q["extensions"]; ok && v[0] != "" {
		p.Extensions = json.RawMessage(v[0])
	}
	if v, ok := q["documentId"]; ok && v[0] != "" {
		p.DocumentID, _ = json.Marshal(v[0])
	}
	req := &gateway.Request{AllowedKinds: []ast.Operation{ast.Query}}
	if e := p.into(req); e != nil {
		return nil, e
	}
	return req, nil
}

// into checks the parameter types and fills req. query must be a string
// (it may be absent only when extensions carry a persistedQuery, which the
// gateway resolves); operationName a string or null; variables and
// extensions objects or null. Numbers stay json.Number.
func (p *params) into(req *gateway.Request) *requestError {
	var err error
	if isNull(p.Query) {
		p.Query = nil
	}
	if p.Query != nil {
		if req.Query, err = jsonv.Unquote(p.Query); err != nil {
			return badRequest("the query parameter must be a string")
		}
	}
	if !isNull(p.OperationName) {
		if req.OperationName, err = jsonv.Unquote(p.OperationName); err != nil {
			return badRequest("the operationName parameter must be a string")
		}
	}
	if req.Variables, err = decodeObject(p.Variables); err != nil {
		return badRequest("the variables parameter must be a JSON object")
	}
	if req.Extensions, err = decodeObject(p.Extensions); err != nil {
		return badRequest("the extensions parameter must be a JSON object")
	}
	if !isNull(p.DocumentID) {
		if req.DocumentID, err = jsonv.Unquote(p.DocumentID); err != nil {
			return badRequest("the documentId parameter must be a string")
		}
	}
	if p.Query == nil {
		if _, apq := req.Extensions["persistedQuery"]; !apq && req.DocumentID == "" {
			return badRequest("the query parameter is missing")
		}
	} else if strings.TrimSpace(req.Query) == "" {
		return badRequest("the query parameter is empty")
	}
	return nil
}

// decodeObject decodes a JSON object (nil for absent or null).
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	if isNull(raw) {
		return nil, nil
	}
	var m map[string]any
	if err := decodeStrict(raw, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not an object")
	}
	return m, nil
}

// decodeStrict decodes exactly one JSON value, with numbers as json.Number,
// and refuses trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	b, _ := json.Marshal(s)
	return string(b)
}
