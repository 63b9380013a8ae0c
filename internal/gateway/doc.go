// Package gateway holds the hot-swappable state {supergraph, planner,
// executor} and the request pipeline: limits, parse, validate, plan,
// execute.
//
// A client document is checked against Limits (limits.go) before it is
// validated: the token count while parsing (gqlparser stops at more than
// MaxTokens, so the query is lexed once), then depth, root fields,
// aliases and recursive selections (fragments expanded, each fragment
// measured once) on the parsed document. Validation is the costly step for
// hostile documents, so a refused document costs at most one parse. Refusals are cached with the document like validation errors.
// Validation runs gqlparser's rules with one override (spreads.go): a
// fragment on a type inside a field of that same type is always possible,
// as in graphql-js, even when the type has no possible types in the API
// (an interface only @interfaceObject subgraphs implement).
//
// Automatic persisted queries (apq.go) resolve before anything else: a
// request carrying only extensions.persistedQuery gets its text from a
// bounded store, or PERSISTED_QUERY_NOT_FOUND so that the client resends
// it with the query; a query sent with a hash is checked against it.
//
// A Response from execution carries the executor's pooled buffer (Body is
// the whole document {"data":…}); the transport calls Release once it has
// written it. When inbound deduplication shares one execution between
// identical requests, each gets a copy of the Response without the buffer,
// so that no sharer can give it back while another still writes it.
//
// Workbench flags (trace.go), set by the transport from request headers:
// PlanOnly answers the plan without executing anything; IncludeTrace adds
// the subgraph fetch trace to extensions.junctionTrace. Requests carrying
// either are never shared by inbound deduplication; requests carrying
// neither pay nothing for them.
//
// Subgraph answer headers (respheaders.go, WithResponseHeaders): only
// what the policy allows reaches the client, set on the Response inside
// the execution (so every request sharing it gets them); Cache-Control is
// merged by MergeCacheControl, the one rule the cache plugin uses too.
// Unconfigured, no collector is made. WithHTTPOptions (transport.go)
// passes compression and connection settings to the default client.
//
// Subscriptions (subscribe.go): a subscription operation from a transport
// that streams (Request.AcceptSubscription) is planned like a query; its
// root fetch is subscribed to upstream (internal/subscription) and each
// event runs the plan with the event as that fetch's answer
// (executor.Request.Event), yielded through Response.Events. A swap
// re-plans running subscriptions or ends them (SUBSCRIPTION_SCHEMA_CHANGED);
// a credential expiry in the context (WithCredentialExpiry) ends them with
// UNAUTHENTICATED.
package gateway
