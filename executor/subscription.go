package executor

import (
	"errors"
	"fmt"

	"github.com/junction-gateway/junction/planner"
)

// Subscriptions.
//
// A subscription's plan is a query plan whose root fetch selects the
// subscription field from the one subgraph that serves it. The gateway
// sends that fetch's operation to the subgraph as a subscription (over
// WebSocket or SSE, internal/subscription) and runs the whole plan once per
// event with Request.Event set: the event stands for the root fetch's
// answer (decoded, checked and rewritten like any root answer), and every
// other fetch (entities batched per Flatten) goes out as for a query. Each
// event is therefore completed, merged and shaped like a query response,
// with the same null propagation; an event's errors stay in that event.

// ErrNoEvent: a subscription's root fetch was run without an event (a
// subscription is never sent as a one-off HTTP request).
var ErrNoEvent = errors.New("executor: a subscription's root fetch runs only with an event")

// event decodes r.req.Event as the answer of the subscription fetch f.
func (r *run) event(f *planner.Fetch) (*value, []subgraphError, error) {
	if r.req.Event == nil {
		return nil, nil, fmt.Errorf("%w (subgraph %q)", ErrNoEvent, f.Service)
	}
	return r.decodeAnswer(f, answer{body: r.req.Event})
}
