package main

import (
	"log/slog"
	"path/filepath"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/persisted"
)

// persistedPlugins returns the persisted documents plugin when
// persisted_documents.manifest is set (its manifest loaded: a bad one is
// an error naming the file and the entry), nothing otherwise.
func persistedPlugins(cfg *config.Config, log *slog.Logger) ([]gateway.Plugin, error) {
	pd := cfg.PersistedDocuments
	if pd.Manifest == "" {
		return nil, nil
	}
	p, err := persisted.New(persisted.Options{Manifest: pd.Manifest, Require: pd.Require, LogUnknown: pd.LogUnknown, Log: log})
	if err != nil {
		return nil, err
	}
	return []gateway.Plugin{p}, nil
}

// requestPlugins are the plugins of the features in this file and
// demandcontrol.go, in pipeline order.
func requestPlugins(cfg *config.Config, log *slog.Logger) ([]gateway.Plugin, error) {
	pp, err := persistedPlugins(cfg, log)
	if err != nil {
		return nil, err
	}
	cp, err := demandControlPlugins(cfg, log)
	if err != nil {
		return nil, err
	}
	return append(pp, cp...), nil
}

// reloadedFiles are the files besides the supergraph whose change, with
// --hot-reload, reloads: the persisted documents manifest.
func reloadedFiles(cfg *config.Config) []string {
	if cfg.PersistedDocuments.Manifest == "" {
		return nil
	}
	return []string{filepath.Clean(cfg.PersistedDocuments.Manifest)}
}
