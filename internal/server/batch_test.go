package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

func postBatch(t *testing.T, url, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestBatching(t *testing.T) {
	on := httptest.NewServer(New(&fakeHandler{}, WithBatching(true, 3), WithLogger(discardLogger())))
	defer on.Close()
	off := httptest.NewServer(New(&fakeHandler{}, WithLogger(discardLogger())))
	defer off.Close()
	for _, tc := range []struct {
		name       string
		url        string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"off refuses a batch", off.URL, `[{"query":"{ ok }"}]`, 422,
			badBody("batched requests are not supported (batching.enabled is off)")},
		{"answers in order", on.URL,
			`[{"query":"{ ok }"},{"query":"{ echo }","operationName":"E","variables":{"n":1}},{"query":"mutation { m }"}]`, 200,
			`[{"data":{"ok":true}},{"data":{"echo":{"ext":null,"op":"E","vars":{"n":1}}}},{"data":{"m":1}}]`},
		{"one operation", on.URL, ` [ {"query":"{ ok }"} ] `, 200, `[{"data":{"ok":true}}]`},
		{"errors stay in their slot", on.URL,
			`[{"query":"{ invalid"},{"query":"{ ok }"},{"query":"{ partial }"}]`, 200,
			`[{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":10}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]},` +
				`{"data":{"ok":true}},` +
				`{"data":{"partial":null},"errors":[{"message":"boom","path":["partial"],"extensions":{"code":"SUBGRAPH_ERROR","serviceName":"a"}}]}]`},
		{"a malformed item is an error in its slot", on.URL, `[{"query":"{ ok }"},3,{"variables":{}}]`, 200,
			`[{"data":{"ok":true}},` + badBody("each operation of a batch must be a JSON object") + `,` + badBody("the query parameter is missing") + `]`},
		{"a panicking item does not fail the others", on.URL, `[{"query":"{ panic }"},{"query":"{ ok }"}]`, 200,
			`[` + errBody("internal server error", "INTERNAL_SERVER_ERROR") + `,{"data":{"ok":true}}]`},
		{"over max_size", on.URL, `[{"query":"{ ok }"},{"query":"{ ok }"},{"query":"{ ok }"},{"query":"{ ok }"}]`, 422,
			errBody("the batch has 4 operations, more than batching.max_size (3)", "BATCH_LIMIT_EXCEEDED")},
		{"empty batch", on.URL, `[]`, 422, badBody("the batch is empty: send at least one operation")},
		{"malformed batch", on.URL, `[{"query":"{ ok }"},`, 422, badBody("the request body is not valid JSON: unexpected EOF")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postBatch(t, tc.url, tc.body, nil)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if body != tc.wantBody {
				t.Errorf("body\n got %s\nwant %s", body, tc.wantBody)
			}
			if ct := resp.Header.Get("Content-Type"); ct != ctGR {
				t.Errorf("content type %q", ct)
			}
			if tc.wantStatus == 200 {
				var arr []json.RawMessage
				if err := json.Unmarshal([]byte(body), &arr); err != nil {
					t.Errorf("not a JSON array: %v", err)
				}
			}
		})
	}
}

// statusHandler answers every operation with the same status (as an
// authentication interceptor does), or a header per operation.
type statusHandler struct{ status int }

func (h statusHandler) Serve(_ context.Context, req *gateway.Request) *gateway.Response {
	if h.status != 0 {
		return &gateway.Response{Status: h.status,
			Errors: gqlerror.List{{Message: "no", Extensions: map[string]any{"code": "UNAUTHENTICATED"}}}}
	}
	return (&gateway.Response{Data: json.RawMessage(`{}`)}).WithHeader("X-Op", req.OperationName)
}

func TestBatchStatusAndHeaders(t *testing.T) {
	deny := httptest.NewServer(New(statusHandler{status: 401}, WithBatching(true, 0), WithLogger(discardLogger())))
	defer deny.Close()
	resp, body := postBatch(t, deny.URL, `[{"query":"{ a }"},{"query":"{ b }"}]`, nil)
	if resp.StatusCode != 401 || strings.Count(body, "UNAUTHENTICATED") != 2 {
		t.Errorf("all refused alike: status %d %s", resp.StatusCode, body)
	}
	hdr := httptest.NewServer(New(statusHandler{}, WithBatching(true, 0), WithLogger(discardLogger())))
	defer hdr.Close()
	resp, body = postBatch(t, hdr.URL, `[{"query":"{ a }","operationName":"A"},{"query":"{ b }","operationName":"B"}]`, nil)
	if resp.StatusCode != 200 || body != `[{"data":{}},{"data":{}}]` {
		t.Errorf("status %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Op"); got != "B" {
		t.Errorf("X-Op %q: want the last operation's", got)
	}
	// max_size 0 with batching on takes the default.
	items := strings.Repeat(`{"query":"{ a }"},`, DefaultBatchMaxSize)
	if resp, _ := postBatch(t, hdr.URL, "["+items+`{"query":"{ a }"}]`, nil); resp.StatusCode != 422 {
		t.Errorf("default bound: status %d", resp.StatusCode)
	}
	if resp, _ := postBatch(t, hdr.URL, "["+strings.TrimSuffix(items, ",")+"]", nil); resp.StatusCode != 200 {
		t.Errorf("default bound: status %d", resp.StatusCode)
	}
}

// barrierHandler holds each operation until n have arrived: it finishes
// only if the operations of a batch run concurrently.
type barrierHandler struct {
	mu      sync.Mutex
	arrived int
	all     chan struct{}
	n       int
}

func (h *barrierHandler) Serve(ctx context.Context, _ *gateway.Request) *gateway.Response {
	h.mu.Lock()
	h.arrived++
	if h.arrived == h.n {
		close(h.all)
	}
	h.mu.Unlock()
	select {
	case <-h.all:
		return &gateway.Response{Data: json.RawMessage(`{"ok":true}`)}
	case <-time.After(5 * time.Second):
		return &gateway.Response{Data: json.RawMessage(`{"ok":false}`)}
	}
}

func TestBatchRunsConcurrently(t *testing.T) {
	h := &barrierHandler{n: 3, all: make(chan struct{})}
	srv := httptest.NewServer(New(h, WithBatching(true, 5), WithLogger(discardLogger())))
	defer srv.Close()
	start := time.Now()
	_, body := postBatch(t, srv.URL, `[{"query":"{ a }"},{"query":"{ b }"},{"query":"{ c }"}]`, nil)
	if body != `[{"data":{"ok":true}},{"data":{"ok":true}},{"data":{"ok":true}}]` {
		t.Errorf("body %s (%v)", body, time.Since(start))
	}
}
