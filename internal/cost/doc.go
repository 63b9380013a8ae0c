// Package cost is demand control: the estimated cost of each operation,
// computed from the supergraph's @cost and @listSize (the IBM GraphQL cost
// directives, carried through federation by the cost spec's @link) the way
// the IBM cost spec and Apollo Router's demand control describe it, a
// budget per operation (demand_control.max_cost) enforced before planning
// or only measured, and the actual cost counted from the response.
//
// Plugin is a gateway.Preparer (Prepare reads the directives into a Table
// at every supergraph swap) and a gateway.OperationInterceptor (estimate,
// refuse over budget in enforce mode, run, measure, report in
// extensions.cost when asked with the Junction-Include-Cost header or
// configured to always). The formulas are written up in estimate.go and
// actual.go.
//
// Invariants: a Table is immutable once built but for its estimate cache
// (a bounded LRU keyed by the query's SHA-256, the operation's name and
// the values of the variables the estimate reads: a variable that cannot
// change the cost does not split the cache, and no client text is pinned) and safe for concurrent use; costs saturate at 2^63 and are
// never +Inf or NaN; the shared document and responses are never mutated
// (responses are copied before extensions or errors are added); with the
// plugin not configured nothing of this package runs.
package cost
