package main

import (
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/subscription"
)

// upstreamSubscriptionOptions hands subgraphs.NAME.subscriptions to the
// gateway (a subgraph without the block: graphql-transport-ws at its URL
// with the defaults of internal/subscription).
func upstreamSubscriptionOptions(cfg *config.Config) gateway.Option {
	per := map[string]gateway.SubgraphSubscriptions{}
	for name, s := range cfg.Subgraphs {
		if s.Subscriptions == nil {
			continue
		}
		c := s.Subscriptions
		per[name] = gateway.SubgraphSubscriptions{
			Protocol:           subscription.Protocol(c.Protocol),
			URL:                c.URL,
			ForwardInitPayload: c.ForwardInitPayload,
			ConnectTimeout:     c.ConnectTimeout,
			IdleTimeout:        c.IdleTimeout,
			MaxEventBytes:      c.MaxEventBytes,
			Buffer:             c.Buffer,
		}
	}
	return gateway.WithSubscriptions(subscription.Options{}, per)
}
