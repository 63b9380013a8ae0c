package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// runDev starts the four demo subgraphs in-process on loopback ports, then
// the gateway and playground over their supergraph.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	listen := fs.String("listen", "", "HOST:PORT to listen on (default 127.0.0.1:4000, or $JUNCTION_LISTEN)")
	if err := parseFlags(fs, args); err != nil {
		return err
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
	cfg, err := config.Parse(nil) // the defaults, with the JUNCTION_* env overrides
	if err != nil {
		return usageErr("%v", err)
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	gw, err := gateway.New(sg, gatewayOptions(cfg, slog.New(slog.NewTextHandler(stderr, nil)))...)
	if err != nil {
		return err
	}
	return listenAndServe(ctx, cfg, gw, stderr)
}
