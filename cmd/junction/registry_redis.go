package main

import (
	"errors"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/registry"
)

// openRedisRegistryStore opens the Redis store from the top-level redis
// settings.
func openRedisRegistryStore(cfg *config.Config) (registry.Store, error) {
	return nil, errors.New("registry.store: redis needs the top-level redis settings, not available in this build yet")
}
