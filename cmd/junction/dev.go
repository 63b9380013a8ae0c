package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
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
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		return fmt.Errorf("load demo supergraph: %w", err)
	}
	gw, err := gateway.New(sg)
	if err != nil {
		return err
	}
	cfg := config.Default()
	cfg.Listen = *listen
	return listenAndServe(ctx, cfg, gw, stderr, nil)
}
