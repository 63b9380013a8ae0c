package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// BenchmarkCompression: the benchmark query through the server over the
// demo subgraphs, answered without compression, with gzip and with zstd
// (the same run, so the ratios hold); bytes/answer is what goes out.
func BenchmarkCompression(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		b.Fatal(err)
	}
	gw, err := gateway.New(sg, gateway.WithInboundDedupe(false))
	if err != nil {
		b.Fatal(err)
	}
	body := `{"query":` + strconv.Quote(subgraphs.BenchmarkQuery) + `}`
	for _, enc := range []string{"off", EncodingGzip, EncodingZstd} {
		opts := []Option{WithLogger(discardLogger())}
		if enc != "off" {
			opts = append(opts, WithCompression(Compression{Algorithms: []string{enc}}))
		}
		s := New(gw, opts...)
		b.Run(enc, func(b *testing.B) {
			var n int
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Accept-Encoding", "gzip, zstd")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				n = w.Body.Len()
			}
			b.ReportMetric(float64(n), "bytes/answer")
		})
	}
}

// BenchmarkCompressionWrite: the cost of compressing alone: the benchmark
// query's answer (84 KB, recorded once from the demo) written by a handler
// that does nothing else.
func BenchmarkCompressionWrite(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		b.Fatal(err)
	}
	gw, err := gateway.New(sg)
	if err != nil {
		b.Fatal(err)
	}
	res := gw.Serve(ctx, &gateway.Request{Query: subgraphs.BenchmarkQuery})
	data := append([]byte(nil), res.Data...)
	h := HandlerFunc(func(context.Context, *gateway.Request) *gateway.Response { return &gateway.Response{Data: data} })
	for _, enc := range []string{"off", EncodingGzip, EncodingZstd} {
		opts := []Option{WithLogger(discardLogger())}
		if enc != "off" {
			opts = append(opts, WithCompression(Compression{Algorithms: []string{enc}}))
		}
		s := New(h, opts...)
		b.Run(enc, func(b *testing.B) {
			var n int
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ a }"}`))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Accept-Encoding", "gzip, zstd")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				n = w.Body.Len()
			}
			b.ReportMetric(float64(n), "bytes/answer")
		})
	}
}
