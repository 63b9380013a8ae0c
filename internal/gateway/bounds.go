package gateway

import (
	"context"
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/executor"
)

// Bounds on what one request may make the gateway hold. Both are off
// (0) unless configured; the config sets them by default
// (limits.max_response_bytes, limits.max_merged_bytes).
type bounds struct {
	maxResponse int64
	maxMerged   int64
	onFailure   func(ctx context.Context, service string, err error)
}

// WithMaxResponseBytes caps the response document of one request: a
// larger one is dropped and answered with one RESPONSE_TOO_LARGE error
// naming limits.max_response_bytes. 0: no cap.
func WithMaxResponseBytes(n int64) Option { return func(o *options) { o.bounds.maxResponse = n } }

// WithMaxMergedBytes caps the subgraph answers one request holds, summed
// (see executor.WithMaxMergedBytes). 0: no cap.
func WithMaxMergedBytes(n int64) Option { return func(o *options) { o.bounds.maxMerged = n } }

// WithFetchFailureHook calls f once per failed subgraph fetch, with the
// request's context (for a log line with the request id);
// executor.Cause(err) names the cause.
func WithFetchFailureHook(f func(ctx context.Context, service string, err error)) Option {
	return func(o *options) { o.bounds.onFailure = f }
}

func (b bounds) executorOptions() []executor.Option {
	var out []executor.Option
	if b.maxMerged > 0 {
		out = append(out, executor.WithMaxMergedBytes(b.maxMerged))
	}
	if b.onFailure != nil {
		out = append(out, executor.WithFetchFailureHook(b.onFailure))
	}
	return out
}

// checkResponse returns the error response that replaces resp when resp
// is larger than the response bound (resp's buffer is given back), or nil.
func (b bounds) checkResponse(resp *Response) *Response {
	if b.maxResponse <= 0 {
		return nil
	}
	size := int64(len(resp.Body))
	if resp.Body == nil {
		size = int64(len(resp.Data))
	}
	if size <= b.maxResponse {
		return nil
	}
	resp.Release()
	return &Response{Errors: gqlerror.List{{
		Message:    fmt.Sprintf("the response is larger than the limit of %d bytes (limits.max_response_bytes)", b.maxResponse),
		Extensions: map[string]any{"code": executor.CodeResponseTooLarge, "limit": "limits.max_response_bytes"},
	}}}
}
