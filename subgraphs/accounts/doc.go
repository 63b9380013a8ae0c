// Package accounts is the accounts demo subgraph: User @key(id) with name,
// username, birthday and email (@requiresScopes read:email or admin, enforced
// by the gateway), and the root fields me (@authenticated: the user whose id
// the gateway sends in the X-User-Id header, the token's sub; user "1" when
// no id is sent, as by a gateway without authentication), user(id) and users.
// Unknown ids resolve to null, as root fields and as entities.
package accounts
