package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Plan is an immutable query plan, shared between requests.
type Plan struct {
	// Kind is the client operation's kind (query, mutation, subscription).
	Kind ast.Operation
	// Root is the plan tree; nil when nothing needs fetching (for example a
	// query of only __typename / introspection fields).
	Root Node
}

// Node is one of Sequence, Parallel, Flatten, Fetch, Condition, Defer:
// a closed set consumed with a type switch.
type Node interface{ isNode() }

// Sequence runs its nodes one after another.
type Sequence struct{ Nodes []Node }

// Parallel runs its nodes concurrently; one failing never cancels another.
type Parallel struct{ Nodes []Node }

// Flatten runs Node (an entity Fetch) on every object found at Path in the
// response so far. Path elements are response keys; "@" steps into a list.
type Flatten struct {
	Path []string
	Node Node
}

// Fetch is one request to one subgraph.
type Fetch struct {
	// Service is the subgraph name.
	Service string
	// Requires is the representation selection of an entity fetch: inline
	// fragments on type conditions, each selecting __typename, key and
	// @requires fields. For each field, Name is the representation's key
	// and Alias the response key to read in the data gathered so far.
	// Nil for a root fetch.
	Requires ast.SelectionSet
	// Operation is the GraphQL document sent to the subgraph. An entity
	// fetch takes $representations: [_Any!]! and selects _entities.
	Operation string
	// OperationName is the operation's name in Operation, if any.
	OperationName string
	// OperationKind is the kind of Operation.
	OperationKind ast.Operation
	// Variables are the client variables Operation uses, ascending.
	Variables []string
	// InputRewrites adjust each representation before it is sent;
	// OutputRewrites adjust each returned entity before it is merged.
	InputRewrites  []Rewrite
	OutputRewrites []Rewrite
}

// Rewrite sets the value at Path (response keys; a "... on T" element
// applies only to objects of type T) to SetValueTo, or when RenameKeyTo is
// set renames the key at Path.
type Rewrite struct {
	Path        []string
	SetValueTo  string
	RenameKeyTo string
}

// Condition runs If when the boolean variable is true, Else otherwise
// (either may be nil). It comes from @skip / @include on a variable.
type Condition struct {
	Variable string
	If       Node
	Else     Node
}

// Defer runs Primary, then each Deferred block as its dependencies allow,
// streaming each block's result as an incremental payload.
type Defer struct {
	Primary  Node
	Deferred []*DeferredBlock
}

// DeferredBlock is one @defer'd fragment: Label, the response Path it
// belongs at, and the Node that fetches it (nil when nothing is fetched).
type DeferredBlock struct {
	Label string
	Path  []string
	Node  Node
}

func (*Sequence) isNode()  {}
func (*Parallel) isNode()  {}
func (*Flatten) isNode()   {}
func (*Fetch) isNode()     {}
func (*Condition) isNode() {}
func (*Defer) isNode()     {}
