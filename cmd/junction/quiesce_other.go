//go:build !linux

package main

import (
	"context"
	"log/slog"
	"net"
)

// quiesceListener is a no-op outside Linux: the listener is closed by
// http.Server.Shutdown (connections still in its accept queue are reset).
func quiesceListener(ctx context.Context, ln net.Listener, log *slog.Logger) error { return nil }
