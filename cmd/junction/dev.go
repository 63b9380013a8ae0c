package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/subgraphs"
)

// runDev starts the four demo subgraphs in-process on loopback ports, then
// the gateway and playground over their supergraph.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "token" {
		return runDevToken(args[1:], stdout)
	}
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	listen := fs.String("listen", "", "HOST:PORT to listen on (default 127.0.0.1:4000, or $JUNCTION_LISTEN)")
	cfgPath := fs.String("config", "", "YAML config file (default: the built-in dev config, with the demo's HMAC token secret)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadDevConfig(*cfgPath)
	if err != nil {
		return usageErr("%v", err)
	}
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		return fmt.Errorf("start demo subgraphs: %w", err)
	}
	defer demo.Close()
	authp, err := authPlugins(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	// nil: the registry starts empty (the demo has no @rateLimit; rate
	// limits apply when rate_limits: is configured).
	rc, err := startRateCache(ctx, cfg, nil, stderr)
	if err != nil {
		return err
	}
	defer rc.close()
	if *listen != "" {
		cfg.Listen = *listen
	}
	if cfg.Debug.ExposeQueryPlan == nil {
		on := true // the playground's plan and trace views (config.Debug)
		cfg.Debug.ExposeQueryPlan = &on
	}
	// The demo is served through a registry (a temporary file store) that
	// composes the demo subgraphs' SDL, so that the registry API can be
	// tried: mutations are allowed from loopback without a token.
	reg, err := devRegistry(cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer reg.close() // after the last usage flush
	log := slog.New(slog.NewTextHandler(stderr, nil))
	costp, err := requestPlugins(cfg, log)
	if err != nil {
		return err
	}
	gw, err := gateway.New(nil, append(gatewayOptions(cfg, log),
		gateway.WithPlugins(authp...), gateway.WithPlugins(costp...), rc.option(), gateway.WithPlugins(reg.plugins()...), gateway.WithPlugins(trafficPlugins(cfg)...))...)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	reg.purge = rc.purger()
	admin, err := reg.start(rctx, gw)
	if err != nil {
		return err
	}
	if err := reg.seed(ctx, demo); err != nil {
		return err
	}
	return listenAndServe(ctx, cfg, gw, stderr, rc, nil, admin)
}
