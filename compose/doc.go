// Package compose composes subgraphs into a supergraph Junction can serve:
// schema.Compose (merging and the schema-level validation) followed by the
// satisfiability check, which needs the planner.
//
// Layering: schema knows nothing of planning, planner imports schema, and
// this package imports both; nothing below imports it. Callers that accept
// subgraphs from people (the CLI's compose and check, the registry) call
// compose.Compose; schema.Compose alone is enough for trusted input and
// tests.
//
// Satisfiability (SATISFIABILITY_ERROR): every field the API schema exposes
// must be reachable by some plan. The check walks the API schema from the
// root types breadth-first; each object or interface type is entered
// through up to MaxEdges of its incoming edges (a field returning it, or a
// fragment from an abstract parent), each reached by the shortest path from
// a root. Interface fields are checked on each implementation, entered
// through `... on Impl` from the interface (a selection on an interface is
// answered per runtime type). For every entry it builds a client operation selecting all the
// type's fields at the end of that path (required arguments get minimal
// literals) and asks the planner, with its own search, for a plan; when
// that fails it plans the fields one by one to name the culprits. Each
// error names the field, the path of types and fields, the subgraphs that
// resolve the field and the planner's reason. With progressive-override
// labels the check runs with every label off and with every label on.
//
// Invariants: errors are sorted (schema.CompositionErrors); the check only
// reads the supergraph; its cost is bounded by MaxEdges plans per type plus
// one per field that fails.
package compose
