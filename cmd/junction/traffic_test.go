package main

import (
	"testing"

	"github.com/junction-gateway/junction/internal/config"
)

func TestTrafficPluginsFromConfig(t *testing.T) {
	none, err := config.Parse([]byte("listen: 127.0.0.1:4000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := trafficPlugins(none); p != nil {
		t.Fatalf("no retry or breaker configured, yet %d plugins", len(p))
	}
	one, err := config.Parse([]byte(`
subgraphs:
  inventory:
    circuit_breaker: {enabled: true, min_requests: 5}
`))
	if err != nil {
		t.Fatal(err)
	}
	if p := trafficPlugins(one); len(p) != 1 || p[0].Name() != "traffic" {
		t.Fatalf("plugins %v", p)
	}
	if _, err := config.Parse([]byte("traffic:\n  retry: {max_attempts: 50}\n  circuit_breaker: {error_rate: 2}\n")); err == nil {
		t.Fatal("out-of-range retry and breaker settings accepted")
	}
}
