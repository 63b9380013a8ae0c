// Package schema owns the supergraph model: ParseSupergraph reads Apollo's
// supergraph SDL (join spec v0.1-v0.5 under @link v1.0 or @core v0.1/v0.2,
// @inaccessible, @tag, under their default, prefixed or imported names) into
// a Supergraph with per-subgraph metadata for every type and field (keys,
// field sources, @requires / @provides field sets bound to the schema,
// @override, @interfaceObject, implements, union members, enum values), and
// derives the API schema clients see (PrintAPI prints it). Contracts
// (contract.go, ApplyContracts) are variants of the API schema filtered by
// @tag, sharing everything else with the full supergraph.
//
// Invariants: a returned Supergraph is immutable and fully validated: every
// graph named by a join directive is a subgraph, every field set parses and
// every *ast.Field in it has Definition and ObjectDefinition set, the API
// schema is a valid gqlparser schema without join__/link__/core machinery,
// feature directives or @inaccessible elements. One it cannot serve is
// refused with an error wrapping ErrInvalidSupergraph (and
// ErrUnsupportedFeature / ErrInvalidFieldSet where they apply) naming the
// element. Every list in the model is sorted or in declaration order; no
// output depends on map iteration. This package knows nothing of HTTP,
// planning or execution.
//
// Operations: two questions every reader of a client operation asks are
// answered here, once. TypeConditions (conditions.go) says whether a type
// satisfies a fragment's type condition (planner, executor, introspection,
// demand control). CollectFields (collect.go) is the spec's CollectFields:
// a selection's fields grouped by response key in first-seen order,
// fragments applied by type condition, each spread once, with Included (the
// spec's @skip/@include); the caller's FieldFilter says what it leaves out
// besides (a deferred fragment) and how a fragment applies. Both read the
// document, never modify it.
//
// Composition: ParseSubgraph reads a subgraph SDL as `_service { sdl }`
// returns it (Federation 1 and 2) into a SubgraphSchema; Compose merges
// subgraphs into a Supergraph by the federation merging rules, validating
// with Apollo's error codes (CompositionErrors, sorted); Print writes the
// supergraph SDL, and ParseSupergraph(Print(sg)) is the same model because
// Compose loads its own printed SDL. The input order of subgraphs never
// changes the output. Diff lists the client-visible changes between two
// supergraphs' API schemas, breaking ones marked. Satisfiability (can every
// API field be planned?) needs the planner and is checked in package
// compose, above both.
//
// Files: link.go resolves @link/@core features, supergraph.go loads
// subgraphs and type headers, join.go reads the join directives, fieldset.go
// parses and binds field sets, api.go derives and prints the API schema; subgraph.go
// (ParseSubgraph), compose.go (merging and validation), compose_types.go (merging field
// types, arguments, input objects, enums and unions), compose_errors.go,
// print.go (supergraph SDL) and diff.go (Diff) compose; context.go reads and
// composes @context / @fromContext (Type.Contexts, FieldSource.Contexts, the
// context v0.1 spec, join v0.5 contextArguments).
package schema
