package config

import (
	"testing"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/server"
)

// TestDefaultsHandedDown: the config's defaults are the lower layers'
// (one set of numbers), and the shutdown grace is above the request
// timeout.
func TestDefaultsHandedDown(t *testing.T) {
	c := Default()
	if c.Traffic.RequestTimeout != executor.DefaultTimeout || c.Traffic.SubgraphTimeout != executor.DefaultSubgraphTimeout ||
		c.Traffic.MaxSubgraphResponseBytes != executor.DefaultMaxResponseBytes {
		t.Errorf("traffic defaults %+v differ from the executor's", c.Traffic)
	}
	if c.Limits.MaxBodyBytes != server.DefaultMaxBodyBytes || c.Limits.BodyTimeout != server.DefaultReadTimeout {
		t.Errorf("body defaults %d %v differ from the server's", c.Limits.MaxBodyBytes, c.Limits.BodyTimeout)
	}
	if c.Shutdown.Grace <= c.Traffic.RequestTimeout {
		t.Errorf("shutdown.grace %v is not above traffic.request_timeout %v", c.Shutdown.Grace, c.Traffic.RequestTimeout)
	}
	c2, err := Parse([]byte("traffic: {request_timeout: 2m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c2.Shutdown.Grace != 2*time.Minute+5*time.Second {
		t.Errorf("grace %v follows the request timeout", c2.Shutdown.Grace)
	}
	if _, err := Parse([]byte("traffic: {request_timeout: 2m}\nshutdown: {grace: 1m}\n")); err == nil {
		t.Error("a grace below the request timeout was accepted")
	}
}
