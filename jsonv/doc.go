// Package jsonv is Junction's one fast JSON layer: the token scanner, the
// escape checks and unquoting, the ordered JSON tree (Value) and its
// parser, shared by the executor (subgraph answers become trees) and the
// HTTP server (request bodies become a gateway.Request).
//
// What it owns:
//
//   - scan.go: Scanner, the left-to-right reader of JSON tokens, and the
//     functions under it: PlainRun (eight bytes at a time, SWAR),
//     ScanString, ScanNumber, Skip (one value checked, nothing built).
//   - quote.go: Unquote (a string token to a Go string, exactly as
//     encoding/json decodes it) and AppendString (a Go string to a token).
//   - value.go: Value, a 24-byte node of an ordered tree whose scalars keep
//     their raw tokens, and AppendValue.
//   - parse.go and arena.go: Parser, which builds the tree with its nodes in
//     slabs, from pools when an Arena is given.
//
// Invariants:
//
//   - Everything accepted is valid JSON (RFC 8259); nothing is read outside
//     the input; nesting is bounded (Scanner.MaxDepth, DefaultMaxDepth),
//     and a failure is an ErrSyntax error naming what is wrong and the
//     offset.
//   - A parsed tree aliases its input: scalars are slices of it and keys
//     without escapes point into it. The input must not change while the
//     tree lives. Trees hold only valid UTF-8 (the tokens are written out
//     as they are).
//   - Unquote and the tree agree with encoding/json (FuzzUnquote,
//     FuzzParse); PlainRun agrees with a byte-at-a-time scan (TestPlainRun).
//   - Nodes in an Arena's slabs are valid until Arena.Release, which zeroes
//     what was handed out before the slabs go back to the pools.
//
// The package imports nothing of Junction: core packages (executor) and
// internal ones (internal/server) both use it.
package jsonv
