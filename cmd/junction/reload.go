package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// reloader re-reads the supergraph file on SIGHUP and, with hot reload on,
// whenever its content changes. A supergraph that fails to load is logged
// and refused: the gateway keeps serving the last good one.
type reloader struct {
	path string
	gw   *gateway.Gateway
	log  *slog.Logger
	last []byte
	// compose, when set (serve --subgraphs), recomposes the subgraphs of
	// a rover config instead of reading a supergraph file; it returns the
	// supergraph and its SDL.
	compose func() (*schema.Supergraph, []byte, error)
}

func (r *reloader) run(ctx context.Context, poll time.Duration) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload(true)
		case <-tick:
			r.reload(false)
		}
	}
}

// reload loads the file when forced or when it changed since the last load.
func (r *reloader) reload(force bool) {
	if r.compose != nil {
		r.recompose(force)
		return
	}
	sdl, err := os.ReadFile(r.path)
	if err != nil {
		r.log.Error("supergraph reload failed; serving the previous one", "path", r.path, "error", err)
		return
	}
	if !force && bytes.Equal(sdl, r.last) {
		return
	}
	r.last = sdl
	sg, err := schema.ParseSupergraph(string(sdl))
	if err != nil {
		r.log.Error("supergraph reload refused; serving the previous one", "path", r.path, "error", composeHint(err))
		return
	}
	if err := r.gw.Swap(sg); err != nil {
		r.log.Error("supergraph swap failed", "error", err)
		return
	}
	r.log.Info("supergraph reloaded", "path", r.path, "version", sg.Version)
}

// recompose composes the configured subgraphs and swaps the result in
// when it differs from the last; a failure keeps the last good supergraph.
func (r *reloader) recompose(force bool) {
	sg, sdl, err := r.compose()
	if err != nil {
		r.log.Error("subgraphs recomposition refused; serving the previous supergraph", "config", r.path, "error", err)
		return
	}
	if !force && bytes.Equal(sdl, r.last) {
		return
	}
	r.last = sdl
	if err := r.gw.Swap(sg); err != nil {
		r.log.Error("supergraph swap failed", "error", err)
		return
	}
	r.log.Info("subgraphs recomposed", "config", r.path, "version", sg.Version)
}
