// Package accounts is the accounts demo subgraph: User @key(id) with name,
// username and birthday, and the root fields me (always user "1"), user(id)
// and users. Unknown ids resolve to null, as root fields and as entities.
package accounts
