package main

import (
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// introspectionOptions installs the plugin refusing __schema and __type
// when the config turns introspection off; on (the default), nothing.
func introspectionOptions(cfg *config.Config) []gateway.Option {
	if cfg.IntrospectionEnabled() {
		return nil
	}
	return []gateway.Option{gateway.WithPlugins(gateway.DisableIntrospection())}
}
