package server

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

const headerRequestID = "X-Request-Id"

// maxRequestIDLen bounds an incoming request id; a longer one is replaced.
const maxRequestIDLen = 128

// Generated ids come from a pool of random bytes refilled 16 ids at a
// time (still crypto/rand) rather than one read per request; enabled once,
// at start, as the uuid package requires.
func init() { uuid.EnableRandPool() }

type requestIDKey struct{}

// RequestID returns the request id that ServeHTTP put in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// requestID honours a well-formed incoming X-Request-Id (printable ASCII
// without spaces, at most 128 bytes) and generates a UUID otherwise. The
// chosen id is also written back into r.Header so that the handler (which
// sees Request.Header) reads the same id.
func requestID(r *http.Request) string {
	id := r.Header.Get(headerRequestID)
	if !validRequestID(id) {
		id = uuid.NewString()
		r.Header.Set(headerRequestID, id)
	}
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}
