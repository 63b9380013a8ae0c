// Package authz enforces the federation authorization directives
// (@authenticated, @requiresScopes, @policy) before planning.
//
// Prepare (once per supergraph) reads the directives through
// internal/directives, under whatever names the supergraph gives them, and
// computes for each field of the API schema what reading it requires: the
// field's own directives, its parent type's, its return type's (objects,
// interfaces, scalars, enums), and on an interface field those of every
// implementation (the caller may get any of them back). A requirement is a
// conjunction of: authenticated; scope alternatives (outer list OR, inner
// AND); policy alternatives, likewise.
//
// InterceptOperation decides once per operation: every selected field is
// looked up (one map read), requirements are evaluated against the
// caller (auth.FromContext) at most once each, and a field the caller may
// not read is denied (gateway.Operation.Deny: never fetched, null with
// extensions.code UNAUTHORIZED_FIELD_OR_TYPE at its path), or, with
// reject_unauthorized, the operation is refused with 403. A fragment on a
// protected member of an abstract type is denied through its fields, whose
// parent type is the member. Introspection (__schema, __type) shows the
// whole API schema to every caller unless authorization.introspection says
// authenticated (a valid token) or off.
//
// Policies are CEL expressions named in the config, evaluated with a cost
// limit; a policy that is not configured, fails, or is not a bool denies
// (fail closed). With no directive in the supergraph the interceptor adds
// nothing but one map-length check per operation.
package authz
