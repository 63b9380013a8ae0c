package schema

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Supergraph is a loaded, validated supergraph. It is immutable once
// returned by ParseSupergraph (or Compose) and shared by every request.
type Supergraph struct {
	// SDL is the supergraph text as loaded.
	SDL string
	// Version identifies this supergraph: a hash of SDL. Plan caches key on it.
	Version string
	// Schema is the full supergraph schema, join__/link__ elements included.
	Schema *ast.Schema
	// API is the schema clients see: no join__/link__ elements, nothing
	// @inaccessible, no federation directives. Client documents validate here.
	API *ast.Schema
	// Subgraphs in ascending Name order.
	Subgraphs []*Subgraph
	// Types holds the federation metadata of every named type of the
	// supergraph (objects, interfaces, unions, enums, inputs, scalars),
	// join__/link__ machinery excluded.
	Types map[string]*Type
	// Links are the specs linked on the schema definition (@link / @core),
	// in declaration order.
	Links []Link
	// Contract names the contract this supergraph is a variant of (empty
	// for the full supergraph): see contract.go.
	Contract string
	// ContractFilter is the contract's filter (zero for the full supergraph).
	ContractFilter ContractFilter
	// Contracts are the contract variants of this supergraph, ascending by
	// name (ApplyContracts); nil for a contract and when none is declared.
	Contracts []*Supergraph
	// tags holds the local names of the @tag directive (through @link
	// imports and renames), for contracts.
	tags map[string]bool
}

// Subgraph is one service of the supergraph (one value of the join__Graph enum).
type Subgraph struct {
	Name string // @join__graph(name:)
	Enum string // the join__Graph enum value, e.g. "ACCOUNTS"
	URL  string // @join__graph(url:); may be empty
}

// Type is the federation metadata of one named type.
type Type struct {
	Name string
	Kind ast.DefinitionKind
	// Subgraphs that declare the type (@join__type), ascending. For a type
	// with no @join__type at all (a plain value type) every subgraph.
	Subgraphs []string
	// Keys in declaration order (subgraph by subgraph, ascending).
	Keys []*Key
	// InterfaceObject lists the subgraphs (ascending) in which this interface
	// is declared as an object type with @interfaceObject.
	InterfaceObject []string
	// Extension lists the subgraphs (ascending) in which the type is an extension.
	Extension []string
	// Implements maps subgraph -> interface names the object/interface
	// implements there (@join__implements), each list ascending.
	Implements map[string][]string
	// UnionMembers maps subgraph -> member type names (@join__unionMember), ascending.
	UnionMembers map[string][]string
	// Fields of objects and interfaces by name; FieldOrder is declaration order.
	Fields     map[string]*Field
	FieldOrder []string
	// EnumValues maps enum value -> subgraphs that define it (@join__enumValue), ascending.
	EnumValues map[string][]string
	// Inaccessible is true when the type is @inaccessible (absent from API).
	Inaccessible bool
	// Contexts are the context names the type sets (@context), in
	// declaration order (context.go).
	Contexts []string
}

// Key is one @join__type(key:) of a type in one subgraph.
type Key struct {
	Subgraph string
	// Fields is the raw field set, e.g. "id" or "upc sku { id }".
	Fields string
	// Selection is Fields parsed and bound to the supergraph schema
	// (every *ast.Field has its Definition and ObjectDefinition set).
	Selection  ast.SelectionSet
	Resolvable bool
}

// Field is one field of an object or interface with where it resolves.
type Field struct {
	Parent     string
	Name       string
	Definition *ast.FieldDefinition // in the supergraph schema
	// Sources, ascending by subgraph. A field with no @join__field belongs to
	// every subgraph that declares its parent type.
	Sources      []*FieldSource
	Inaccessible bool
}

// FieldSource is the field as one subgraph declares it (@join__field).
type FieldSource struct {
	Subgraph string
	// External: declared @external in this subgraph; it cannot resolve the
	// field unless a @provides on the path provides it.
	External bool
	// Requires / Provides field sets, raw and bound to the supergraph schema
	// (Requires on the parent type, Provides on the field's return type).
	RequiresText string
	Requires     ast.SelectionSet
	ProvidesText string
	Provides     ast.SelectionSet
	// Type is the field's type in this subgraph when it differs from the
	// supergraph's (@join__field(type:)); empty otherwise.
	Type string
	// OverrideFrom names the subgraph this one took the field from;
	// OverrideLabel is the progressive-override label ("percent(N)" or a
	// custom label), empty for a full override.
	OverrideFrom  string
	OverrideLabel string
	// UsedOverridden: the field was overridden away from this subgraph but
	// is still used there (in a key or @requires); not a place to resolve it.
	UsedOverridden bool
	// Contexts are the field's contextual arguments in this subgraph
	// (@join__field(contextArguments:), context.go): the field is fetched
	// through _entities with each value taken from an enclosing object.
	Contexts []*ContextArgument
}

// Subgraph returns the subgraph with the given name, or nil.
func (s *Supergraph) Subgraph(name string) *Subgraph {
	for _, sg := range s.Subgraphs {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

// Source returns the field's declaration in subgraph, or nil.
func (f *Field) Source(subgraph string) *FieldSource {
	for _, s := range f.Sources {
		if s.Subgraph == subgraph {
			return s
		}
	}
	return nil
}

// KeysIn returns the type's keys declared in subgraph, in declaration order.
func (t *Type) KeysIn(subgraph string) []*Key {
	var out []*Key
	for _, k := range t.Keys {
		if k.Subgraph == subgraph {
			out = append(out, k)
		}
	}
	return out
}

// In reports whether the type is declared in subgraph.
func (t *Type) In(subgraph string) bool {
	for _, s := range t.Subgraphs {
		if s == subgraph {
			return true
		}
	}
	return false
}
