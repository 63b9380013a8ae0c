package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Plan is an immutable query plan, shared between requests. Its fetches
// are prepared when it is built (NewPlan): what running them needs is
// derived once, not per request.
type Plan struct {
	// Kind is the client operation's kind (query, mutation, subscription).
	Kind ast.Operation
	// Root is the plan tree; nil when nothing needs fetching (for example a
	// query of only __typename / introspection fields).
	Root Node
	// Unresolved holds the client fields no subgraph can resolve where they
	// are selected, by their byte offset in the document (Position.Start)
	// and the type of the object they were planned at: they are left out
	// of the plan there and each answers null with its error at each
	// response path where it appears on an object of that type (the rest
	// is answered). Nil: none.
	Unresolved map[FieldAt]*gqlerror.Error
}

// FieldAt is a field of the client document (its byte offset) selected on
// objects of type Type (an object type, or the abstract type it was
// planned at when the concrete type could not be told).
type FieldAt struct {
	Offset int
	Type   string
}

// Node is one of Sequence, Parallel, Flatten, Fetch, Condition, Defer:
// a closed set consumed with a type switch.
type Node interface{ isNode() }

// Sequence runs its nodes one after another.
type Sequence struct{ Nodes []Node }

// Parallel runs its nodes concurrently; one failing never cancels another.
// Nodes that may write the same response key of the same object run in
// plan order (see Branches), so the later one's value always wins.
type Parallel struct {
	Nodes []Node

	// branches is set when the plan is prepared (order.go) when some of
	// Nodes may write the same key: Nodes regrouped, those that conflict
	// in a Sequence in plan order. Nil: Nodes run as they are.
	branches []Node
}

// Flatten runs Node (an entity Fetch) on every object found at Path in the
// response so far. Path elements are response keys; "@" steps into a list.
type Flatten struct {
	Path []string
	Node Node

	// round and member are set when the plan is prepared (rounds.go):
	// the entity lookups this Flatten shares one _entities call with.
	round  *Round
	member int
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
	// ID names the fetch when a deferred block depends on it; empty otherwise.
	ID string
	// OperationKind is the kind of Operation.
	OperationKind ast.Operation
	// Variables are the client variables Operation uses, ascending.
	Variables []string
	// InputRewrites adjust each representation before it is sent;
	// OutputRewrites adjust each returned entity before it is merged.
	InputRewrites  []Rewrite
	OutputRewrites []Rewrite
	// Context lists the variables of an entity fetch whose values come from
	// enclosing objects (contextual arguments, context.go); nil otherwise.
	Context []ContextArgument

	// ctxTmpl is what ContextOperation builds from (set by the planner).
	ctxTmpl *contextTemplate

	// keys are the root keys (see RootKeys) as the planner recorded them
	// when it wrote Operation; nil in a Fetch written by hand.
	keys []string
	// prep is derived from the fields above when the plan is built
	// (prepare.go); nil in a Fetch written by hand outside NewPlan.
	prep *prepared
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
// streaming each block's result as an incremental payload. Blocks that may
// write the same response key of the same object (or one what the other's
// payload reads) start one after the other in plan order (see Chains). A deferred
// block with deferred fragments of its own has a *Defer as its Node: that
// Defer's Primary fetches the block, its Deferred blocks follow it.
type Defer struct {
	Primary  Node
	Deferred []*DeferredBlock

	// after, chains and branches are set when the plan is prepared
	// (order.go): the blocks chained because they may write, or write what
	// another reads, in common. after nil: no block waits for another.
	after    []int
	chains   [][]*DeferredBlock
	branches []Node
}

// DeferredBlock is one @defer'd fragment at one response position.
type DeferredBlock struct {
	// Label is the @defer(label:) argument, empty when absent.
	Label string
	// Path is the response path of the objects the fragment applies to:
	// response keys, "@" for each list level (as in Flatten.Path).
	Path []string
	// Depends lists the ids (Fetch.ID) of the fetches of the enclosing part
	// whose data this block starts from.
	Depends []string
	// ParentType is the static type of the objects at Path; the fragment
	// applies to those whose type satisfies Selection's type condition.
	ParentType string
	// Selection is what the block delivers for each object at Path: one
	// inline fragment holding the client's deferred selection (its type
	// condition, any @skip/@include, no @defer). It points into the client
	// document the plan was built from and is never modified.
	Selection ast.SelectionSet
	// Fragment identifies the client's fragment: the byte offset of its
	// @defer directive in the document text (stable across parses of one
	// text). The executor leaves fragments with these offsets out of the
	// enclosing part's response.
	Fragment int
	// Node fetches the block's data (nil when the enclosing part already
	// fetched it all).
	Node Node
}

// Fragments returns the Fragment offsets of every block under d, nested
// blocks included, in plan order.
func (d *Defer) Fragments() []int {
	var out []int
	for _, b := range d.Deferred {
		out = append(out, b.Fragment)
		if nd, ok := b.Node.(*Defer); ok {
			out = append(out, nd.Fragments()...)
		}
	}
	return out
}

// Incremental returns the Defer node the plan runs for the given variable
// values (following Condition nodes at the root), or nil when the plan
// delivers everything in one response.
func (p *Plan) Incremental(vars map[string]any) *Defer {
	if p == nil {
		return nil
	}
	n := p.Root
	for {
		switch c := n.(type) {
		case *Condition:
			if b, _ := vars[c.Variable].(bool); b {
				n = c.If
			} else {
				n = c.Else
			}
		case *Defer:
			return c
		default:
			return nil
		}
	}
}

func (*Sequence) isNode()  {}
func (*Parallel) isNode()  {}
func (*Flatten) isNode()   {}
func (*Fetch) isNode()     {}
func (*Condition) isNode() {}
func (*Defer) isNode()     {}
