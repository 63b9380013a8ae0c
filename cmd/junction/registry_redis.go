package main

import (
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/internal/registry"
)

// openRedisRegistryStore opens the Redis store from the top-level redis
// settings; the client is closed by rs.close.
func (rs *registrySetup) openRedisStore(cfg *config.Config) (registry.Store, error) {
	if cfg.Redis == nil {
		return nil, usageErr("registry.store: redis needs the top-level redis: settings (url or addrs)")
	}
	c, err := redisclient.New(cfg.Redis)
	if err != nil {
		return nil, err
	}
	prev := rs.cleanup
	rs.cleanup = func() {
		_ = c.Close()
		if prev != nil {
			prev()
		}
	}
	return registry.NewRedisStore(c, cfg.Redis.KeyPrefix), nil
}
