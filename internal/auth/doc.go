// Package auth authenticates requests: it reads a bearer token (header or
// cookie), verifies it against the configured providers, and puts the
// caller's Principal in the request's context (NewContext, FromContext).
//
// Providers verify JWTs (golang-jwt v5) with HMAC secrets, PEM public keys
// (RSA, ECDSA, Ed25519), JWKS files or JWKS URLs, or check opaque tokens
// with an OAuth 2.0 introspection endpoint (RFC 7662), answers cached.
//
// Invariants:
//   - A key is typed by its source: an HMAC secret is a []byte and only
//     HS* tokens are checked with it; a public key only verifies the
//     algorithms of its kind (RS*/PS* for RSA, ES* on its curve, EdDSA for
//     Ed25519), whatever a token's header says: no algorithm confusion.
//     "none" is never allowed; each provider has an algorithm allow-list.
//   - A JWKS URL is fetched at start, every refresh period, and at once on
//     an unknown kid, at most once per jwks_min_refresh however many
//     unknown kids arrive; every fetch is bounded in time and size; a failed
//     fetch keeps the keys already known.
//   - A bad token gets 401 with a GraphQL error (extensions.code
//     UNAUTHENTICATED) saying what was wrong; no message ever holds key
//     material or the token.
//   - The Authenticator is a gateway plugin only when a provider is
//     configured: without one nothing is added to the request path.
//   - Claims reach subgraphs only as configured (headers.claims).
//   - A verified JWT is remembered by its SHA-256 (never the token) for at
//     most a minute and never past its exp, in an LRU of jwt.cache_size
//     entries: a token sent again costs a hash and a lookup. A Principal is
//     shared by the requests of one token and never mutated.
package auth
