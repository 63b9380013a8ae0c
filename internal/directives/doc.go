// Package directives reads directive applications from a supergraph, by
// schema coordinate, under whatever local name the supergraph gives them.
//
// A supergraph names a spec's directive through its @link: Apollo's
// composition writes @authenticated, @federation__authenticated (a
// subgraph that did not import it), or an alias (`import: [{name:
// "@requiresScopes", as: "@scopes"}]`); a directive composed with
// @composeDirective keeps its subgraph name and the @link of its own spec.
// Reader resolves those names once (Names) and answers "which applications
// of directive D are at coordinate T or T.f" (On, All) for every feature
// that reads policies from the schema: authorization (@authenticated,
// @requiresScopes, @policy), rate limits, cache hints.
//
// Invariants: a Reader is immutable once built and safe for concurrent
// use; everything it returns is in a deterministic order (types and
// coordinates ascending, applications in declaration order); it never
// mutates the supergraph's schema.
package directives
