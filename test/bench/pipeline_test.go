package main

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
	"github.com/junction-gateway/junction/test/synth"
)

// replayClient answers each subgraph request with the body the real demo
// subgraphs gave for it, so a benchmark measures the gateway alone.
type replayClient struct {
	next executor.Client
	mu   sync.Mutex
	seen map[string][]byte
}

func (c *replayClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	key := req.Service + "\x00" + string(req.Body)
	c.mu.Lock()
	body, ok := c.seen[key]
	c.mu.Unlock()
	if ok {
		return body, nil
	}
	if c.next == nil {
		panic("replay: unrecorded subgraph request " + key)
	}
	body, err := c.next.Do(ctx, req)
	if err == nil {
		c.mu.Lock()
		c.seen[key] = body
		c.mu.Unlock()
	}
	return body, err
}

// benchGateway builds a gateway over the demo supergraph whose subgraph
// answers are recorded once from the real demo subgraphs and then replayed.
func benchGateway(b *testing.B, opts ...gateway.Option) *gateway.Gateway {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(demo.Close)
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		b.Fatal(err)
	}
	rc := &replayClient{next: executor.NewHTTPClient(), seen: map[string][]byte{}}
	gw, err := gateway.New(sg, append([]gateway.Option{gateway.WithClient(rc)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	resp := gw.Serve(ctx, &gateway.Request{Query: query})
	if len(resp.Errors) > 0 {
		b.Fatal(resp.Errors)
	}
	expected, err := compactFile("../e2e/testdata/benchmark.json")
	if err != nil {
		b.Fatal(err)
	}
	if got := `{"data":` + string(resp.Data) + `}`; got != string(expected) {
		b.Fatalf("benchmark response differs from the golden file")
	}
	rc.next = nil // from now on, replay only
	return gw
}

// BenchmarkGatewayServe is the whole request pipeline on the benchmark query
// (document cache hit, plan cache hit, execute, merge, shape), subgraphs
// replayed in memory: the gateway's own CPU per request.
func BenchmarkGatewayServe(b *testing.B) {
	gw := benchGateway(b, gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		resp := gw.Serve(ctx, &gateway.Request{Query: query})
		if len(resp.Data) == 0 {
			b.Fatal("no data")
		}
		resp.Release() // as the transport does once the response is written
	}
	reportCPU(b, cpu0)
}

// processCPU is the CPU time (user+system, every thread, GC included) the
// process has used. On a shared machine it is far steadier than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the cpu-ns/op metric: process CPU time since cpu0 per op.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkParseValidate is the client document stage on a cache miss.
func BenchmarkParseValidate(b *testing.B) {
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(nil))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		doc, perr := parser.ParseQuery(&ast.Source{Input: query})
		if perr != nil {
			b.Fatal(perr)
		}
		if errs := validator.Validate(sg.API, doc); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkLoadLarge loads the synthetic supergraph of 100 subgraphs and
// 2,000 entity types as `junction serve` does: parse and validate the
// supergraph SDL, build the API schema, the planner and the executor.
func BenchmarkLoadLarge(b *testing.B) {
	sdl := synth.LargeSupergraph(100, 2000)
	b.ReportAllocs()
	for b.Loop() {
		sg, err := schema.ParseSupergraph(sdl)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := gateway.New(sg, gateway.WithClient(&replayClient{seen: map[string][]byte{}})); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFed1Supergraph: the supergraph @apollo/composition composed from
// Fed1-style SDL of the same four subgraphs (testdata/fed1: extend type
// Query, extend type Product @key with @external fields) gives the
// benchmark's expected response over the demo subgraphs.
func TestFed1Supergraph(t *testing.T) {
	raw, err := os.ReadFile("testdata/fed1/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(withURLs(string(raw), demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sg.Subgraphs {
		if s.URL != demo.URLs[s.Name] {
			t.Fatalf("subgraph %s: URL %q not replaced", s.Name, s.URL)
		}
	}
	gw, err := gateway.New(sg)
	if err != nil {
		t.Fatal(err)
	}
	resp := gw.Serve(ctx, &gateway.Request{Query: query})
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	expected, err := compactFile("../e2e/testdata/benchmark.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := `{"data":` + string(resp.Data) + `}`; got != string(expected) {
		t.Fatalf("Fed1 supergraph: response differs from the golden file:\n%.400s", got)
	}
}
