package telemetry

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// collector is an OTLP/HTTP collector that keeps what it is sent.
type collector struct {
	mu   sync.Mutex
	reqs []collected
}

type collected struct {
	path, contentType, apiKey string
	body                      []byte
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.reqs = append(c.reqs, collected{r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Api-Key"), body})
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func (c *collector) got() []collected {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]collected(nil), c.reqs...)
}

// TestOTLPHTTP: spans and metrics reach an OTLP/HTTP collector at
// /v1/traces and /v1/metrics, with the configured headers (an ${ENV}
// reference expanded by the config), flushed at Shutdown.
func TestOTLPHTTP(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv("JT_OTLP_KEY", "k-123")
	cfg, err := config.Parse([]byte(`
telemetry:
  service_name: gw-test
  tracing:
    sampler: 1.0
    otlp: {endpoint: "` + srv.URL + `", protocol: http/protobuf, headers: {x-api-key: "${JT_OTLP_KEY}"}}
  metrics:
    otlp: {endpoint: "` + srv.URL + `/base/", headers: {x-api-key: "${JT_OTLP_KEY}"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	tel, err := New(context.Background(), cfg.Telemetry)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	gw := e.gateway(tel)
	serve(gw, `query Me { me { username } }`, "", nil)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var traces, metrics int
	for _, r := range col.got() {
		if r.apiKey != "k-123" || r.contentType != "application/x-protobuf" {
			t.Errorf("%s: api key %q, content type %q", r.path, r.apiKey, r.contentType)
		}
		switch r.path {
		case "/v1/traces":
			var req coltrace.ExportTraceServiceRequest
			if err := proto.Unmarshal(r.body, &req); err != nil {
				t.Fatal(err)
			}
			names := spanNames(&req)
			if !names["query Me"] || !names["subgraph accounts"] || serviceOf(&req) != "gw-test" {
				t.Errorf("exported spans %v of service %q", names, serviceOf(&req))
			}
			traces++
		case "/base/v1/metrics":
			metrics++
		default:
			t.Errorf("export to %s", r.path)
		}
	}
	if traces == 0 || metrics == 0 {
		t.Fatalf("%d trace and %d metric exports", traces, metrics)
	}
}

func spanNames(req *coltrace.ExportTraceServiceRequest) map[string]bool {
	names := map[string]bool{}
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				names[s.GetName()] = true
			}
		}
	}
	return names
}

func serviceOf(req *coltrace.ExportTraceServiceRequest) string {
	for _, rs := range req.GetResourceSpans() {
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				return a.GetValue().GetStringValue()
			}
		}
	}
	return ""
}

// grpcCollector is an OTLP/gRPC trace collector.
type grpcCollector struct {
	coltrace.UnimplementedTraceServiceServer
	mu    sync.Mutex
	names map[string]bool
	keys  []string
}

func (g *grpcCollector) Export(ctx context.Context, req *coltrace.ExportTraceServiceRequest) (*coltrace.ExportTraceServiceResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	for n := range spanNames(req) {
		g.names[n] = true
	}
	g.keys = append(g.keys, md.Get("x-api-key")...)
	return &coltrace.ExportTraceServiceResponse{}, nil
}

// TestOTLPGRPC: spans reach an OTLP/gRPC collector with the headers.
func TestOTLPGRPC(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	col := &grpcCollector{names: map[string]bool{}}
	gs := grpc.NewServer()
	coltrace.RegisterTraceServiceServer(gs, col)
	go gs.Serve(ln)
	defer gs.Stop()

	cfg := withDefaults(config.Telemetry{Tracing: config.Tracing{OTLP: &config.OTLP{
		Endpoint: "http://" + ln.Addr().String(), Protocol: "grpc", Headers: map[string]string{"x-api-key": "g-1"}, Timeout: 5e9}}})
	tel, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	gw := e.gateway(tel, gateway.WithInboundDedupe(false))
	serve(gw, `{ topProducts { name } }`, "", nil)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if !col.names["query"] || !col.names["subgraph products"] || len(col.keys) == 0 || col.keys[0] != "g-1" {
		t.Fatalf("collector got spans %v, api keys %v", col.names, col.keys)
	}
}

// TestNoTracingUnlessConfigured: metrics on, tracing not configured: no
// tracer provider, and subgraphs receive no traceparent.
func TestNoTracingUnlessConfigured(t *testing.T) {
	cfg, err := config.Parse([]byte("telemetry: {metrics: {prometheus: true}}"))
	if err != nil {
		t.Fatal(err)
	}
	tel, err := New(context.Background(), cfg.Telemetry)
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	if tel.TracerProvider() != nil {
		t.Fatal("a tracer provider without tracing configured")
	}
	e := newEnv(t)
	gw := e.gateway(tel)
	serve(gw, `{ me { username } }`, "", nil)
	e.mu.Lock()
	defer e.mu.Unlock()
	if tp := e.seen["accounts"]; len(tp) != 1 || tp[0] != "" {
		t.Fatalf("accounts received traceparent %q with tracing off", tp)
	}
}
