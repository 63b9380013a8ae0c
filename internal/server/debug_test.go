package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestDebugHeadersOff: by default the debugging headers are not honoured:
// the plan is not exposed, a plan-only request is refused (never run
// instead), a trace request runs and says why there is no trace.
func TestDebugHeadersOff(t *testing.T) {
	var got *gateway.Request
	runs := 0
	s := New(HandlerFunc(func(_ context.Context, req *gateway.Request) *gateway.Response {
		got, runs = req, runs+1
		return &gateway.Response{Data: []byte(`{"a":1}`)}
	}), WithLogger(discardLogger()))
	post := func(h map[string]string) (int, map[string]any) {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ a }"}`))
		r.Header.Set("Content-Type", "application/json")
		for k, v := range h {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		b, _ := io.ReadAll(w.Result().Body)
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return w.Code, body
	}
	code, body := post(map[string]string{"Apollo-Expose-Query-Plan": "true", "Junction-Expose-Query-Plan": "true"})
	if code != 200 || got.ExposePlan || body["extensions"] != nil {
		t.Errorf("plan header: status %d, ExposePlan %v, body %v", code, got.ExposePlan, body)
	}
	runs = 0
	code, body = post(map[string]string{"Junction-Query-Plan-Only": "true"})
	errs, _ := body["errors"].([]any)
	if code != 403 || runs != 0 || len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "debug.expose_query_plan") ||
		errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != codeDebugDisabled {
		t.Errorf("plan only: status %d, runs %d, body %v", code, runs, body)
	}
	code, body = post(map[string]string{"Junction-Include-Trace": "true"})
	ext, _ := body["extensions"].(map[string]any)
	if code != 200 || runs != 1 || got.IncludeTrace || ext["junctionDebug"] != debugOffMessage || ext["junctionTrace"] != nil {
		t.Errorf("trace: status %d, runs %d, IncludeTrace %v, body %v", code, runs, got.IncludeTrace, body)
	}
}
