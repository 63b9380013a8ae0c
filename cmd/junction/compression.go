package main

import (
	"slices"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// compressionOptions turns response compression on when configured
// (nothing is wrapped otherwise).
func compressionOptions(cfg *config.Config) []server.Option {
	if !cfg.Compression.Enabled {
		return nil
	}
	return []server.Option{server.WithCompression(server.Compression{
		MinBytes:   cfg.Compression.MinBytes,
		Algorithms: cfg.Compression.Algorithms,
	})}
}

// subgraphCompressionOptions: traffic.compression and traffic.connection
// for every subgraph, subgraphs.NAME.compression and .connection for one
// (nothing when none is set).
func subgraphCompressionOptions(cfg *config.Config) []executor.HTTPOption {
	var out []executor.HTTPOption
	add := func(service string, c *config.SubgraphCompression) {
		if c != nil {
			out = append(out, executor.WithSubgraphCompression(service, executor.SubgraphCompression{
				Accept: c.Accept, Request: c.Request, RequestMinBytes: c.RequestMinBytes}))
		}
	}
	conn := func(service string, c *config.Connection) {
		if c != nil {
			out = append(out, executor.WithConnection(service, executor.Connection{
				H2C: c.H2C, MaxConnsPerHost: c.MaxConnectionsPerHost, MaxIdleConnsPerHost: c.MaxIdleConnectionsPerHost,
				IdleTimeout: c.IdleTimeout, KeepAlive: c.KeepAlive, DialTimeout: c.DialTimeout}))
		}
	}
	add("", cfg.Traffic.Compression)
	conn("", cfg.Traffic.Connection)
	names := make([]string, 0, len(cfg.Subgraphs))
	for n := range cfg.Subgraphs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		add(n, cfg.Subgraphs[n].Compression)
		conn(n, cfg.Subgraphs[n].Connection)
	}
	return out
}

// responseHeaderPolicy: headers.response and subgraphs.NAME.headers.response
// (gateway.WithResponseHeaders adds nothing when neither allows anything).
func responseHeaderPolicy(cfg *config.Config) gateway.ResponseHeaderPolicy {
	rules := func(r config.ResponseHeaders) gateway.ResponseHeaderRules {
		return gateway.ResponseHeaderRules{Propagate: r.Propagate, CacheControl: r.CacheControl, SetCookie: r.SetCookie}
	}
	p := gateway.ResponseHeaderPolicy{All: rules(cfg.Headers.Response), Per: map[string]gateway.ResponseHeaderRules{}}
	for n, s := range cfg.Subgraphs {
		p.Per[n] = rules(s.Headers.Response)
	}
	return p
}
