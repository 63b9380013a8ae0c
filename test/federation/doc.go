// Package federation holds Junction's federation behaviour tests: each case
// is a directory testdata/<case>/ with one SDL file per subgraph and the
// supergraph.graphql that @apollo/composition composed from them (regenerate
// with `cd test/federation/compose && npm install && node compose.mjs`), and
// a _test.go file that serves those subgraphs with fedtest over Go data and
// asserts whole responses through the gateway. startCase (case_test.go)
// serves a case with each subgraph validating what it receives against its
// SDL.
package federation
