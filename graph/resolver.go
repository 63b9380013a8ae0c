package graph

import (
	"github.com/junction-gateway/junction/schema"
)

// Resolver answers the registry/admin API from the gateway's current state.
type Resolver struct {
	// Current returns the supergraph being served now.
	Current func() *schema.Supergraph
}
