package config

import (
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/server"
)

// The subscription defaults are the server's (one set of numbers), and
// every bad value is named.
func TestSubscriptionsDefaultsAndValidation(t *testing.T) {
	c := Default()
	s, d := c.Subscriptions, server.DefaultSubscriptions
	if !c.SubscriptionsEnabled() || s.MaxPerConnection != d.MaxPerConnection || s.MaxPerClient != d.MaxPerClient ||
		s.InitTimeout != d.InitTimeout || s.KeepAlive != d.KeepAlive || s.IdleTimeout != d.IdleTimeout ||
		s.WriteTimeout != d.WriteTimeout || s.QueueSize != d.QueueSize {
		t.Errorf("config defaults %+v differ from the server's %+v", s, d)
	}
	c2, err := Parse([]byte("subscriptions: {enabled: false, max_per_client: 5, keep_alive: 3s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c2.SubscriptionsEnabled() || c2.Subscriptions.MaxPerClient != 5 || c2.Subscriptions.KeepAlive != 3*time.Second {
		t.Errorf("parsed %+v", c2.Subscriptions)
	}
	_, err = Parse([]byte("subscriptions: {max_per_connection: -1, queue_size: -2, init_timeout: -1s}\n"))
	for _, key := range []string{"subscriptions.max_per_connection", "subscriptions.queue_size", "subscriptions.init_timeout"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
}
