package registry

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Input usage: besides the fields and arguments selected, an operation
// uses the input side of the schema through its argument values, literal
// or in variables:
//
//   - "Input" for every input object type it passes (a change to any of
//     its fields, e.g. a new required one, hits the operation),
//   - "Input.field" for every input field it gives,
//   - "Enum.VALUE" for every enum value it passes.
//
// Literals and variable defaults are read from the validated document
// (Coordinates); variable values, which differ per request, are read at
// each execution (inputCoordinates) only for operations that declare a
// variable of an enum or input object type, so other operations pay
// nothing. maxInputCoordinates bounds what one usage entry collects.

// maxInputCoordinates caps the coordinates that variable values add to
// one usage entry between flushes (and to a stored entry).
const maxInputCoordinates = 256

// maxStoredCoordinates caps the coordinates kept for one stored entry.
const maxStoredCoordinates = 1024

// literalCoordinates adds the input coordinates of a literal value of the
// given type definition (nil when unknown).
func literalCoordinates(v *ast.Value, set map[string]bool) {
	if v == nil {
		return
	}
	switch v.Kind {
	case ast.EnumValue:
		if v.Definition != nil && v.Definition.Kind == ast.Enum {
			set[v.Definition.Name+"."+v.Raw] = true
		}
	case ast.ObjectValue:
		if v.Definition != nil && v.Definition.Kind == ast.InputObject {
			set[v.Definition.Name] = true
			for _, c := range v.Children {
				set[v.Definition.Name+"."+c.Name] = true
				literalCoordinates(c.Value, set)
			}
		}
	case ast.ListValue:
		for _, c := range v.Children {
			literalCoordinates(c.Value, set)
		}
	}
}

// variableCoordinates adds the input coordinates of the variable
// definitions (their types and defaults).
func variableCoordinates(op *ast.OperationDefinition, set map[string]bool) {
	for _, vd := range op.VariableDefinitions {
		if vd.Definition != nil && vd.Definition.Kind == ast.InputObject {
			set[vd.Definition.Name] = true
		}
		literalCoordinates(vd.DefaultValue, set)
	}
}

// hasInputVariables reports whether op declares a variable of an enum or
// input object type (whose values add coordinates at run time).
func hasInputVariables(op *ast.OperationDefinition) bool {
	for _, vd := range op.VariableDefinitions {
		if vd.Definition != nil && (vd.Definition.Kind == ast.Enum || vd.Definition.Kind == ast.InputObject) {
			return true
		}
	}
	return false
}

// inputCoordinates adds to set the coordinates of the coerced variable
// values vars of op, at most limit in all; api resolves nested types.
func inputCoordinates(api *ast.Schema, op *ast.OperationDefinition, vars map[string]any, set map[string]bool, limit int) {
	for _, vd := range op.VariableDefinitions {
		if vd.Definition == nil || (vd.Definition.Kind != ast.Enum && vd.Definition.Kind != ast.InputObject) {
			continue
		}
		if v, ok := vars[vd.Variable]; ok {
			valueCoordinates(api, vd.Definition, v, set, limit, 0)
		}
	}
}

// maxInputDepth bounds the walk of nested input values (the document
// limits bound the operation, not the variables).
const maxInputDepth = 32

func valueCoordinates(api *ast.Schema, def *ast.Definition, v any, set map[string]bool, limit, depth int) {
	if def == nil || v == nil || len(set) >= limit || depth > maxInputDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			valueCoordinates(api, def, e, set, limit, depth+1)
		}
		return
	}
	switch def.Kind {
	case ast.Enum:
		if s, ok := v.(string); ok {
			set[def.Name+"."+s] = true
		}
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		set[def.Name] = true
		for _, f := range def.Fields { // declaration order: deterministic
			fv, ok := m[f.Name]
			if !ok || len(set) >= limit {
				continue
			}
			set[def.Name+"."+f.Name] = true
			if api != nil {
				valueCoordinates(api, api.Types[f.Type.Name()], fv, set, limit, depth+1)
			}
		}
	}
}
