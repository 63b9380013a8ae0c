// Package reviews is the reviews demo subgraph: Review @key(id) with body,
// product and author (@provides username, so every author it returns carries
// its username), and User.reviews and Product.reviews on entity stubs. Any
// User or Product representation resolves (to its reviews, possibly none);
// unknown review ids resolve to null.
//
// Mutation.addReview (@authenticated) adds a review by the caller, the user
// whose id the gateway sends in X-User-Id. Added reviews live in the Server
// (never in the shared read-only data), come after the generated ones in
// User.reviews and Product.reviews, and are bounded: MaxAdded reviews per
// server, MaxBodyLength characters each.
//
// Product.reviews and User.reviews are where a query can cycle: each counts
// serve.ListFanout times its selections in the complexity limit, so a deep
// cyclic query is refused before it runs (NewLimited lifts the limit for
// tests), and they stop resolving once the request's context is done.
package reviews
