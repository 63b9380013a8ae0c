package main

import (
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/traffic"
)

// trafficPlugins returns the retry and circuit-breaker middleware when the
// config turns either on for some subgraph, nothing otherwise.
func trafficPlugins(cfg *config.Config) []gateway.Plugin {
	def := trafficPolicy(cfg.Traffic.Retry, cfg.Traffic.CircuitBreaker)
	per := map[string]traffic.Policy{}
	for name, s := range cfg.Subgraphs {
		if s.Retry == nil && s.CircuitBreaker == nil {
			continue
		}
		r, b := cfg.Traffic.Retry, cfg.Traffic.CircuitBreaker
		if s.Retry != nil {
			r = *s.Retry
		}
		if s.CircuitBreaker != nil {
			b = *s.CircuitBreaker
		}
		per[name] = trafficPolicy(r, b)
	}
	m := traffic.New(def, per)
	if !m.Active() {
		return nil
	}
	return []gateway.Plugin{m}
}

func trafficPolicy(r config.Retry, b config.CircuitBreaker) traffic.Policy {
	return traffic.Policy{
		Retry: traffic.Retry{MaxAttempts: r.MaxAttempts, Backoff: r.Backoff, MaxBackoff: r.MaxBackoff,
			BudgetRatio: r.BudgetRatio, MinPerSecond: r.MinPerSecond},
		Breaker: traffic.Breaker{Enabled: b.Enabled, ErrorRate: b.ErrorRate, MinRequests: b.MinRequests,
			Window: b.Window, OpenFor: b.OpenFor, HalfOpenProbes: b.HalfOpenProbes},
	}
}
