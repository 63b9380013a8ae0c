package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/telemetry"
)

// startTelemetry builds what cfg.Telemetry configures. The returned stop
// flushes the exporters (bounded to 5 s); it is never nil.
func startTelemetry(ctx context.Context, cfg *config.Config) (*telemetry.Telemetry, func(), error) {
	tel, err := telemetry.New(ctx, cfg.Telemetry)
	if err != nil {
		return nil, func() {}, err
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(sctx)
	}
	return tel, stop, nil
}

// serveMetrics mounts the Prometheus endpoint on mux, or serves it on its
// own listener (telemetry.metrics.listen) until ctx ends. Nothing happens
// when Prometheus is not configured.
func serveMetrics(ctx context.Context, cfg *config.Config, tel *telemetry.Telemetry, mux *http.ServeMux, log *slog.Logger) error {
	h := tel.PrometheusHandler()
	if h == nil {
		return nil
	}
	m := cfg.Telemetry.Metrics
	if m.Listen == "" {
		mux.Handle(m.Path, h)
		return nil
	}
	ln, err := net.Listen("tcp", m.Listen)
	if err != nil {
		return fmt.Errorf("telemetry.metrics.listen: %w", err)
	}
	own := http.NewServeMux()
	own.Handle(m.Path, h)
	srv := &http.Server{Handler: own, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return nil
}
