// Package schema owns the supergraph model: ParseSupergraph reads Apollo's
// supergraph SDL (join spec v0.2-v0.5, @link v1.0, @inaccessible, @tag) into a
// Supergraph with per-subgraph metadata for every type and field, and derives
// the API schema clients see. Invariants: a returned Supergraph is immutable
// and fully validated; one it cannot serve is refused with an error naming
// the element. This package knows nothing of HTTP, planning or execution.
package schema
