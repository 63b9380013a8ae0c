package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

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

// fetchFailure turns a client error into the client-facing error.
func fetchFailure(service string, err error, path ast.Path) *gqlerror.Error {
	code, msg := CodeHTTPError, fmt.Sprintf("HTTP fetch failed from subgraph %q", service)
	var se *StatusError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code, msg = CodeTimeout, fmt.Sprintf("request to subgraph %q timed out", service)
	case errors.As(err, &se):
		msg = fmt.Sprintf("HTTP fetch failed from subgraph %q: %d %s", service, se.StatusCode, http.StatusText(se.StatusCode))
	case errors.Is(err, ErrCircuitOpen):
		msg = fmt.Sprintf("subgraph %q is not being asked: its circuit breaker is open after too many failures", service)
	case errors.Is(err, ErrResponseTooLarge):
		msg = fmt.Sprintf("HTTP fetch failed from subgraph %q: the response is larger than the limit", service)
	case errors.Is(err, errMalformed):
		code, msg = CodeMalformedResponse, fmt.Sprintf("subgraph %q returned a malformed response", service)
	case errors.Is(err, context.Canceled):
		msg = fmt.Sprintf("request to subgraph %q was canceled", service)
	}
	ext := map[string]any{"code": code, "serviceName": service}
	if se != nil {
		ext["http"] = map[string]any{"status": se.StatusCode}
	}
	return &gqlerror.Error{Message: msg, Path: path, Extensions: ext, Err: err}
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
