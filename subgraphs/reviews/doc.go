// Package reviews is the reviews demo subgraph: Review @key(id) with body,
// product and author (@provides username, so every author it returns carries
// its username), and User.reviews and Product.reviews on entity stubs. Any
// User or Product representation resolves (to its reviews, possibly none);
// unknown review ids resolve to null.
package reviews
