// Package introspection answers GraphQL introspection (__schema,
// __type(name:), and a root __typename next to them) from an API schema,
// by the gateway itself: never sent to a subgraph. It imports gqlparser's
// ast and, of Junction, only package schema (CollectFields, TypeConditions);
// the executor calls it while shaping (Fields, with the executor's type
// conditions; executor.Introspect is this package's Field).
//
// Introspection is answered by the gateway itself, from the API schema, never
// sent to a subgraph. The algorithm is the spec's ExecuteSelectionSet narrowed
// to the six introspection object types (__Schema, __Type, __Field,
// __InputValue, __EnumValue, __Directive):
//
//  1. Collect the fields of a selection set for the object's type name
//     (schema.CollectFields): @skip/@include are evaluated against the
//     variables, inline fragments and fragment spreads apply when the type
//     satisfies their condition (schema.TypeConditions.Satisfies); fields
//     sharing a response key are merged (their sub-selections are
//     concatenated) and keep the position of the first occurrence.
//  2. Resolve each field from the ast.Schema and write its JSON value straight
//     into one buffer, in collection order, so keys follow the client's
//     selection order. Lists of types and directives are sorted by name; the
//     fields, arguments, enum values and input fields of a type keep their
//     declaration order; the possible types of an interface are sorted by name
//     and the members of a union keep their declared order.
//
// Fields named "__..." that gqlparser adds to the query type (__schema,
// __type) are not listed by __Type.fields. Nested list fields (types, fields,
// args, ...) deeper than maxIntrospectionListDepth are refused with a client
// error, so that a small query cannot ask for an output exponential in its
// depth. The document is read, never modified.
//
// Invariants: the schema and the client's fields are read, never
// modified; output keys follow the client's selection, lists are sorted
// as above, so the answer is deterministic; list nesting is bounded
// (ErrTooDeep, extensions.code INTROSPECTION_TOO_DEEP); a field or
// argument a validated document cannot carry gives an error wrapping Err,
// never a panic.
package introspection
