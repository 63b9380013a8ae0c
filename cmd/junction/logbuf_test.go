package main

import "log/slog"

// sloggerTo logs to w (syncBuffer: registry_test.go).
func sloggerTo(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
