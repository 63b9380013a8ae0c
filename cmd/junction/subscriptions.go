package main

import (
	"context"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/server"
)

// subscriptionOptions hands subscriptions: (the client transports'
// bounds) to the server.
func subscriptionOptions(cfg *config.Config) server.Option {
	s := cfg.Subscriptions
	return server.WithSubscriptions(cfg.SubscriptionsEnabled(), server.Subscriptions{
		MaxPerConnection: s.MaxPerConnection,
		MaxPerClient:     s.MaxPerClient,
		InitTimeout:      s.InitTimeout,
		KeepAlive:        s.KeepAlive,
		IdleTimeout:      s.IdleTimeout,
		WriteTimeout:     s.WriteTimeout,
		QueueSize:        s.QueueSize,
	})
}

// closeSubscriptions ends the subscription transports at shutdown, after
// the drain: WebSockets close with 1001 (http.Server.Shutdown does not see
// them: they are hijacked), event streams end. It logs what was still open
// when ctx ended.
func (rt *runtime) closeSubscriptions(ctx context.Context) {
	if rt.subs == nil {
		return
	}
	if n := rt.subs.CloseSubscriptions(ctx); n > 0 {
		rt.log.Warn("subscription connections still open after shutdown.grace", "open", n)
	}
}
