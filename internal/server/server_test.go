package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// fakeHandler answers by query text and records the last request it saw.
type fakeHandler struct {
	mu   sync.Mutex
	last *gateway.Request
}

func (f *fakeHandler) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	f.mu.Lock()
	f.last = req
	f.mu.Unlock()
	q := strings.TrimSpace(req.Query)
	switch {
	case strings.HasPrefix(q, "mutation"):
		if req.AllowedKinds != nil && !slices.Contains(req.AllowedKinds, ast.Mutation) {
			return &gateway.Response{
				Errors: gqlerror.List{{Message: "mutations are not allowed over GET",
					Extensions: map[string]any{"code": "METHOD_NOT_ALLOWED"}}},
				Status: http.StatusMethodNotAllowed,
			}
		}
		return &gateway.Response{Data: json.RawMessage(`{"m":1}`)}
	case q == "{ invalid":
		return &gateway.Response{Errors: gqlerror.List{{
			Message:    "Expected Name, found <EOF>",
			Locations:  []gqlerror.Location{{Line: 1, Column: 10}},
			Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"},
		}}}
	case q == "{ partial }":
		return &gateway.Response{
			Data: json.RawMessage(`{"partial":null}`),
			Errors: gqlerror.List{{Message: "boom", Path: ast.Path{ast.PathName("partial")},
				Extensions: map[string]any{"code": "SUBGRAPH_ERROR", "serviceName": "a"}}},
		}
	case q == "{ plan }":
		ext := map[string]any{"z": 1, "a": 2}
		if req.ExposePlan {
			ext["queryPlan"] = "QueryPlan {}"
		}
		return &gateway.Response{Data: json.RawMessage(`{"plan":true}`), Extensions: ext}
	case q == "{ panic }":
		panic("handler bug")
	case q == "{ nil }":
		return nil
	case q == "{ echo }" || q == "":
		b, err := json.Marshal(map[string]any{
			"op": req.OperationName, "vars": req.Variables, "ext": req.Extensions,
		})
		if err != nil {
			return &gateway.Response{Errors: gqlerror.List{gqlerror.Wrap(err)}}
		}
		return &gateway.Response{Data: json.RawMessage(`{"echo":` + string(b) + `}`)}
	default:
		return &gateway.Response{Data: json.RawMessage(`{"ok":true}`)}
	}
}

func (f *fakeHandler) lastRequest() *gateway.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

const (
	ctGR   = "application/graphql-response+json; charset=utf-8"
	ctJSON = "application/json; charset=utf-8"
)

func getURL(params map[string]string) string {
	v := url.Values{}
	for k, p := range params {
		v.Set(k, p)
	}
	return "/graphql?" + v.Encode()
}

func TestGraphQLOverHTTP(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		ctype      string // Content-Type; "-" for none
		accept     string
		body       string
		header     map[string]string
		wantStatus int
		wantCT     string
		wantBody   string
		wantAllow  string
		// legacyStatus is the status with WithLegacyStatusCodes (0: the same).
		legacyStatus int
		legacyBody   string
	}{
		{name: "post ok default media type", method: "POST", body: `{"query":"{ ok }"}`,
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},
		{name: "post ok accept json", method: "POST", accept: "application/json", body: `{"query":"{ ok }"}`,
			wantStatus: 200, wantCT: ctJSON, wantBody: `{"data":{"ok":true}}`},
		{name: "accept */* is graphql-response+json", method: "POST", accept: "*/*", body: `{"query":"{ ok }"}`,
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},
		{name: "accept prefers json by q", method: "POST", accept: "application/graphql-response+json;q=0.5, application/json",
			body: `{"query":"{ ok }"}`, wantStatus: 200, wantCT: ctJSON, wantBody: `{"data":{"ok":true}}`},
		{name: "accept both equal picks graphql-response", method: "POST", accept: "application/json, application/graphql-response+json",
			body: `{"query":"{ ok }"}`, wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},
		{name: "accept application/* picks graphql-response", method: "POST", accept: "application/*",
			body: `{"query":"{ ok }"}`, wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},
		{name: "accept unsupported is 406 (legacy: falls back to default)", method: "POST", accept: "text/plain",
			body: `{"query":"{ ok }"}`, wantStatus: 406, legacyStatus: 200, wantCT: ctGR,
			wantBody:   errBody("the Accept header names no media type this server can answer: accept application/graphql-response+json or application/json", "NOT_ACCEPTABLE"),
			legacyBody: `{"data":{"ok":true}}`},
		{name: "content type with utf-8 charset", method: "POST", ctype: "application/json; charset=UTF-8",
			body: `{"query":"{ ok }"}`, wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},

		{name: "no data is 422 (legacy 400) under graphql-response+json", method: "POST", body: `{"query":"{ invalid"}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR,
			wantBody: `{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":10}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{name: "no data is 422 (legacy 200) under json", method: "POST", accept: "application/json", body: `{"query":"{ invalid"}`,
			wantStatus: 422, legacyStatus: 200, wantCT: ctJSON,
			wantBody: `{"errors":[{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":10}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{name: "partial data is 294 (legacy 200)", method: "POST", body: `{"query":"{ partial }"}`,
			wantStatus: 294, legacyStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"partial":null},"errors":[{"message":"boom","path":["partial"],"extensions":{"code":"SUBGRAPH_ERROR","serviceName":"a"}}]}`},
		{name: "extensions sorted", method: "POST", body: `{"query":"{ plan }"}`,
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"plan":true},"extensions":{"a":2,"z":1}}`},
		{name: "apollo plan header", method: "POST", body: `{"query":"{ plan }"}`,
			header: map[string]string{"Apollo-Expose-Query-Plan": "true"}, wantStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"plan":true},"extensions":{"a":2,"queryPlan":"QueryPlan {}","z":1}}`},
		{name: "junction plan header", method: "POST", body: `{"query":"{ plan }"}`,
			header: map[string]string{"Junction-Expose-Query-Plan": "TRUE"}, wantStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"plan":true},"extensions":{"a":2,"queryPlan":"QueryPlan {}","z":1}}`},
		{name: "plan header false", method: "POST", body: `{"query":"{ plan }"}`,
			header: map[string]string{"Apollo-Expose-Query-Plan": "false"}, wantStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"plan":true},"extensions":{"a":2,"z":1}}`},
		{name: "post params decoded, numbers kept exact", method: "POST",
			body:       `{"query":"{ echo }","operationName":"Op","variables":{"big":9007199254740993,"s":"x"},"extensions":{"e":[1,2]}}`,
			wantStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"echo":{"ext":{"e":[1,2]},"op":"Op","vars":{"big":9007199254740993,"s":"x"}}}}`},
		{name: "post null optional params", method: "POST",
			body:       `{"query":"{ echo }","operationName":null,"variables":null,"extensions":null}`,
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"echo":{"ext":null,"op":"","vars":null}}}`},
		{name: "apq without query goes to handler", method: "POST",
			body:       `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
			wantStatus: 200, wantCT: ctGR,
			wantBody: `{"data":{"echo":{"ext":{"persistedQuery":{"sha256Hash":"abc","version":1}},"op":"","vars":null}}}`},
		{name: "mutation over post", method: "POST", body: `{"query":"mutation { m }"}`,
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"m":1}}`},

		{name: "malformed json", method: "POST", body: `{"query":`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the request body is not valid JSON: unexpected EOF")},
		{name: "malformed json under json media type is 400 too", method: "POST", accept: "application/json", body: `{"query" "x"}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctJSON, wantBody: badBody("the request body is not valid JSON: invalid character '\\\"' after object key")},
		{name: "trailing data", method: "POST", body: `{"query":"{ ok }"} {}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the request body is not valid JSON: unexpected data after the JSON value")},
		{name: "empty body", method: "POST", body: ``,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the request body is empty")},
		{name: "body not an object", method: "POST", body: `"{ ok }"`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the request body must be a JSON object")},
		{name: "batch refused", method: "POST", body: `[{"query":"{ ok }"}]`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("batched requests are not supported (batching.enabled is off)")},
		{name: "missing query", method: "POST", body: `{"variables":{}}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the query parameter is missing")},
		{name: "null query", method: "POST", body: `{"query":null}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the query parameter is missing")},
		{name: "blank query", method: "POST", body: `{"query":"  "}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the query parameter is empty")},
		{name: "query not a string", method: "POST", body: `{"query":{"a":1}}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the query parameter must be a string")},
		{name: "operationName not a string", method: "POST", body: `{"query":"{ ok }","operationName":3}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the operationName parameter must be a string")},
		{name: "variables not an object", method: "POST", body: `{"query":"{ ok }","variables":"{}"}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the variables parameter must be a JSON object")},
		{name: "variables an array", method: "POST", body: `{"query":"{ ok }","variables":[1]}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the variables parameter must be a JSON object")},
		{name: "extensions not an object", method: "POST", body: `{"query":"{ ok }","extensions":true}`,
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the extensions parameter must be a JSON object")},
		{name: "missing content type", method: "POST", ctype: "-", body: `{"query":"{ ok }"}`,
			wantStatus: 415, wantCT: ctGR,
			wantBody: errBody("missing Content-Type: send application/json", "UNSUPPORTED_MEDIA_TYPE")},
		{name: "text/plain content type", method: "POST", ctype: "text/plain", body: `{"query":"{ ok }"}`,
			wantStatus: 415, wantCT: ctGR,
			wantBody: errBody(`unsupported Content-Type \"text/plain\": send application/json`, "UNSUPPORTED_MEDIA_TYPE")},
		{name: "form content type", method: "POST", ctype: "application/x-www-form-urlencoded", body: `query=x`,
			wantStatus: 415, wantCT: ctGR,
			wantBody: errBody(`unsupported Content-Type \"application/x-www-form-urlencoded\": send application/json`, "UNSUPPORTED_MEDIA_TYPE")},
		{name: "latin1 charset", method: "POST", ctype: "application/json; charset=latin1", body: `{"query":"{ ok }"}`,
			wantStatus: 415, wantCT: ctGR,
			wantBody: errBody(`unsupported charset \"latin1\": send utf-8`, "UNSUPPORTED_MEDIA_TYPE")},
		{name: "body over limit", method: "POST", body: `{"query":"{ ok }","variables":{"pad":"` + strings.Repeat("x", 2000) + `"}}`,
			wantStatus: 413, wantCT: ctGR, wantBody: errBody("request body is larger than the limit", "PAYLOAD_TOO_LARGE")},

		{name: "get query", method: "GET", target: getURL(map[string]string{"query": "{ ok }"}),
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"ok":true}}`},
		{name: "get params decoded", method: "GET",
			target:     getURL(map[string]string{"query": "{ echo }", "operationName": "Op", "variables": `{"n":1.5}`, "extensions": `{"x":"y"}`}),
			wantStatus: 200, wantCT: ctGR, wantBody: `{"data":{"echo":{"ext":{"x":"y"},"op":"Op","vars":{"n":1.5}}}}`},
		{name: "get variables not json", method: "GET", target: getURL(map[string]string{"query": "{ ok }", "variables": `{n:1}`}),
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the variables parameter must be a JSON object")},
		{name: "get without query", method: "GET", target: "/graphql",
			wantStatus: 422, legacyStatus: 400, wantCT: ctGR, wantBody: badBody("the query parameter is missing")},
		{name: "get mutation is 405 with Allow POST", method: "GET", target: getURL(map[string]string{"query": "mutation { m }"}),
			wantStatus: 405, wantCT: ctGR, wantAllow: "POST",
			wantBody: errBody("mutations are not allowed over GET", "METHOD_NOT_ALLOWED")},
		{name: "get mutation is 405 under json too", method: "GET", accept: "application/json",
			target: getURL(map[string]string{"query": "mutation { m }"}), wantStatus: 405, wantCT: ctJSON, wantAllow: "POST",
			wantBody: errBody("mutations are not allowed over GET", "METHOD_NOT_ALLOWED")},
		{name: "put is 405", method: "PUT", body: `{"query":"{ ok }"}`,
			wantStatus: 405, wantCT: ctGR, wantAllow: "GET, POST, OPTIONS",
			wantBody: errBody("method PUT is not allowed: use GET or POST", "METHOD_NOT_ALLOWED")},
		{name: "delete is 405", method: "DELETE",
			wantStatus: 405, wantCT: ctGR, wantAllow: "GET, POST, OPTIONS",
			wantBody: errBody("method DELETE is not allowed: use GET or POST", "METHOD_NOT_ALLOWED")},
		{name: "handler panic is 500", method: "POST", body: `{"query":"{ panic }"}`,
			wantStatus: 500, wantCT: ctGR, wantBody: errBody("internal server error", "INTERNAL_SERVER_ERROR")},
		{name: "handler panic is 500 under json", method: "POST", accept: "application/json", body: `{"query":"{ panic }"}`,
			wantStatus: 500, wantCT: ctJSON, wantBody: errBody("internal server error", "INTERNAL_SERVER_ERROR")},
		{name: "nil response is 500", method: "POST", body: `{"query":"{ nil }"}`,
			wantStatus: 500, wantCT: ctGR, wantBody: errBody("internal server error", "INTERNAL_SERVER_ERROR")},
	}
	for _, legacy := range []bool{false, true} {
		srv := New(&fakeHandler{}, WithMaxBodyBytes(1024), WithLogger(discardLogger()), WithLegacyStatusCodes(legacy), WithDebugHeaders(true))
		for _, tc := range tests {
			name := tc.name
			if legacy {
				name = "legacy/" + name
				if tc.legacyStatus != 0 {
					tc.wantStatus = tc.legacyStatus
				}
				if tc.legacyBody != "" {
					tc.wantBody = tc.legacyBody
				}
			}
			t.Run(name, func(t *testing.T) {
				target := tc.target
				if target == "" {
					target = "/graphql"
				}
				var body io.Reader
				if tc.body != "" {
					body = strings.NewReader(tc.body)
				}
				r := httptest.NewRequest(tc.method, target, body)
				switch tc.ctype {
				case "":
					if tc.method == "POST" {
						r.Header.Set("Content-Type", "application/json")
					}
				case "-":
				default:
					r.Header.Set("Content-Type", tc.ctype)
				}
				if tc.accept != "" {
					r.Header.Set("Accept", tc.accept)
				}
				for k, v := range tc.header {
					r.Header.Set(k, v)
				}
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if w.Code != tc.wantStatus {
					t.Errorf("status = %d, want %d", w.Code, tc.wantStatus)
				}
				if got := w.Header().Get("Content-Type"); got != tc.wantCT {
					t.Errorf("Content-Type = %q, want %q", got, tc.wantCT)
				}
				if got := w.Body.String(); got != tc.wantBody {
					t.Errorf("body =\n%s\nwant\n%s", got, tc.wantBody)
				}
				if got := w.Header().Get("Allow"); got != tc.wantAllow {
					t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
				}
				if !json.Valid(w.Body.Bytes()) {
					t.Errorf("body is not valid JSON")
				}
			})
		}
	}
}

func errBody(msg, code string) string {
	return `{"errors":[{"message":"` + msg + `","extensions":{"code":"` + code + `"}}]}`
}

func badBody(msg string) string { return errBody(msg, "BAD_REQUEST") }

func TestRequestFields(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		target      string
		body        string
		header      map[string]string
		wantKinds   []ast.Operation
		wantPlan    bool
		wantQuery   string
		wantHeaderK string
		wantHeaderV string
	}{
		{name: "post allows all kinds", method: "POST", body: `{"query":"{ ok }"}`, wantQuery: "{ ok }"},
		{name: "get allows only queries", method: "GET", target: getURL(map[string]string{"query": "{ ok }"}),
			wantKinds: []ast.Operation{ast.Query}, wantQuery: "{ ok }"},
		{name: "plan header sets ExposePlan", method: "POST", body: `{"query":"{ ok }"}`,
			header: map[string]string{"Apollo-Expose-Query-Plan": "true"}, wantPlan: true, wantQuery: "{ ok }"},
		{name: "client headers passed through", method: "POST", body: `{"query":"{ ok }"}`,
			header: map[string]string{"Authorization": "Bearer t"}, wantQuery: "{ ok }",
			wantHeaderK: "Authorization", wantHeaderV: "Bearer t"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &fakeHandler{}
			srv := New(h, WithLogger(discardLogger()), WithDebugHeaders(true))
			target := tc.target
			if target == "" {
				target = "/graphql"
			}
			r := httptest.NewRequest(tc.method, target, strings.NewReader(tc.body))
			r.Header.Set("Content-Type", "application/json")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			req := h.lastRequest()
			if req == nil {
				t.Fatal("handler not called")
			}
			if req.Query != tc.wantQuery {
				t.Errorf("Query = %q, want %q", req.Query, tc.wantQuery)
			}
			if !slices.Equal(req.AllowedKinds, tc.wantKinds) {
				t.Errorf("AllowedKinds = %v, want %v", req.AllowedKinds, tc.wantKinds)
			}
			if req.ExposePlan != tc.wantPlan {
				t.Errorf("ExposePlan = %v, want %v", req.ExposePlan, tc.wantPlan)
			}
			if tc.wantHeaderK != "" && req.Header.Get(tc.wantHeaderK) != tc.wantHeaderV {
				t.Errorf("Header[%s] = %q, want %q", tc.wantHeaderK, req.Header.Get(tc.wantHeaderK), tc.wantHeaderV)
			}
			if req.Header.Get("X-Request-Id") != w.Header().Get("X-Request-Id") {
				t.Errorf("handler saw request id %q, response has %q", req.Header.Get("X-Request-Id"), w.Header().Get("X-Request-Id"))
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{name: "honoured", incoming: "abc-123", keep: true},
		{name: "generated when absent", incoming: ""},
		{name: "replaced when it has spaces", incoming: "a b"},
		{name: "replaced when too long", incoming: strings.Repeat("x", 129)},
		{name: "max length kept", incoming: strings.Repeat("x", 128), keep: true},
	}
	var seen []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ctxID string
			srv := New(HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
				ctxID = RequestID(ctx)
				return &gateway.Response{Data: json.RawMessage(`{}`)}
			}))
			r := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ a }"}`))
			r.Header.Set("Content-Type", "application/json")
			if tc.incoming != "" {
				r.Header.Set("X-Request-Id", tc.incoming)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			got := w.Header().Get("X-Request-Id")
			if tc.keep && got != tc.incoming {
				t.Errorf("X-Request-Id = %q, want %q", got, tc.incoming)
			}
			if !tc.keep && (got == tc.incoming || len(got) != 36) {
				t.Errorf("X-Request-Id = %q, want a generated UUID", got)
			}
			if ctxID != got {
				t.Errorf("RequestID(ctx) = %q, want %q", ctxID, got)
			}
			if !tc.keep {
				if slices.Contains(seen, got) {
					t.Errorf("generated id %q repeated", got)
				}
				seen = append(seen, got)
			}
		})
	}
}

func TestHealthAndReady(t *testing.T) {
	var notReady error
	srv := New(&fakeHandler{}, WithLogger(discardLogger()), WithReadiness(func() error { return notReady }))
	tests := []struct {
		name       string
		method     string
		path       string
		down       bool
		wantStatus int
		wantBody   string
	}{
		{name: "health", method: "GET", path: "/health", wantStatus: 200, wantBody: `{"status":"UP"}`},
		{name: "health while not ready", method: "GET", path: "/health", down: true, wantStatus: 200, wantBody: `{"status":"UP"}`},
		{name: "ready", method: "GET", path: "/ready", wantStatus: 200, wantBody: `{"status":"UP"}`},
		{name: "not ready", method: "GET", path: "/ready", down: true, wantStatus: 503, wantBody: `{"status":"DOWN"}`},
		{name: "health post is 405", method: "POST", path: "/health", wantStatus: 405, wantBody: "method not allowed\n"},
		{name: "unknown path", method: "GET", path: "/nope", wantStatus: 404, wantBody: "404 page not found\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			notReady = nil
			if tc.down {
				notReady = errors.New("no supergraph yet")
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			if w.Code != tc.wantStatus || w.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body.String(), tc.wantStatus, tc.wantBody)
			}
		})
	}
	// Without a readiness check the server is ready.
	w := httptest.NewRecorder()
	New(&fakeHandler{}).ServeHTTP(w, httptest.NewRequest("GET", "/ready", nil))
	if w.Code != 200 {
		t.Errorf("ready without check: %d", w.Code)
	}
}

func TestCORS(t *testing.T) {
	exact := CORS{AllowOrigins: []string{"https://a.example"}}
	tests := []struct {
		name        string
		policy      *CORS // nil: the default
		method      string
		header      map[string]string
		wantStatus  int
		wantOrigin  string
		wantMethods string
		wantHeaders string
		wantCreds   string
		wantVary    string
	}{
		{name: "default allows no foreign origin (preflight)", method: "OPTIONS",
			header:     map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 204, wantVary: "Origin"},
		{name: "default allows no foreign origin (simple request)", method: "POST",
			header: map[string]string{"Origin": "https://a.example"}, wantStatus: 200, wantVary: "Origin"},
		{name: "star allows any", policy: &CORS{AllowOrigins: []string{"*"}}, method: "OPTIONS",
			header:     map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"},
			wantStatus: 204, wantOrigin: "*", wantMethods: "GET, POST, OPTIONS", wantHeaders: "content-type, authorization", wantVary: "Access-Control-Request-Headers"},
		{name: "listed origin, default headers", policy: &exact, method: "OPTIONS",
			header:     map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 204, wantOrigin: "https://a.example", wantMethods: "GET, POST, OPTIONS", wantHeaders: defaultCORSHeaders, wantVary: "Origin"},
		{name: "unlisted origin", policy: &exact, method: "OPTIONS",
			header:     map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 204, wantVary: "Origin"},
		{name: "wildcard host", policy: &CORS{AllowOrigins: []string{"https://*.example.com"}}, method: "POST",
			header: map[string]string{"Origin": "https://app.example.com"}, wantStatus: 200, wantOrigin: "https://app.example.com", wantVary: "Origin"},
		{name: "wildcard does not cross the scheme", policy: &CORS{AllowOrigins: []string{"https://*.example.com"}}, method: "POST",
			header: map[string]string{"Origin": "http://app.example.com"}, wantStatus: 200, wantVary: "Origin"},
		{name: "wildcard does not match the bare domain's lookalike", policy: &CORS{AllowOrigins: []string{"https://*.example.com"}}, method: "POST",
			header: map[string]string{"Origin": "https://evil-example.com"}, wantStatus: 200, wantVary: "Origin"},
		{name: "pattern", policy: &CORS{MatchOrigins: []*regexp.Regexp{regexp.MustCompile(`^https://pr-[0-9]+\.preview\.example$`)}}, method: "POST",
			header: map[string]string{"Origin": "https://pr-42.preview.example"}, wantStatus: 200, wantOrigin: "https://pr-42.preview.example", wantVary: "Origin"},
		{name: "credentials and fixed headers", policy: &CORS{AllowOrigins: []string{"https://a.example"}, AllowCredentials: true, AllowHeaders: []string{"Content-Type", "Authorization"}, MaxAge: time.Hour},
			method: "OPTIONS", header: map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-other"},
			wantStatus: 204, wantOrigin: "https://a.example", wantMethods: "GET, POST, OPTIONS", wantHeaders: "Content-Type, Authorization", wantCreds: "true", wantVary: "Origin"},
		{name: "no origin no cors headers", policy: &exact, method: "POST", wantStatus: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(&fakeHandler{})
			if tc.policy != nil {
				srv = New(&fakeHandler{}, WithCORS(*tc.policy))
			}
			r := httptest.NewRequest(tc.method, "/graphql", strings.NewReader(`{"query":"{ ok }"}`))
			r.Header.Set("Content-Type", "application/json")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			h := w.Header()
			if w.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tc.wantStatus)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tc.wantOrigin {
				t.Errorf("Allow-Origin = %q, want %q", got, tc.wantOrigin)
			}
			if got := h.Get("Access-Control-Allow-Methods"); got != tc.wantMethods {
				t.Errorf("Allow-Methods = %q, want %q", got, tc.wantMethods)
			}
			if got := h.Get("Access-Control-Allow-Headers"); got != tc.wantHeaders {
				t.Errorf("Allow-Headers = %q, want %q", got, tc.wantHeaders)
			}
			if got := h.Get("Access-Control-Allow-Credentials"); got != tc.wantCreds {
				t.Errorf("Allow-Credentials = %q, want %q", got, tc.wantCreds)
			}
			if got := strings.Join(h.Values("Vary"), ", "); got != tc.wantVary {
				t.Errorf("Vary = %q, want %q", got, tc.wantVary)
			}
			if tc.wantOrigin != "" && h.Get("Access-Control-Expose-Headers") != "X-Request-Id" {
				t.Errorf("Expose-Headers = %q", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func TestCORSValidate(t *testing.T) {
	for _, tc := range []struct {
		c    CORS
		want string
	}{
		{CORS{AllowOrigins: []string{"*"}, AllowCredentials: true}, "cannot be combined with allow_credentials"},
		{CORS{AllowOrigins: []string{"example.com"}}, "want scheme://host"},
		{CORS{AllowOrigins: []string{"https://[.example.com"}}, "syntax error in pattern"},
		{CORS{AllowOrigins: []string{"https://*.example.com", "*"}}, ""},
	} {
		err := tc.c.Validate()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}

// TestCSRF sends the requests a browser would: simple ones (no preflight)
// are refused while prevention is on, unless they carry a preflight-forcing
// header; JSON POSTs (preflighted) always pass; with prevention off (the
// default) a plain GET without a content type works, as urql and
// graphql-request send it.
func TestCSRF(t *testing.T) {
	on := New(&fakeHandler{}, WithCSRFPrevention(true), WithLogger(discardLogger()))
	custom := New(&fakeHandler{}, WithCSRFPrevention(true, "x-my-client"), WithLogger(discardLogger()))
	off := New(&fakeHandler{}, WithLogger(discardLogger()))
	get := "/graphql?query=%7B%20ok%20%7D"
	for _, tc := range []struct {
		name   string
		srv    *Server
		method string
		target string
		ctype  string
		header map[string]string
		want   int
	}{
		{"simple GET refused", on, "GET", get, "", nil, 400},
		{"simple POST text/plain refused", on, "POST", "/graphql", "text/plain", nil, 400},
		{"simple POST form refused", on, "POST", "/graphql", "application/x-www-form-urlencoded; charset=utf-8", nil, 400},
		{"simple POST multipart refused", on, "POST", "/graphql", "Multipart/Form-Data; boundary=x", nil, 400},
		{"JSON POST passes", on, "POST", "/graphql", "application/json", nil, 200},
		{"GET with apollo-require-preflight passes", on, "GET", get, "", map[string]string{"Apollo-Require-Preflight": "true"}, 200},
		{"GET with x-apollo-operation-name passes", on, "GET", get, "", map[string]string{"X-Apollo-Operation-Name": "Q"}, 200},
		{"GET with a JSON content type passes", on, "GET", get, "application/json", nil, 200},
		{"custom header list", custom, "GET", get, "", map[string]string{"X-My-Client": "1"}, 200},
		{"custom header list replaces the defaults", custom, "GET", get, "", map[string]string{"Apollo-Require-Preflight": "true"}, 400},
		{"preflight itself is not blocked", on, "OPTIONS", "/graphql", "", map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}, 204},
		{"off: plain GET works", off, "GET", get, "", nil, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := io.Reader(nil)
			if tc.method == "POST" {
				body = strings.NewReader(`{"query":"{ ok }"}`)
			}
			r := httptest.NewRequest(tc.method, tc.target, body)
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			tc.srv.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
			if tc.want == 400 && !strings.Contains(w.Body.String(), `"code":"CSRF_PREVENTED"`) {
				t.Errorf("body %s", w.Body)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct{ accept, want string }{
		{"", mediaGraphQLResponse},
		{"*/*", mediaGraphQLResponse},
		{"application/json", mediaJSON},
		{"application/json; charset=utf-8", mediaJSON},
		{"application/graphql-response+json", mediaGraphQLResponse},
		{"application/graphql-response+json, application/json;q=0.9", mediaGraphQLResponse},
		{"application/json, */*;q=0.1", mediaJSON},
		{"application/graphql-response+json;q=0, application/json", mediaJSON},
		{"application/json;q=0, */*", mediaGraphQLResponse},
		{"text/html", mediaGraphQLResponse},
		{"garbage;;;", mediaGraphQLResponse},
	}
	for _, tc := range tests {
		if got := negotiate(tc.accept); got != tc.want {
			t.Errorf("negotiate(%q) = %q, want %q", tc.accept, got, tc.want)
		}
	}
}

func TestPlaygroundRoutes(t *testing.T) {
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	tests := []struct {
		name       string
		opts       []Option
		method     string
		target     string
		accept     string
		wantStatus int
		wantCT     string
		wantInBody string
	}{
		{name: "root page", method: "GET", target: "/", accept: browser, wantStatus: 200,
			wantCT: "text/html; charset=utf-8", wantInBody: `data-endpoint="/graphql"`},
		{name: "page at graphql path for a browser", method: "GET", target: "/graphql", accept: browser, wantStatus: 200,
			wantCT: "text/html; charset=utf-8", wantInBody: `<script src="/playground/playground.js">`},
		{name: "custom path in page", opts: []Option{WithPath("/api")}, method: "GET", target: "/", wantStatus: 200,
			wantCT: "text/html; charset=utf-8", wantInBody: `data-endpoint="/api"`},
		{name: "browser with query runs it", method: "GET", target: "/graphql?query=%7Bok%7D", accept: browser,
			wantStatus: 200, wantCT: ctGR, wantInBody: `{"data":{"ok":true}}`},
		{name: "js asset", method: "GET", target: "/playground/playground.js", wantStatus: 200,
			wantCT: "text/javascript; charset=utf-8", wantInBody: "GraphiQL"},
		{name: "css asset", method: "GET", target: "/playground/playground.css", wantStatus: 200,
			wantCT: "text/css; charset=utf-8", wantInBody: ".graphiql-container"},
		{name: "unknown asset", method: "GET", target: "/playground/x.js", wantStatus: 404},
		{name: "disabled root", opts: []Option{WithPlayground(false)}, method: "GET", target: "/", accept: browser, wantStatus: 404},
		{name: "disabled at graphql path", opts: []Option{WithPlayground(false)}, method: "GET", target: "/graphql",
			accept: browser, wantStatus: 422, wantCT: ctGR, wantInBody: "the query parameter is missing"},
		{name: "disabled asset", opts: []Option{WithPlayground(false)}, method: "GET", target: "/playground/playground.js", wantStatus: 404},
		{name: "root post is GraphQL (no content type: 415)", method: "POST", target: "/", wantStatus: 415},
		{name: "root put is 405", method: "PUT", target: "/", wantStatus: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(&fakeHandler{}, tc.opts...)
			r := httptest.NewRequest(tc.method, tc.target, nil)
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tc.wantStatus)
			}
			if tc.wantCT != "" && w.Header().Get("Content-Type") != tc.wantCT {
				t.Errorf("Content-Type = %q, want %q", w.Header().Get("Content-Type"), tc.wantCT)
			}
			if !strings.Contains(w.Body.String(), tc.wantInBody) {
				t.Errorf("body does not contain %q", tc.wantInBody)
			}
			if strings.HasPrefix(tc.wantCT, "text/html") {
				csp := w.Header().Get("Content-Security-Policy")
				for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'"} {
					if !strings.Contains(csp, want) {
						t.Errorf("CSP %q lacks %q", csp, want)
					}
				}
			}
		})
	}
}

func TestAssetETag(t *testing.T) {
	srv := New(&fakeHandler{})
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/playground/playground.js", nil))
	etag := w.Header().Get("ETag")
	if etag == "" || !bytes.Equal(w.Body.Bytes(), playgroundJS) {
		t.Fatalf("etag %q, body %d bytes", etag, w.Body.Len())
	}
	r := httptest.NewRequest("GET", "/playground/playground.js", nil)
	r.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("conditional GET: %d with %d bytes", w.Code, w.Body.Len())
	}
}

func TestGraphQLAtRootAndHealthAliases(t *testing.T) {
	h := HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
		return &gateway.Response{Data: []byte(`{"q":` + strconv.Quote(req.Query) + `}`)}
	})
	srv := httptest.NewServer(New(h, WithReadiness(func() error { return nil })))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/", "application/json", strings.NewReader(`{"query":"{ a }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"data":{"q":"{ a }"}}` {
		t.Errorf("POST /: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(srv.URL + "/?query=%7B%20b%20%7D")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"data":{"q":"{ b }"}}` {
		t.Errorf("GET /?query: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/health/live", "/healthz", "/health/ready", "/readyz"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

// TestWholeBody: a response with a ready document (Body) and nothing else
// is written as it is; once errors or extensions join it, the envelope is
// built around Data instead.
func TestWholeBody(t *testing.T) {
	data := `{"a":1}`
	// The body differs from the envelope that would be built around Data
	// (a space), so that each case shows which of the two was written.
	body := []byte(`{"data": ` + data + `}`)
	for _, tc := range []struct {
		name string
		resp gateway.Response
		want string
	}{
		{"body", gateway.Response{Data: json.RawMessage(data), Body: body}, `{"data": {"a":1}}`},
		{"errors", gateway.Response{Data: json.RawMessage(data), Body: body,
			Errors: gqlerror.List{{Message: "boom"}}}, `{"data":{"a":1},"errors":[{"message":"boom"}]}`},
		{"extensions", gateway.Response{Data: json.RawMessage(data), Body: body,
			Extensions: map[string]any{"x": 1}}, `{"data":{"a":1},"extensions":{"x":1}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
				r := tc.resp
				return &r
			}), WithLogger(discardLogger()))
			r := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{a}"}`))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if got := w.Body.String(); got != tc.want {
				t.Errorf("body %s, want %s", got, tc.want)
			}
			if got := w.Header().Get("Content-Length"); got != strconv.Itoa(len(tc.want)) {
				t.Errorf("Content-Length %s, want %d", got, len(tc.want))
			}
		})
	}
}
