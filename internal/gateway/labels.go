package gateway

import (
	"math/rand/v2"

	"github.com/junction-gateway/junction/planner"
)

// decideLabels decides the supergraph's progressive-override labels for one
// request: a label forced by configuration keeps its value; "percent(N)" is
// active with probability N/100 (drawn per request, so about N% of requests
// take the overriding subgraph); any other label is inactive. Returns nil
// when no label is active.
func (g *Gateway) decideLabels(st *State) map[string]bool {
	var active map[string]bool
	for _, l := range st.Planner.OverrideLabels() {
		on, forced := g.opts.overrideLabels[l]
		if !forced {
			if n, ok := planner.PercentLabel(l); ok {
				on = n >= 100 || (n > 0 && rand.Float64()*100 < n)
			}
		}
		if on {
			if active == nil {
				active = map[string]bool{}
			}
			active[l] = true
		}
	}
	return active
}
