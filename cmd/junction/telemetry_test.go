package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/junction-gateway/junction/subgraphs"
)

// TestServeTelemetry runs `junction serve` with metrics on a separate
// listener and JSON request logs: a request shows in the scraped metrics
// and as one log line; the main listener does not serve the metrics.
func TestServeTelemetry(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	dir := t.TempDir()
	sgPath := filepath.Join(dir, "supergraph.graphql")
	os.WriteFile(sgPath, []byte(subgraphs.Supergraph(demo.URLs)), 0o644)
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	cfgPath := filepath.Join(dir, "junction.yaml")
	os.WriteFile(cfgPath, []byte(`
listen: `+addr+`
supergraph: `+sgPath+`
telemetry:
  metrics: {prometheus: true, listen: "${JT_METRICS_ADDR}"}
  logs: {format: json, request_level: info}
`), 0o644)
	t.Setenv("JT_METRICS_ADDR", metricsAddr)
	_, lines := start(t, "serve", "--config", cfgPath)
	select {
	case <-lines.ready:
	case <-time.After(60 * time.Second):
		t.Fatal("serve never logged that it was ready")
	}

	req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", strings.NewReader(`{"query":"query Top { topProducts { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Apollographql-Client-Name", "cli-test")
	req.Header.Set("X-Request-Id", "rid-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	resp, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range fams["junction_requests_total"].GetMetric() {
		l := map[string]string{}
		for _, lp := range m.GetLabel() {
			l[lp.GetName()] = lp.GetValue()
		}
		if l["graphql_operation_name"] == "Top" && l["graphql_client_name"] == "cli-test" && m.GetCounter().GetValue() == 1 {
			found = true
		}
	}
	if !found {
		t.Fatalf("junction_requests_total{operation Top, client cli-test} = 1 not in %v", fams["junction_requests_total"])
	}
	resp, err = http.Get("http://" + addr + "/metrics")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "junction_requests_total") {
			t.Fatal("metrics served on the main listener too")
		}
	}

	deadline := time.Now().Add(5 * time.Second)
	for !lines.contains(`"request_id":"rid-42"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	lines.mu.Lock()
	defer lines.mu.Unlock()
	var line map[string]any
	for _, l := range lines.all {
		if strings.Contains(l, `"request_id":"rid-42"`) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("log line %q: %v", l, err)
			}
		}
	}
	if line["msg"] != "request" || line["operation"] != "Top" || line["client"] != "cli-test" || line["status"] != 200.0 {
		t.Fatalf("request log line %v in %q", line, lines.all)
	}
}
