// Package persisted serves persisted (trusted) documents: operations
// listed in a manifest in Apollo's persisted query list format
// ({"format": "apollo-persisted-query-manifest", "version": 1,
// "operations": [{"id", "body", "name", "type"}]}), which clients name by
// id instead of sending their text: extensions.persistedQuery.sha256Hash
// (the APQ protocol's field) or documentId (the GraphQL-over-HTTP draft).
// With Require, it is a safelist: a document that is not in the manifest
// is refused (PERSISTED_QUERY_NOT_IN_LIST) and automatic persisted
// queries cannot register new ones.
//
// Plugin is a gateway.RequestInterceptor (it resolves ids to bodies
// before parsing) and a gateway.Preparer: every supergraph swap (start,
// SIGHUP, hot reload) re-reads the manifest file, and a bad manifest
// refuses the swap, naming the file and the entry.
//
// Invariants: a loaded Manifest is immutable and shared; the plugin
// switches manifests atomically, so a request sees one manifest whole;
// an id is resolved only to the body the manifest gives it; with
// Require, no document outside the manifest reaches parsing.
package persisted
