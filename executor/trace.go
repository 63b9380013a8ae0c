package executor

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// FetchTrace records the subgraph fetches of one request (start, end,
// answer size, error) for a caller that asked to see them (the playground's
// trace view). Set Request.Trace to one; a Request without one records
// nothing and pays nothing but a nil check per fetch. Safe for concurrent
// use: parallel fetches record into it at once.
type FetchTrace struct {
	begin time.Time
	mu    sync.Mutex
	spans []FetchSpan
}

// FetchSpan is one subgraph round trip of a traced request.
type FetchSpan struct {
	// Fetch is the plan node that was sent (for its path and operation).
	Fetch   *planner.Fetch
	Service string
	// Start and End are offsets from the trace's beginning.
	Start, End time.Duration
	// Bytes is the size of the answer's body (0 when there was none).
	Bytes int
	// Err is the transport or status failure, if any.
	Err error
	// Errors are the messages of the GraphQL errors in the answer (at most
	// maxTracedErrors of them).
	Errors []string
}

// maxTracedErrors bounds the error messages kept per traced fetch.
const maxTracedErrors = 5

// NewFetchTrace starts a trace; offsets are measured from now.
func NewFetchTrace() *FetchTrace { return &FetchTrace{begin: time.Now()} }

// Begin is when the trace started.
func (t *FetchTrace) Begin() time.Time { return t.begin }

// Spans returns a copy of the fetches recorded so far, ordered by start
// (then service, then end), so that the order never depends on scheduling
// of fetches that started at the same instant.
func (t *FetchTrace) Spans() []FetchSpan {
	t.mu.Lock()
	out := slices.Clone(t.spans)
	t.mu.Unlock()
	slices.SortStableFunc(out, func(a, b FetchSpan) int {
		if a.Start != b.Start {
			return cmpDuration(a.Start, b.Start)
		}
		if a.Service != b.Service {
			if a.Service < b.Service {
				return -1
			}
			return 1
		}
		return cmpDuration(a.End, b.End)
	})
	return out
}

func cmpDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// record adds the fetch f that started at start and got ans.
func (t *FetchTrace) record(f *planner.Fetch, start time.Time, ans *answer) {
	end := time.Now()
	s := FetchSpan{Fetch: f, Service: f.Service, Start: start.Sub(t.begin), End: end.Sub(t.begin), Bytes: len(ans.body), Err: ans.err}
	body := ans.body
	var se *StatusError
	if errors.As(ans.err, &se) {
		s.Bytes, body = len(se.Body), se.Body
	}
	s.Errors = graphQLErrorMessages(body)
	t.mu.Lock()
	t.spans = append(t.spans, s)
	t.mu.Unlock()
}

// graphQLErrorMessages returns the messages of body's top-level errors
// (only traced requests pay for this second decoding).
func graphQLErrorMessages(body []byte) []string {
	if len(body) == 0 || !bytes.Contains(body, []byte(`"errors"`)) {
		return nil // (the usual answer: no second decoding)
	}
	var doc struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(doc.Errors), maxTracedErrors))
	for _, e := range doc.Errors[:min(len(doc.Errors), maxTracedErrors)] {
		out = append(out, e.Message)
	}
	return out
}

// now is the start of a fetch being traced.
func (t *FetchTrace) now() time.Time { return time.Now() }

// Failure is the client-facing form of s.Err (the message and code the
// response's errors use, no URL or transport detail), or nil.
func (s *FetchSpan) Failure() *gqlerror.Error {
	if s.Err == nil {
		return nil
	}
	return fetchFailure(s.Service, s.Err, nil)
}
