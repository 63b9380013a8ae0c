package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/subgraphs"
	"log/slog"
)

// runDev starts the four demo subgraphs in-process on loopback ports, then
// the gateway and playground over their supergraph.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:4000", "HOST:PORT to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		return fmt.Errorf("start demo subgraphs: %w", err)
	}
	defer demo.Close()
	cfg := config.Default()
	cfg.Listen = *listen
	reg, gw, err := devRegistry(ctx, cfg, demo, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer reg.close() // after the last usage flush
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	admin, err := reg.start(rctx, gw)
	if err != nil {
		return err
	}
	if err := reg.seed(ctx, demo); err != nil {
		return err
	}
	return listenAndServe(ctx, cfg, gw, stderr, admin)
}
