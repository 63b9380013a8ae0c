package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestWorkbenchHeaders: the plan-only and trace headers set the request's
// flags (only when "true"), and are among the headers a preflight that
// names none is allowed.
func TestWorkbenchHeaders(t *testing.T) {
	var got *gateway.Request
	s := New(HandlerFunc(func(_ context.Context, req *gateway.Request) *gateway.Response {
		got = req
		return &gateway.Response{Data: []byte(`{}`)}
	}), WithLogger(discardLogger()), WithCORSOrigins("http://example.test"), WithDebugHeaders(true))
	for _, tc := range []struct {
		header          http.Header
		planOnly, trace bool
	}{
		{http.Header{}, false, false},
		{http.Header{"Junction-Query-Plan-Only": {"true"}}, true, false},
		{http.Header{"Junction-Include-Trace": {" TRUE "}}, false, true},
		{http.Header{"Junction-Include-Trace": {"1"}, "Junction-Query-Plan-Only": {"no"}}, false, false},
	} {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ a }"}`))
		r.Header = tc.header
		r.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(httptest.NewRecorder(), r)
		if got == nil || got.PlanOnly != tc.planOnly || got.IncludeTrace != tc.trace {
			t.Errorf("%v: request %+v, want planOnly=%v trace=%v", tc.header, got, tc.planOnly, tc.trace)
		}
	}
	r := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	r.Header.Set("Origin", "http://example.test")
	r.Header.Set("Access-Control-Request-Method", "POST")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	allowed := w.Header().Get("Access-Control-Allow-Headers")
	if !strings.Contains(allowed, "Junction-Include-Trace") || !strings.Contains(allowed, "Junction-Query-Plan-Only") {
		t.Errorf("CORS allowed headers %q", allowed)
	}
}

// TestSubsequentExtensions: a later @defer payload's extensions (the
// gateway's trace on the last one) are written after its data.
func TestSubsequentExtensions(t *testing.T) {
	b, err := encodeSubsequent(&gateway.Subsequent{Extensions: map[string]any{"junctionTrace": map[string]any{"durationUs": 7}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"hasNext":false,"extensions":{"junctionTrace":{"durationUs":7}}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	b, _ = encodeSubsequent(&gateway.Subsequent{HasNext: true})
	if string(b) != `{"hasNext":true}` {
		t.Errorf("without extensions: %s", b)
	}
}
