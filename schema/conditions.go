package schema

import "github.com/vektah/gqlparser/v2/ast"

// TypeConditions answers, for one schema, whether a type satisfies a
// fragment's type condition: the one place the planner, the executor's
// shaping and entity code and introspection ask it. It is built once per
// schema (NewTypeConditions) and read-only after, so safe for concurrent
// use. A nil *TypeConditions knows no schema: a type satisfies only itself
// (and no condition).
type TypeConditions struct {
	// possible: abstract type -> its possible types (the schema's
	// PossibleTypes as sets).
	possible map[string]map[string]bool
	// implements: object or interface type -> the interfaces it declares
	// it implements.
	implements map[string]map[string]bool
}

// NewTypeConditions indexes s's possible types and interface
// implementations (nil s: nothing satisfies anything but itself).
func NewTypeConditions(s *ast.Schema) *TypeConditions {
	c := &TypeConditions{possible: map[string]map[string]bool{}, implements: map[string]map[string]bool{}}
	if s == nil {
		return c
	}
	for name, defs := range s.PossibleTypes {
		set := make(map[string]bool, len(defs))
		for _, d := range defs {
			if d != nil {
				set[d.Name] = true
			}
		}
		c.possible[name] = set
	}
	for name, d := range s.Types {
		if len(d.Interfaces) > 0 {
			set := make(map[string]bool, len(d.Interfaces))
			for _, i := range d.Interfaces {
				set[i] = true
			}
			c.implements[name] = set
		}
	}
	return c
}

// Possible reports whether t is one of the possible types of the abstract
// type abstract (the schema's PossibleTypes: an object type is its own).
func (c *TypeConditions) Possible(abstract, t string) bool {
	return c != nil && c.possible[abstract][t]
}

// Implements reports whether the object or interface type t declares that
// it implements the interface iface.
func (c *TypeConditions) Implements(t, iface string) bool {
	return c != nil && c.implements[t][iface]
}

// Satisfies reports whether a fragment whose type condition is cond
// applies to an object (or interface) of type t: no condition, the type
// itself, one of its possible types, or an interface declaring that it
// implements cond (the spec's DoesFragmentTypeApply, with interfaces
// implementing interfaces).
func (c *TypeConditions) Satisfies(t, cond string) bool {
	if cond == "" || cond == t {
		return true
	}
	return t != "" && c != nil && (c.possible[cond][t] || c.implements[t][cond])
}

// Overlap reports whether an object can satisfy both type conditions a and
// b: the same type, one a possible type of (or implementing) the other, or
// two abstract types sharing a possible type. A nil *TypeConditions knows
// no schema and answers true for any two types (it cannot tell them apart).
func (c *TypeConditions) Overlap(a, b string) bool {
	if a == b || c == nil {
		return true
	}
	if c.Satisfies(a, b) || c.Satisfies(b, a) {
		return true
	}
	pa, pb := c.possible[a], c.possible[b]
	if len(pb) < len(pa) {
		pa, pb = pb, pa
	}
	for t := range pa { // a yes/no answer: the order does not matter
		if pb[t] {
			return true
		}
	}
	return false
}
