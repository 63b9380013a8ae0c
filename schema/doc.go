// Package schema owns the supergraph model: ParseSupergraph reads Apollo's
// supergraph SDL (join spec v0.1-v0.5 under @link v1.0 or @core v0.1/v0.2,
// @inaccessible, @tag, under their default, prefixed or imported names) into
// a Supergraph with per-subgraph metadata for every type and field (keys,
// field sources, @requires / @provides field sets bound to the schema,
// @override, @interfaceObject, implements, union members, enum values), and
// derives the API schema clients see (PrintAPI prints it).
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
// Files: link.go resolves @link/@core features, supergraph.go loads
// subgraphs and type headers, join.go reads the join directives, fieldset.go
// parses and binds field sets, api.go derives and prints the API schema.
package schema
