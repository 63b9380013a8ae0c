// Package gqltest posts GraphQL requests to a handler in tests and decodes
// the answer. It is used only by the demo subgraphs' tests.
package gqltest
