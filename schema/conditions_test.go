package schema

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestTypeConditions: a type satisfies no condition, itself, an interface
// it implements, a union it belongs to, and (an interface) an interface it
// declares it implements; nothing else.
func TestTypeConditions(t *testing.T) {
	s := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { n: Node }
		interface Node { id: ID! }
		interface Media implements Node { id: ID! url: String }
		type Image implements Media & Node { id: ID! url: String }
		type User implements Node { id: ID! }
		type Other { x: Int }
		union Result = User | Other`})
	c := NewTypeConditions(s)
	for _, tc := range []struct {
		t, cond string
		want    bool
	}{
		{"User", "", true}, {"User", "User", true}, {"User", "Node", true}, {"User", "Result", true},
		{"Image", "Media", true}, {"Image", "Node", true}, {"Media", "Node", true},
		{"User", "Media", false}, {"Other", "Node", false}, {"Node", "Media", false},
		{"", "Node", false}, {"User", "Image", false}, {"Unknown", "Node", false},
	} {
		if got := c.Satisfies(tc.t, tc.cond); got != tc.want {
			t.Errorf("Satisfies(%q, %q) = %v, want %v", tc.t, tc.cond, got, tc.want)
		}
	}
	if !c.Possible("Node", "Image") || !c.Possible("Result", "Other") || c.Possible("Node", "Other") || c.Possible("Result", "Image") {
		t.Error("Possible: want the schema's possible types of an abstract type")
	}
	if !c.Implements("Media", "Node") || !c.Implements("User", "Node") || c.Implements("Image", "Result") {
		t.Error("Implements: want what a type declares")
	}
	if NewTypeConditions(nil).Satisfies("A", "B") {
		t.Error("nil schema: A satisfies B")
	}
}
