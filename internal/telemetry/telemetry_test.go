package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// federated needs all four demo subgraphs: accounts and products in
// parallel at the root, then reviews, then products and inventory.
const federated = `query Federated { me { username reviews { body product { name price inStock } } } topProducts { name upc } }`

// env is the demo subgraphs, each behind a proxy that records the
// traceparent header of what it forwards.
type env struct {
	t     *testing.T
	sg    *schema.Supergraph
	urls  map[string]string
	mu    sync.Mutex
	seen  map[string][]string // subgraph -> traceparent headers received
	delay time.Duration       // before forwarding (dedupe tests)
	// meet, when set, holds each named subgraph's first request until
	// every named one has a request in flight (or 10 s have passed): two
	// fetches the gateway runs in parallel then overlap whatever the
	// machine's load, and two it ran one after the other would not.
	meet map[string]chan struct{}
	once map[string]*sync.Once
}

// meetAt makes the first requests to names wait for each other (see meet).
func (e *env) meetAt(names ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.meet, e.once = map[string]chan struct{}{}, map[string]*sync.Once{}
	for _, n := range names {
		e.meet[n], e.once[n] = make(chan struct{}), &sync.Once{}
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, urls: map[string]string{}, seen: map[string][]string{}}
	for name, raw := range demo.URLs {
		target, _ := url.Parse(raw)
		proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.mu.Lock()
			e.seen[name] = append(e.seen[name], r.Header.Get("Traceparent"))
			d := e.delay
			meet, once := e.meet, e.once
			e.mu.Unlock()
			if ch, ok := meet[name]; ok {
				once[name].Do(func() { close(ch) })
				guard := time.After(10 * time.Second)
				for _, other := range meet {
					select {
					case <-other:
					case <-guard:
					}
				}
			}
			time.Sleep(d)
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		e.urls[name] = srv.URL + target.Path
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	e.sg = sg
	t.Cleanup(func() { demo.Close(); cancel() })
	return e
}

func (e *env) gateway(tel *Telemetry, opts ...gateway.Option) *gateway.Gateway {
	e.t.Helper()
	all := append(tel.GatewayOptions(), gateway.WithSubgraphURLs(e.urls))
	gw, err := gateway.New(e.sg, append(all, opts...)...)
	if err != nil {
		e.t.Fatal(err)
	}
	return gw
}

func newTelemetry(t *testing.T, cfg config.Telemetry, opts ...Option) *Telemetry {
	t.Helper()
	tel, err := New(context.Background(), withDefaults(cfg), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Shutdown(context.Background()) })
	return tel
}

// withDefaults applies the config defaults to a section built in Go.
func withDefaults(t config.Telemetry) config.Telemetry {
	def := config.Default().Telemetry
	if t.ServiceName == "" {
		t.ServiceName = def.ServiceName
	}
	if t.Tracing.Sampler == nil {
		t.Tracing.Sampler = def.Tracing.Sampler
	}
	if t.Metrics.Path == "" {
		t.Metrics.Path = def.Metrics.Path
	}
	if t.Metrics.Interval == 0 {
		t.Metrics.Interval = def.Metrics.Interval
	}
	if t.Logs.Format == "" {
		t.Logs.Format = def.Logs.Format
	}
	return t
}

func serve(gw *gateway.Gateway, query, op string, header http.Header) *gateway.Response {
	if header == nil {
		header = http.Header{}
	}
	return gw.Serve(context.Background(), &gateway.Request{Query: query, OperationName: op, Header: header})
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// TestSpanTree: a federated query gives one server span, validate and
// plan spans and one client span per subgraph fetch, all children of the
// request span (the root fetches ran in parallel), in the client's trace;
// each subgraph received the traceparent of its fetch span.
func TestSpanTree(t *testing.T) {
	e := newEnv(t)
	rec := tracetest.NewSpanRecorder()
	tel := newTelemetry(t, config.Telemetry{}, WithSpanProcessor(rec))
	gw := e.gateway(tel, gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	e.meetAt("accounts", "products")

	const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	const clientSpan = "00f067aa0ba902b7"
	h := http.Header{}
	h.Set("Traceparent", "00-"+clientTrace+"-"+clientSpan+"-01")
	h.Set("Apollographql-Client-Name", "web")
	resp := serve(gw, federated, "", h)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %v", resp.Errors)
	}

	spans := rec.Ended()
	var root sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanContext().TraceID().String() != clientTrace {
			t.Errorf("span %q in trace %s, want the client's %s", s.Name(), s.SpanContext().TraceID(), clientTrace)
		}
		if s.Name() == "query Federated" {
			root = s
		}
	}
	if root == nil {
		t.Fatalf("no span named %q among %d", "query Federated", len(spans))
	}
	if root.Parent().SpanID().String() != clientSpan || !root.Parent().IsRemote() {
		t.Errorf("request span's parent %s, want the client's span %s", root.Parent().SpanID(), clientSpan)
	}
	ra := attrs(root.Attributes())
	if ra["graphql.operation.name"] != "Federated" || ra["graphql.operation.type"] != "query" ||
		ra["graphql.client.name"] != "web" || ra["junction.outcome"] != "ok" || ra["http.response.status_code"] != "200" {
		t.Errorf("request span attributes %v", ra)
	}
	var children, fetches []string
	fetchSpan := map[string][]string{} // subgraph -> fetch span ids
	for _, s := range spans {
		if s == root {
			continue
		}
		if s.Parent().SpanID() != root.SpanContext().SpanID() {
			t.Errorf("span %q has parent %s, want the request span %s", s.Name(), s.Parent().SpanID(), root.SpanContext().SpanID())
		}
		children = append(children, s.Name())
		a := attrs(s.Attributes())
		if sub := a["graphql.federation.subgraph.name"]; sub != "" {
			fetches = append(fetches, sub)
			fetchSpan[sub] = append(fetchSpan[sub], s.SpanContext().SpanID().String())
			if a["http.response.status_code"] != "200" || a["http.response.body.size"] == "" || a["http.response.body.size"] == "0" {
				t.Errorf("fetch span %q attributes %v", s.Name(), a)
			}
		}
		if s.Name() == "graphql.plan" && a["junction.plan.cache_hit"] != "false" {
			t.Errorf("first plan: cache_hit %q, want false", a["junction.plan.cache_hit"])
		}
	}
	sort.Strings(children)
	sort.Strings(fetches)
	if strings.Join(fetches, ",") != "accounts,inventory,products,products,reviews" {
		t.Errorf("fetch spans for %v", fetches)
	}
	for _, want := range []string{"graphql.plan", "graphql.validate"} {
		if !contains(children, want) {
			t.Errorf("no %q span among %v", want, children)
		}
	}
	// The root fetches overlapped in time (they run in parallel: each
	// subgraph held its first request until the other had one, see meet)
	// and both hang under the request span (checked above).
	var acc, prod sdktrace.ReadOnlySpan
	for _, s := range spans {
		switch s.Name() {
		case "subgraph accounts":
			acc = s
		case "subgraph products":
			if prod == nil || s.StartTime().Before(prod.StartTime()) {
				prod = s
			}
		}
	}
	if acc == nil || prod == nil || acc.StartTime().After(prod.EndTime()) || prod.StartTime().After(acc.EndTime()) {
		t.Errorf("the root fetches to accounts and products did not overlap")
	}

	// Each subgraph received traceparent = client's trace, its fetch span.
	e.mu.Lock()
	seen := e.seen
	e.seen = map[string][]string{}
	e.mu.Unlock()
	for sub, ids := range fetchSpan {
		got := seen[sub]
		if len(got) != len(ids) {
			t.Errorf("%s received %d requests, %d fetch spans", sub, len(got), len(ids))
			continue
		}
		sort.Strings(got)
		var want []string
		for _, id := range ids {
			want = append(want, "00-"+clientTrace+"-"+id+"-01")
		}
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s received traceparent %v, want %v", sub, got, want)
		}
	}

	// Again: the plan comes from the cache.
	rec2 := len(rec.Ended())
	if r := serve(gw, federated, "", nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	for _, s := range rec.Ended()[rec2:] {
		if s.Name() == "graphql.plan" && attrs(s.Attributes())["junction.plan.cache_hit"] != "true" {
			t.Errorf("second plan: cache_hit %v, want true", attrs(s.Attributes()))
		}
	}
}

// TestSampledAtZero: with sampler 0 no span is recorded, yet subgraphs
// still receive a traceparent (not sampled) and a client's sampled trace
// is followed (parent-based).
func TestSampledAtZero(t *testing.T) {
	e := newEnv(t)
	rec := tracetest.NewSpanRecorder()
	zero := 0.0
	tel := newTelemetry(t, config.Telemetry{Tracing: config.Tracing{Sampler: &zero}}, WithSpanProcessor(rec))
	gw := e.gateway(tel)
	serve(gw, `{ me { username } }`, "", nil)
	if n := len(rec.Ended()); n != 0 {
		t.Fatalf("%d spans recorded at sampler 0", n)
	}
	e.mu.Lock()
	tp := e.seen["accounts"]
	e.mu.Unlock()
	if len(tp) != 1 || !strings.HasPrefix(tp[0], "00-") || !strings.HasSuffix(tp[0], "-00") {
		t.Fatalf("accounts received traceparent %v, want one, not sampled", tp)
	}
	h := http.Header{}
	h.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	serve(gw, `{ me { id } }`, "", h)
	if n := len(rec.Ended()); n == 0 {
		t.Fatal("a client's sampled trace was not followed")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNotConfigured: nothing configured, no option for the gateway.
func TestNotConfigured(t *testing.T) {
	tel, err := New(context.Background(), config.Default().Telemetry)
	if err != nil {
		t.Fatal(err)
	}
	if tel.Enabled() || tel.GatewayOptions() != nil || tel.PrometheusHandler() != nil {
		t.Fatal("telemetry enabled with nothing configured")
	}
}

// sums collects a counter or histogram count per attribute set, as
// "k=v,k=v" (sorted) -> value.
func sums(t *testing.T, rm metricdata.ResourceMetrics, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	key := func(s attribute.Set) string {
		var parts []string
		for _, kv := range s.ToSlice() {
			parts = append(parts, string(kv.Key)+"="+kv.Value.Emit())
		}
		sort.Strings(parts)
		return strings.Join(parts, ",")
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] += int64(p.Count)
				}
			default:
				t.Fatalf("%s: unexpected data %T", name, m.Data)
			}
		}
	}
	return out
}

// TestMetrics: the metrics after a known set of requests.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	// A subgraph that always fails.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	reader := sdkmetric.NewManualReader()
	tel := newTelemetry(t, config.Telemetry{}, WithMetricReader(reader))
	gw := e.gateway(tel, gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))

	web := http.Header{}
	web.Set("Apollographql-Client-Name", "web")
	for i := 0; i < 3; i++ {
		if r := serve(gw, federated, "", web); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	serve(gw, `query Me { me { username } }`, "", nil)
	serve(gw, `{ nope }`, "", web) // invalid: error, no data

	// inventory down: partial data, an error at inStock.
	gw2 := e.gateway(tel, gateway.WithSubgraphURLs(map[string]string{"inventory": down.URL}),
		gateway.WithInboundDedupe(false), gateway.WithSubgraphDedupe(false))
	if r := serve(gw2, `query Stock { topProducts { name inStock } }`, "", nil); len(r.Errors) == 0 {
		t.Fatal("want an error from the failing subgraph")
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	check := func(name string, want map[string]int64) {
		t.Helper()
		got := sums(t, rm, name)
		if !mapEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	check("junction.requests", map[string]int64{
		"graphql.client.name=web,graphql.operation.name=Federated,graphql.operation.type=query,junction.outcome=ok": 3,
		"graphql.client.name=,graphql.operation.name=Me,graphql.operation.type=query,junction.outcome=ok":           1,
		"graphql.client.name=web,graphql.operation.name=,graphql.operation.type=,junction.outcome=error":            1,
		"graphql.client.name=,graphql.operation.name=Stock,graphql.operation.type=query,junction.outcome=partial":   1,
	})
	check("http.server.request.duration", map[string]int64{
		"graphql.client.name=web,graphql.operation.name=Federated,graphql.operation.type=query,http.response.status_code=200,junction.outcome=ok":                                3,
		"graphql.client.name=,graphql.operation.name=Me,graphql.operation.type=query,http.response.status_code=200,junction.outcome=ok":                                          1,
		"error.type=GRAPHQL_VALIDATION_FAILED,graphql.client.name=web,graphql.operation.name=,graphql.operation.type=,http.response.status_code=400,junction.outcome=error":      1,
		"error.type=SUBREQUEST_HTTP_ERROR,graphql.client.name=,graphql.operation.name=Stock,graphql.operation.type=query,http.response.status_code=200,junction.outcome=partial": 1,
	})
	check("http.server.active_requests", map[string]int64{"": 0})
	// Federated: accounts, products ×2, reviews, inventory; Me: accounts;
	// Stock: products, inventory (down).
	check("http.client.request.duration", map[string]int64{
		"graphql.federation.subgraph.name=accounts,http.response.status_code=200":                 4,
		"graphql.federation.subgraph.name=products,http.response.status_code=200":                 7,
		"graphql.federation.subgraph.name=reviews,http.response.status_code=200":                  3,
		"graphql.federation.subgraph.name=inventory,http.response.status_code=200":                3,
		"error.type=503,graphql.federation.subgraph.name=inventory,http.response.status_code=503": 1,
	})
	check("junction.subgraph.errors", map[string]int64{"error.type=503,graphql.federation.subgraph.name=inventory": 1})
	// Plans: Federated miss then 2 hits; Me miss; Stock miss on gw2 (its
	// own planner). The invalid query never reaches the planner.
	check("junction.plan.cache.lookups", map[string]int64{"junction.cache.result=hit": 2, "junction.cache.result=miss": 3})
	check("junction.requests.deduplicated", map[string]int64{})
}

func mapEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestDeduplicatedMetric: identical concurrent queries share one
// execution; the followers are counted.
func TestDeduplicatedMetric(t *testing.T) {
	e := newEnv(t)
	e.delay = 300 * time.Millisecond
	reader := sdkmetric.NewManualReader()
	tel := newTelemetry(t, config.Telemetry{}, WithMetricReader(reader))
	gw := e.gateway(tel)
	const n = 5
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); serve(gw, `{ topProducts { name } }`, "", nil) }()
	}
	wg.Wait()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := sums(t, rm, "junction.requests.deduplicated")
	e.mu.Lock()
	sent := len(e.seen["products"])
	e.mu.Unlock()
	// Every request either executed (one subgraph request each) or was
	// deduplicated.
	if got["junction.dedupe.layer=inbound"] != int64(n-sent) || sent == n {
		t.Fatalf("deduplicated %v with %d of %d requests sent to products", got, sent, n)
	}
}

// TestPrometheus scrapes the Prometheus endpoint and parses it with the
// Prometheus text parser.
func TestPrometheus(t *testing.T) {
	e := newEnv(t)
	tel := newTelemetry(t, config.Telemetry{Metrics: config.Metrics{Prometheus: true}})
	gw := e.gateway(tel, gateway.WithInboundDedupe(false))
	web := http.Header{}
	web.Set("Apollographql-Client-Name", "web")
	serve(gw, federated, "", web)
	serve(gw, federated, "", web)

	srv := httptest.NewServer(tel.PrometheusHandler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	label := func(name string, labels map[string]string) (float64, bool) {
		f, ok := fams[name]
		if !ok {
			return 0, false
		}
	next:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue next
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue(), true
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue(), true
			}
		}
		return 0, false
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"junction_requests_total", map[string]string{"graphql_operation_name": "Federated", "graphql_client_name": "web", "junction_outcome": "ok"}, 2},
		{"http_server_request_duration_seconds", map[string]string{"graphql_operation_name": "Federated", "http_response_status_code": "200"}, 2},
		{"http_server_active_requests", nil, 0},
		{"http_client_request_duration_seconds", map[string]string{"graphql_federation_subgraph_name": "reviews"}, 2},
		{"junction_plan_cache_lookups_total", map[string]string{"junction_cache_result": "miss"}, 1},
		{"junction_plan_cache_lookups_total", map[string]string{"junction_cache_result": "hit"}, 1},
	} {
		got, ok := label(c.name, c.labels)
		if !ok || got != c.want {
			names := make([]string, 0, len(fams))
			for n := range fams {
				names = append(names, n)
			}
			sort.Strings(names)
			t.Errorf("%s%v = %v (found %v), want %v; families %v", c.name, c.labels, got, ok, c.want, names)
		}
	}
	if f := fams["http_server_request_duration_seconds"]; f == nil || f.GetUnit() != "" && f.GetUnit() != "seconds" || len(f.GetMetric()[0].GetHistogram().GetBucket()) != len(durationBuckets)+1 {
		t.Errorf("duration histogram buckets: %v", f)
	}
}

// TestRequestLog: one JSON line per request with its id, trace id,
// operation, client, status and duration.
func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	var buf syncBuffer
	rec := tracetest.NewSpanRecorder()
	tel := newTelemetry(t, config.Telemetry{Logs: config.Logs{Format: "json", RequestLevel: "info"}},
		WithLogWriter(&buf), WithSpanProcessor(rec))
	gw := e.gateway(tel)
	h := http.Header{}
	h.Set("X-Request-Id", "req-1")
	h.Set("Apollographql-Client-Name", "ios")
	serve(gw, `query Me { me { username } }`, "", h)
	serve(gw, `{ nope }`, "", nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var l map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	var traceID string
	for _, s := range rec.Ended() {
		if s.Name() == "query Me" {
			traceID = s.SpanContext().TraceID().String()
		}
	}
	if l["level"] != "INFO" || l["msg"] != "request" || l["request_id"] != "req-1" || l["trace_id"] != traceID || traceID == "" ||
		l["operation"] != "Me" || l["client"] != "ios" || l["status"] != 200.0 || l["outcome"] != "ok" {
		t.Errorf("line %v (trace %s)", l, traceID)
	}
	if d, ok := l["duration_ms"].(float64); !ok || d <= 0 {
		t.Errorf("duration_ms %v", l["duration_ms"])
	}
	if err := json.Unmarshal([]byte(lines[1]), &l); err != nil || l["status"] != 400.0 || l["outcome"] != "error" {
		t.Errorf("second line %v %v", l, err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
