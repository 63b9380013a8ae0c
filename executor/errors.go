package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes in extensions.code, following Apollo Router's vocabulary.
const (
	CodeHTTPError         = "SUBREQUEST_HTTP_ERROR"
	CodeMalformedResponse = "SUBREQUEST_MALFORMED_RESPONSE"
	CodeTimeout           = "GATEWAY_TIMEOUT"
	CodeInvalidValue      = "INVALID_VALUE"
	// CodeResponseValidation: a subgraph returned a value that does not fit
	// the field's type in the API schema (an enum value the API does not
	// have, a string for an Int, an object for a list...). Apollo Router's
	// code and message ("Invalid value found for field T.f").
	CodeResponseValidation = "RESPONSE_VALIDATION_FAILED"
	CodeNonNull            = "NON_NULL_VIOLATION"
	CodeIntrospection      = "INTROSPECTION_ERROR"
)

// errMalformed is the sentinel of a body that is not a GraphQL response.
var errMalformed = errors.New("malformed subgraph response")

// errSink collects the errors of one branch of the plan, in order, and the
// response paths they cover (for null propagation: a path covered by an
// error gets no extra "Cannot return null" error).
type errSink struct {
	errs    gqlerror.List
	covered []ast.Path
}

func (s *errSink) add(err *gqlerror.Error) {
	s.errs = append(s.errs, err)
	s.cover(err.Path)
}

// cover records that an error explains nulls at p (the empty path would
// cover everything and is ignored).
func (s *errSink) cover(p ast.Path) {
	if len(p) > 0 {
		s.covered = append(s.covered, p)
	}
}

func (s *errSink) merge(o *errSink) {
	s.errs = append(s.errs, o.errs...)
	s.covered = append(s.covered, o.covered...)
}

// covers reports whether an error explains a null at p: its path is p, a
// prefix of p (an ancestor failed), or extends p (the subgraph already
// reported the cause below p).
func (s *errSink) covers(p ast.Path) bool {
	for _, c := range s.covered {
		n := min(len(c), len(p))
		match := true
		for i := 0; i < n; i++ {
			if !pathElemEqual(c[i], p[i]) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func pathElemEqual(a, b ast.PathElement) bool {
	switch x := a.(type) {
	case ast.PathName:
		y, ok := b.(ast.PathName)
		return ok && x == y
	case ast.PathIndex:
		y, ok := b.(ast.PathIndex)
		return ok && x == y
	}
	return false
}

// errRequestDeadline is the cause of the context of a whole execution
// passing its deadline (WithTimeout): a fetch cut by it is reported as the
// gateway's own timeout, not the subgraph's.
var errRequestDeadline = errors.New("the request's time limit passed")

// fetchFailure turns a client error into the client-facing error. Its
// message and extensions.cause name the cause (connection refused,
// timeout, status, malformed body...) and never carry a URL or address:
// the subgraphs' locations are internal (see FailureDetail for logs).
func fetchFailure(service string, err error, path ast.Path) *gqlerror.Error {
	cause := Cause(err)
	code, msg := CodeHTTPError, fmt.Sprintf("HTTP fetch failed from subgraph %q: %s", service, cause)
	var se *StatusError
	switch {
	case errors.Is(err, errRequestDeadline):
		code, msg = CodeTimeout, fmt.Sprintf("the request timed out (the gateway's traffic.request_timeout) while waiting for subgraph %q", service)
	case errors.Is(err, context.DeadlineExceeded):
		code, msg = CodeTimeout, fmt.Sprintf("request to subgraph %q timed out", service)
	case errors.As(err, &se):
		msg = fmt.Sprintf("HTTP fetch failed from subgraph %q: %d %s", service, se.StatusCode, http.StatusText(se.StatusCode))
	case errors.Is(err, ErrCircuitOpen):
		msg = fmt.Sprintf("subgraph %q is not being asked: its circuit breaker is open after too many failures", service)
	case errors.Is(err, ErrResponseTooLarge):
		msg = fmt.Sprintf("HTTP fetch failed from subgraph %q: the response is larger than the limit", service)
	case errors.Is(err, ErrMergedTooLarge):
		code, msg = CodeResponseTooLarge, fmt.Sprintf("the subgraph answers of this request are larger than the limit (limits.max_merged_bytes); the answer of subgraph %q was dropped", service)
	case errors.Is(err, errMalformed):
		code, msg = CodeMalformedResponse, fmt.Sprintf("subgraph %q returned a malformed response", service)
	case errors.Is(err, context.Canceled):
		msg = fmt.Sprintf("request to subgraph %q was canceled", service)
	}
	ext := map[string]any{"code": code, "serviceName": service, "cause": cause}
	if se != nil {
		ext["http"] = map[string]any{"status": se.StatusCode}
	}
	return &gqlerror.Error{Message: msg, Path: path, Extensions: ext, Err: err}
}

// CodeResponseTooLarge: a bound on the size of what one request holds or
// answers was passed.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// Cause names why a subgraph fetch failed, in a few words that carry no
// URL or address: "connection refused", "timeout", "status 503",
// "malformed response: not a JSON object"... It is what the client sees
// in extensions.cause and what the gateway logs.
func Cause(err error) string {
	var (
		se  *StatusError
		dns *net.DNSError
		ne  net.Error
		op  *net.OpError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errRequestDeadline):
		return "request timeout"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &se):
		return fmt.Sprintf("status %d", se.StatusCode)
	case errors.Is(err, ErrResponseTooLarge):
		return "response too large"
	case errors.Is(err, ErrMergedTooLarge):
		return "request's subgraph answers too large"
	case errors.Is(err, errMalformed):
		return "malformed response: " + malformedDetail(err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.As(err, &dns):
		return "host not found"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed before the whole answer"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &op) && op.Op == "dial":
		return "cannot connect"
	case errors.Is(err, ErrSubgraphTransport) && strings.Contains(err.Error(), "unknown subgraph"):
		return "unknown subgraph"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "out of file descriptors"
	}
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.Err.Error(), "unsupported protocol scheme") {
		return "unsupported URL scheme"
	}
	if strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:") {
		return "TLS failure"
	}
	return "transport failure"
}

// malformedDetail is what follows the malformed sentinel in err's text
// (the parser's own words: "not a JSON object", "errors[0] has no
// message"...), cut short.
func malformedDetail(err error) string {
	s := err.Error()
	if i := strings.Index(s, errMalformed.Error()+": "); i >= 0 {
		s = s[i+len(errMalformed.Error())+2:]
	} else {
		return "not a GraphQL response"
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// statusBody reads an error-status answer whose body is a GraphQL response
// (JSON media type, parses, at least one error): its data is used and its
// errors follow one error for the status itself, as Apollo Router and Hive
// Router answer. Any other error-status answer is only the status error.
func statusBody(service string, err error) (*value, []subgraphError, bool) {
	var se *StatusError
	if !errors.As(err, &se) || len(se.Body) == 0 || !jsonMediaType(se.ContentType) {
		return nil, nil, false
	}
	data, errs, perr := parseResponse(se.Body)
	if perr != nil || len(errs) == 0 {
		return nil, nil, false
	}
	fe := fetchFailure(service, err, nil)
	head := subgraphError{Message: fe.Message, Extensions: fe.Extensions}
	return data, append([]subgraphError{head}, errs...), true
}

// subgraphError is one entry of a subgraph's "errors".
type subgraphError struct {
	Message    string              `json:"message"`
	Path       []json.RawMessage   `json:"path"`
	Locations  []gqlerror.Location `json:"locations"`
	Extensions map[string]any      `json:"extensions"`
}

// decodeErrors parses a subgraph's "errors" value.
func decodeErrors(raw []byte) ([]subgraphError, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var out []subgraphError
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%w: errors: %v", errMalformed, err)
	}
	// The spec requires a message: an error without one is not a GraphQL
	// error (checked apart, since Message's zero value is also "").
	var msgs []struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(raw, &msgs); err != nil {
		return nil, fmt.Errorf("%w: errors: %v", errMalformed, err)
	}
	for i, m := range msgs {
		if m.Message == nil {
			return nil, fmt.Errorf("%w: errors[%d] has no message", errMalformed, i)
		}
	}
	return out, nil
}

// toClientError makes a client error from a subgraph error with path.
func toClientError(service string, se *subgraphError, path ast.Path) *gqlerror.Error {
	ext := make(map[string]any, len(se.Extensions)+1)
	for k, v := range se.Extensions {
		ext[k] = v
	}
	ext["serviceName"] = service
	return &gqlerror.Error{Message: se.Message, Path: path, Extensions: ext}
}

// decodePath converts a raw JSON path into ast path elements.
func decodePath(raw []json.RawMessage) ast.Path {
	if len(raw) == 0 {
		return nil
	}
	p := make(ast.Path, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			p = append(p, ast.PathName(s))
			continue
		}
		var n int
		if json.Unmarshal(r, &n) == nil {
			p = append(p, ast.PathIndex(n))
			continue
		}
		return nil
	}
	return p
}

// unalias maps the response keys a fetch renamed (OutputRewrites with
// RenameKeyTo: fields aliased apart in the subgraph operation) back to the
// client's in a subgraph error path. Aliases are unique per fetch.
func unalias(p ast.Path, f *planner.Fetch) ast.Path {
	for _, rw := range f.OutputRewrites {
		if rw.RenameKeyTo == "" || len(rw.Path) == 0 {
			continue
		}
		alias := rw.Path[len(rw.Path)-1]
		for i, el := range p {
			if n, ok := el.(ast.PathName); ok && string(n) == alias {
				p[i] = ast.PathName(rw.RenameKeyTo)
			}
		}
	}
	return p
}

// internalError is a client-facing error for a gateway fault.
func internalError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "INTERNAL_SERVER_ERROR"}}
}
