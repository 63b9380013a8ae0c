package server

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// bounds are the server's limits on what clients make it hold: requests
// executing at once, and the time a client has to take a response.
type bounds struct {
	sem          chan struct{} // nil: no cap
	queueTimeout time.Duration
	writeTimeout time.Duration // 0: none of its own
}

const codeTooManyRequests = "TOO_MANY_REQUESTS"

// WithMaxConcurrent caps the GraphQL requests executing at once at n
// (n <= 0: no cap). A request past it waits up to wait for a slot, then is
// answered 503 with Retry-After and an error naming
// limits.max_concurrent_requests.
func WithMaxConcurrent(n int, wait time.Duration) Option {
	return func(s *Server) {
		if n > 0 {
			s.bounds.sem = make(chan struct{}, n)
			s.bounds.queueTimeout = wait
		}
	}
}

// WithWriteTimeout bounds the writing of each GraphQL response, from the
// moment it is ready (d <= 0: no bound of its own): a client that does
// not read its answer is dropped and the response's memory freed.
func WithWriteTimeout(d time.Duration) Option {
	return func(s *Server) { s.bounds.writeTimeout = d }
}

// acquire takes an execution slot, waiting up to the queue timeout; false
// when none came (the caller answers 503) or the client left.
func (b *bounds) acquire(r *http.Request) bool { return b.acquireCtx(r.Context()) }

// acquireCtx is acquire for a context (an operation on a WebSocket).
func (b *bounds) acquireCtx(ctx context.Context) bool {
	if b.sem == nil {
		return true
	}
	select {
	case b.sem <- struct{}{}:
		return true
	default:
	}
	if b.queueTimeout <= 0 {
		return false
	}
	t := time.NewTimer(b.queueTimeout)
	defer t.Stop()
	select {
	case b.sem <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (b *bounds) release() {
	if b.sem != nil {
		<-b.sem
	}
}

// busy is the answer past the concurrency cap.
func (b *bounds) busy(w http.ResponseWriter) *requestError {
	secs := int(b.queueTimeout / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	return &requestError{status: http.StatusServiceUnavailable, code: codeTooManyRequests,
		message: "too many requests are executing (limits.max_concurrent_requests " + strconv.Itoa(cap(b.sem)) + "); retry later"}
}

// startWrite sets the write deadline of a response about to be written.
func (b *bounds) startWrite(w http.ResponseWriter) {
	if b.writeTimeout > 0 {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(b.writeTimeout))
	}
}
