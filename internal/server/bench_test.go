package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/subgraphs"
)

// BenchmarkServePOST measures the transport alone: decode, negotiate, call a
// handler that returns a fixed response, encode.
func BenchmarkServePOST(b *testing.B) {
	data := json.RawMessage(`{"me":{"id":"1","name":"Ada","reviews":[{"body":"great"},{"body":"fine"}]}}`)
	srv := New(HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
		return &gateway.Response{Data: data}
	}), WithLogger(discardLogger()))
	body := `{"query":"query Me($n: Int) { me { id name reviews(first: $n) { body } } }","operationName":"Me","variables":{"n":2}}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Request-Id", "bench")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkEncodeResponse measures response encoding with errors and
// extensions.
func BenchmarkEncodeResponse(b *testing.B) {
	resp := &gateway.Response{
		Data: json.RawMessage(`{"a":null,"b":[1,2,3]}`),
		Errors: gqlerror.List{{Message: "boom", Path: ast.Path{ast.PathName("a")},
			Extensions: map[string]any{"code": "SUBGRAPH_ERROR", "serviceName": "accounts"}}},
		Extensions: map[string]any{"queryPlan": "QueryPlan { Fetch(service: \"a\") { { a } } }"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeResponse(resp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePOST measures decoding a POST body into a gateway.Request:
// the load benchmark's real body (the benchmark query as test/bench sends
// it, ~600 bytes with escaped newlines, no variables) and a small body
// with variables.
func BenchmarkDecodePOST(b *testing.B) {
	query, _ := json.Marshal(map[string]any{"query": subgraphs.BenchmarkQuery})
	for _, bc := range []struct{ name, body string }{
		{"benchmark-query", string(query)},
		{"variables", `{"query":"query Me($n: Int, $f: ProductFilter) { me { id name reviews(first: $n) { body } } }","operationName":"Me","variables":{"n":2,"f":{"upc":["1","2"],"inStock":true,"name":null}}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := New(nil, WithLogger(discardLogger()))
			w := deadlineRecorder{httptest.NewRecorder()}
			r := httptest.NewRequest("POST", "/graphql", nil)
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = int64(len(bc.body))
			body := []byte(bc.body)
			rd := bytes.NewReader(body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rd.Reset(body)
				r.Body = io.NopCloser(rd)
				if _, _, e := srv.decodePOST(w, r); e != nil {
					b.Fatal(e)
				}
			}
		})
	}
}

// deadlineRecorder accepts read deadlines, as the server's connections do
// (a bare ResponseRecorder answers an allocated "not supported" error).
type deadlineRecorder struct{ *httptest.ResponseRecorder }

func (deadlineRecorder) SetReadDeadline(time.Time) error { return nil }
