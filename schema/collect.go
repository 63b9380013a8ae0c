package schema

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// ErrSkipIncludeIf is wrapped by Included's error: an @skip or @include
// whose if argument is missing or not a Boolean (validation rejects both).
var ErrSkipIncludeIf = errors.New("@skip/@include without a Boolean if")

// FieldGroup is the fields one response key collects at one object, in
// document order: Fields[0] decides the key's position and arguments,
// and the sub-selections of all of them are the key's selection.
type FieldGroup struct {
	Key    string
	Fields []*ast.Field
}

// FieldFilter is what a caller of CollectFields decides: which selections
// are collected at all, and which fragments apply to the object.
type FieldFilter interface {
	// Include reports whether sel (an *ast.Field, *ast.InlineFragment or
	// *ast.FragmentSpread), whose directives are dirs, is collected:
	// Included's @skip/@include, and whatever else the caller leaves out
	// (a fragment deferred to a later payload).
	Include(sel ast.Selection, dirs ast.DirectiveList) bool
	// Applies reports whether a fragment with type condition cond ("" for
	// an inline fragment without one) applies to the object collected:
	// for an object of a known type t, TypeConditions.Satisfies(t, cond).
	Applies(cond string) bool
}

// CollectFields is the spec's CollectFields over the selection sets sets
// (one selection set, or the merged sub-selections of a response key's
// fields): fields grouped by response key in the order their keys first
// appear, appended to out. A selection f.Include refuses is left out; an
// inline fragment or a fragment spread whose type condition f.Applies is
// walked in place; each fragment is spread once (which also ends cycles in
// a document validation did not see). A spread that validation did not bind
// (FragmentSpread.Definition nil) is looked up in frags, and left out when
// it is not there. The document is read, never modified; the groups' Fields
// slices are the caller's.
//
// The cost is linear in the selections walked: response keys and visited
// fragments are found through a map once there are more than a few.
func CollectFields(f FieldFilter, frags ast.FragmentDefinitionList, out []FieldGroup, sets ...ast.SelectionSet) []FieldGroup {
	c := collection{f: f, frags: frags, out: out}
	for _, sel := range sets {
		c.walk(sel)
	}
	return c.out
}

// shortList is how many response keys (or fragments) are searched in a
// list before CollectFields indexes them in a map.
const shortList = 16

// collection is the state of one CollectFields.
type collection struct {
	f       FieldFilter
	frags   ast.FragmentDefinitionList
	out     []FieldGroup
	keys    map[string]int // response key -> index in out, once out is long
	visited []string
	seen    map[string]bool // visited, once it is long
}

func (c *collection) walk(sel ast.SelectionSet) {
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			if c.f.Include(x, x.Directives) {
				c.add(x)
			}
		case *ast.InlineFragment:
			if c.f.Include(x, x.Directives) && c.f.Applies(x.TypeCondition) {
				c.walk(x.SelectionSet)
			}
		case *ast.FragmentSpread:
			if !c.f.Include(x, x.Directives) || c.visit(x.Name) {
				continue
			}
			def := x.Definition
			if def == nil {
				def = c.frags.ForName(x.Name)
			}
			if def != nil && c.f.Applies(def.TypeCondition) {
				c.walk(def.SelectionSet)
			}
		}
	}
}

// add appends field x to its response key's group.
func (c *collection) add(x *ast.Field) {
	key := x.Alias
	if key == "" {
		key = x.Name
	}
	if c.keys != nil {
		if i, ok := c.keys[key]; ok {
			c.out[i].Fields = append(c.out[i].Fields, x)
			return
		}
	} else {
		for i := range c.out {
			if c.out[i].Key == key {
				c.out[i].Fields = append(c.out[i].Fields, x)
				return
			}
		}
	}
	c.out = append(c.out, FieldGroup{Key: key, Fields: []*ast.Field{x}})
	switch {
	case c.keys != nil:
		c.keys[key] = len(c.out) - 1
	case len(c.out) > shortList:
		c.keys = make(map[string]int, 2*len(c.out))
		for i := range c.out {
			if _, dup := c.keys[c.out[i].Key]; !dup { // out may hold the caller's groups
				c.keys[c.out[i].Key] = i
			}
		}
	}
}

// visit reports whether fragment name was spread already, marking it.
func (c *collection) visit(name string) bool {
	if c.seen != nil {
		if c.seen[name] {
			return true
		}
		c.seen[name] = true
		return false
	}
	for _, v := range c.visited {
		if v == name {
			return true
		}
	}
	c.visited = append(c.visited, name)
	if len(c.visited) > shortList {
		c.seen = make(map[string]bool, 2*len(c.visited))
		for _, v := range c.visited {
			c.seen[v] = true
		}
	}
	return false
}

// Included is the spec's @skip/@include test of a selection with
// directives dirs: false under @skip(if: true) or @include(if: false), the
// argument read from its literal or from vars (a variable vars lacks takes
// its default value). A directive whose if is missing or not a Boolean
// (never in a validated document) is ignored and reported with an error
// wrapping ErrSkipIncludeIf.
func Included(dirs ast.DirectiveList, vars map[string]any) (bool, error) {
	var err error
	for _, d := range dirs {
		if d == nil || (d.Name != "skip" && d.Name != "include") {
			continue
		}
		var v any
		if a := d.Arguments.ForName("if"); a != nil && a.Value != nil {
			v, _ = a.Value.Value(vars) // an error leaves v nil: not a Boolean
		}
		b, ok := v.(bool)
		if !ok {
			if err == nil {
				err = fmt.Errorf("%w: @%s", ErrSkipIncludeIf, d.Name)
			}
			continue
		}
		if (d.Name == "skip") == b {
			return false, err
		}
	}
	return true, err
}
