package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// runDev starts the four demo subgraphs in-process on loopback ports, then
// the gateway and playground over their supergraph.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "token" {
		return runDevToken(args[1:], stdout)
	}
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:4000", "HOST:PORT to listen on")
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
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		return fmt.Errorf("load demo supergraph: %w", err)
	}
	authp, err := authPlugins(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rc, err := startRateCache(ctx, cfg, sg, stderr)
	if err != nil {
		return err
	}
	defer rc.close()
	gw, err := gateway.New(sg, gateway.WithPlugins(authp...), gateway.WithPropagatedHeaders(cfg.Headers.Propagate...),
		rc.option(), gateway.WithPlugins(trafficPlugins(cfg)...))
	if err != nil {
		return err
	}
	if *cfgPath == "" || isFlagSet(fs, "listen") {
		cfg.Listen = *listen
	}
	return listenAndServe(ctx, cfg, gw, stderr, rc, nil)
}
