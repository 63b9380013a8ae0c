package main

import (
	"log/slog"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/cost"
	"github.com/junction-gateway/junction/internal/gateway"
)

// demandControlPlugins returns the demand control plugin when
// demand_control.enabled is set, nothing otherwise.
func demandControlPlugins(cfg *config.Config, log *slog.Logger) ([]gateway.Plugin, error) {
	d := cfg.DemandControl
	if !d.Enabled {
		return nil, nil
	}
	p, err := cost.New(cost.Options{Mode: d.Mode, MaxCost: d.MaxCost, ListSize: d.ListSize, Extensions: d.Extensions, Log: log})
	if err != nil {
		return nil, err
	}
	return []gateway.Plugin{p}, nil
}
