// Package registry owns the subgraph registry: the registered subgraphs
// (name, routing URL, SDL, when registered), the supergraph composed from
// them that the gateway serves, the history of versions with what changed,
// and the operation usage that tells which clients a change would hit.
//
// A registration (Register, Remove) composes the candidate set (the new
// subgraph with every other registered one) through a Composer. On success
// the new snapshot is committed to the Store with an optimistic check on
// the sequence number it was built from (a concurrent commit, here or on
// another replica, makes it retry on the newer state, so nothing is lost),
// then installed: the gateway's new state is built first and swapped in
// atomically, so requests in flight finish on the state they started with.
// On failure the composition errors are returned and nothing changes.
//
// Contracts (contracts.go): the configured ones (WithContracts) and those
// set through SetContract (stored in the snapshot) are applied to every
// composed supergraph, so a registration that leaves a contract empty or
// invalid is refused, and the changes list each contract's own changes.
// Usage records the contract each operation was sent to, and the input
// side of operations (input types and fields, enum values passed, in
// literals and variables: usage_inputs.go), so a breaking change names
// the clients it hits, per contract.
//
// Invariants:
//   - What is served is always ParseSupergraph(Snapshot.Supergraph) of a
//     committed snapshot (with its contracts applied), so every replica and every restart serves the same
//     bytes for the same sequence number.
//   - Installed sequence numbers only grow: a slow local install never
//     replaces a newer one heard from the store.
//   - Stores write each change atomically (file: write, fsync, rename;
//     Redis: one Lua script); a crash mid-write leaves the previous
//     snapshot in place.
//   - Everything a client can make the registry hold is bounded: history
//     entries (WithHistoryLimit), usage entries (UsageOptions.MaxEntries).
//   - Output is sorted (subgraphs by name, history newest first, usage by
//     client, version, operation), never in map order.
package registry
