package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// reloadDebounce is how long the file must stay quiet after a change before
// it is read: an editor or a deploy writes a file in several steps (truncate,
// write, rename), and only the last state counts.
const reloadDebounce = 100 * time.Millisecond

// reloader re-reads the supergraph file on SIGHUP and, with hot reload on,
// whenever the file system says it changed (fsnotify, debounced). A
// supergraph that fails to load is logged and refused: the gateway keeps
// serving the last good one.
type reloader struct {
	path string
	gw   *gateway.Gateway
	log  *slog.Logger
	last []byte
	cfg  *config.Config // for the subgraph names under subgraphs: (nil: none)
	// reloaded, when set, hears of every reload attempt (tests).
	reloaded func()
	// compose, when set (serve --subgraphs), recomposes the subgraphs of
	// the rover config at path instead of reading a supergraph file; it
	// returns the supergraph and its SDL. Any change in the config's
	// directory (where its schema files usually are) triggers it.
	compose func() (*schema.Supergraph, []byte, error)
	// also are more files (the persisted documents manifest) whose change,
	// with hot reload on, forces a reload: Preparers re-read them at swap.
	also []string
}

func (r *reloader) run(ctx context.Context, watch bool) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if watch {
		w, err := fsnotify.NewWatcher()
		if err != nil {
			r.log.Error("hot reload is off: cannot watch files", "error", err)
		} else {
			defer w.Close()
			// The directory, not the file: a file replaced by a rename
			// (as editors and deploys do) keeps being watched.
			if err := w.Add(filepath.Dir(r.path)); err != nil {
				r.log.Error("hot reload is off: cannot watch the supergraph's directory", "path", r.path, "error", err)
			} else {
				events, errs = w.Events, w.Errors
				for _, p := range r.also {
					if err := w.Add(filepath.Dir(p)); err != nil {
						r.log.Error("hot reload cannot watch a file's directory", "path", p, "error", err)
					}
				}
			}
		}
	}
	base := filepath.Clean(r.path)
	forceNext := false // one of r.also changed: reload even if the supergraph did not
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	defer debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			r.reload(true)
		case ev := <-events:
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if slices.Contains(r.also, filepath.Clean(ev.Name)) {
				forceNext = true
				debounce.Reset(reloadDebounce)
			} else if filepath.Clean(ev.Name) == base || r.compose != nil {
				debounce.Reset(reloadDebounce)
			}
		case err := <-errs:
			r.log.Warn("file watch error", "error", err)
		case <-debounce.C:
			r.reload(forceNext)
			forceNext = false
		}
	}
}

// reload loads the file when forced or when it changed since the last load.
func (r *reloader) reload(force bool) {
	if r.reloaded != nil {
		defer r.reloaded()
	}
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
		r.log.Error("supergraph reload refused; serving the previous one", "path", r.path, "error", err)
		return
	}
	if r.cfg != nil {
		if err := checkSubgraphNames(r.cfg, sg); err != nil {
			r.log.Warn("config names subgraphs the new supergraph lacks", "error", err)
		}
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
