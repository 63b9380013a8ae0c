package schema

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Field sets (@join__type(key:), @join__field(requires:, provides:)) are
// parsed as the selection set of an anonymous query `{ <fields> }` and bound
// to the supergraph schema: every *ast.Field gets its Definition and
// ObjectDefinition (the type it is selected on), every inline fragment its
// ObjectDefinition. Fields may have aliases and literal arguments; variables,
// fragment spreads and unknown fields or arguments are refused. A composite
// field must have a sub-selection and a leaf must not.

// typenameDef is the definition bound to __typename in field sets.
var typenameDef = &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}

// parseFieldSet parses text and binds it on parent.
func parseFieldSet(s *ast.Schema, parent *ast.Definition, text string) (ast.SelectionSet, error) {
	doc, err := parser.ParseQuery(&ast.Source{Name: "fieldset", Input: "{" + text + "}"})
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			return nil, fmt.Errorf("%w: %s", ErrInvalidFieldSet, ge.Message)
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidFieldSet, err)
	}
	if len(doc.Operations) != 1 || len(doc.Fragments) != 0 || doc.Operations[0].Name != "" ||
		len(doc.Operations[0].VariableDefinitions) != 0 {
		return nil, fmt.Errorf("%w: not a single selection set", ErrInvalidFieldSet)
	}
	sel := doc.Operations[0].SelectionSet
	if err := bindSelection(s, parent, sel); err != nil {
		return nil, err
	}
	return sel, nil
}

func isComposite(d *ast.Definition) bool {
	return d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface || d.Kind == ast.Union)
}

func bindSelection(s *ast.Schema, parent *ast.Definition, set ast.SelectionSet) error {
	if len(set) == 0 {
		return fmt.Errorf("%w: empty selection on %s", ErrInvalidFieldSet, parent.Name)
	}
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if err := bindField(s, parent, x); err != nil {
				return err
			}
		case *ast.InlineFragment:
			td := parent
			if x.TypeCondition != "" {
				td = s.Types[x.TypeCondition]
				if !isComposite(td) {
					return fmt.Errorf("%w: ... on %s: not an object, interface or union type",
						ErrInvalidFieldSet, x.TypeCondition)
				}
			}
			x.ObjectDefinition = td
			if err := bindSelection(s, td, x.SelectionSet); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: fragment spreads are not allowed", ErrInvalidFieldSet)
		}
	}
	return nil
}

func bindField(s *ast.Schema, parent *ast.Definition, f *ast.Field) error {
	f.ObjectDefinition = parent
	if f.Name == "__typename" {
		f.Definition = typenameDef
		if len(f.SelectionSet) != 0 || len(f.Arguments) != 0 {
			return fmt.Errorf("%w: __typename takes no arguments or selection", ErrInvalidFieldSet)
		}
		return nil
	}
	var fd *ast.FieldDefinition
	if parent.Kind == ast.Object || parent.Kind == ast.Interface {
		fd = parent.Fields.ForName(f.Name)
	}
	if fd == nil {
		return fmt.Errorf("%w: field %s.%s does not exist", ErrInvalidFieldSet, parent.Name, f.Name)
	}
	f.Definition = fd
	for _, a := range f.Arguments {
		ad := fd.Arguments.ForName(a.Name)
		if ad == nil {
			return fmt.Errorf("%w: argument %s.%s(%s:) does not exist",
				ErrInvalidFieldSet, parent.Name, f.Name, a.Name)
		}
		if err := bindValue(s, a.Value, ad.Type); err != nil {
			return fmt.Errorf("%w: argument %s.%s(%s:): %w", ErrInvalidFieldSet, parent.Name, f.Name, a.Name, err)
		}
	}
	child := s.Types[fd.Type.Name()]
	if isComposite(child) {
		if len(f.SelectionSet) == 0 {
			return fmt.Errorf("%w: field %s.%s of type %s needs a selection",
				ErrInvalidFieldSet, parent.Name, f.Name, fd.Type.Name())
		}
		return bindSelection(s, child, f.SelectionSet)
	}
	if len(f.SelectionSet) != 0 {
		return fmt.Errorf("%w: field %s.%s of type %s cannot have a selection",
			ErrInvalidFieldSet, parent.Name, f.Name, fd.Type.Name())
	}
	return nil
}

// bindValue sets ExpectedType and Definition on a literal argument value
// and its children; variables are refused (a field set has no operation).
func bindValue(s *ast.Schema, v *ast.Value, t *ast.Type) error {
	if v == nil {
		return nil
	}
	v.ExpectedType = t
	v.Definition = s.Types[t.Name()]
	switch v.Kind {
	case ast.Variable:
		return fmt.Errorf("variable $%s not allowed", v.Raw)
	case ast.ListValue:
		elem := t
		if t.Elem != nil {
			elem = t.Elem
		}
		for _, c := range v.Children {
			if err := bindValue(s, c.Value, elem); err != nil {
				return err
			}
		}
	case ast.ObjectValue:
		if v.Definition == nil || v.Definition.Kind != ast.InputObject {
			return fmt.Errorf("object value for non-input type %s", t.Name())
		}
		for _, c := range v.Children {
			fd := v.Definition.Fields.ForName(c.Name)
			if fd == nil {
				return fmt.Errorf("input field %s.%s does not exist", t.Name(), c.Name)
			}
			if err := bindValue(s, c.Value, fd.Type); err != nil {
				return err
			}
		}
	}
	return nil
}
