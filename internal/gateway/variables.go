package gateway

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Variable coercion, as the spec's CoerceVariableValues with the input
// coercion rules of each type. Values come from JSON (numbers as
// json.Number) or from Go callers (int, float64...). The rules:
//
//   - Int: an integral number within 32 bits (1e1 is 10); not a string.
//   - Float: a finite number; not a string.
//   - String: a string. Boolean: a bool.
//   - ID: a string or an integral number.
//   - Enum: the name of one of the type's values in the API schema.
//   - custom scalars: any value, passed through.
//   - input objects: an object whose fields are all defined; missing
//     fields take their default, a missing non-null field is an error.
//   - lists: a list of coerced items, or one value coerced as a list of it.
//   - null only where the type is nullable; a missing variable takes its
//     default, and a missing non-null one without a default is an error.
//
// Extra variables the operation does not declare are ignored. Errors carry
// extensions.code BAD_USER_INPUT and the location of the variable
// definition, worded as graphql-js words them.

const codeBadUserInput = "BAD_USER_INPUT"

// coerceVariables coerces the request's variables against the operation's
// variable definitions.
func coerceVariables(api *ast.Schema, op *ast.OperationDefinition, vars map[string]any) (map[string]any, *gqlerror.Error) {
	out := make(map[string]any, len(op.VariableDefinitions))
	for _, def := range op.VariableDefinitions {
		val, has := vars[def.Variable]
		if !has {
			if def.DefaultValue != nil {
				v, err := def.DefaultValue.Value(nil)
				if err != nil {
					return nil, varError(def, "Variable \"$%s\" has an invalid default value: %v", def.Variable, err)
				}
				out[def.Variable] = v
				continue
			}
			if def.Type.NonNull {
				return nil, varError(def, "Variable \"$%s\" of required type \"%s\" was not provided.", def.Variable, def.Type.String())
			}
			continue
		}
		if val == nil && def.Type.NonNull {
			return nil, varError(def, "Variable \"$%s\" of non-null type \"%s\" must not be null.", def.Variable, def.Type.String())
		}
		c := coercer{api: api}
		v, err := c.value(def.Type, val)
		if err != nil {
			at := ""
			if len(c.path) > 0 {
				at = " at \"" + def.Variable + c.pathString() + "\""
			}
			return nil, varError(def, "Variable \"$%s\" got invalid value %s%s; %s", def.Variable, showValue(val, c.path), at, err.Error())
		}
		out[def.Variable] = v
	}
	return out, nil
}

func varError(def *ast.VariableDefinition, format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf(format, args...)
	if def.Position != nil {
		e.Locations = []gqlerror.Location{{Line: def.Position.Line, Column: def.Position.Column}}
	}
	return withCode(e, codeBadUserInput)
}

// showValue renders the offending value (the one at path) as JSON, cut short.
func showValue(v any, path []any) string {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[p]
		case int:
			if l, ok := v.([]any); ok && p < len(l) {
				v = l[p]
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "(unprintable)"
	}
	if len(b) > 100 {
		return string(b[:100]) + "..."
	}
	return string(b)
}

type coercer struct {
	api  *ast.Schema
	path []any // field names and list indexes below the variable
}

func (c *coercer) pathString() string {
	s := ""
	for _, p := range c.path {
		switch p := p.(type) {
		case string:
			s += "." + p
		case int:
			s += "[" + strconv.Itoa(p) + "]"
		}
	}
	return s
}

// maxInputDepth bounds recursion through nested list and object values.
const maxInputDepth = 64

func (c *coercer) value(t *ast.Type, v any) (any, error) {
	if len(c.path) > maxInputDepth {
		return nil, fmt.Errorf("the value is nested too deeply")
	}
	if v == nil {
		if t.NonNull {
			return nil, fmt.Errorf("Expected non-nullable type \"%s\" not to be null.", t.String())
		}
		return nil, nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			item, err := c.value(t.Elem, v)
			if err != nil {
				return nil, err
			}
			return []any{item}, nil
		}
		out := make([]any, len(list))
		for i, item := range list {
			c.path = append(c.path, i)
			cv, err := c.value(t.Elem, item)
			if err != nil {
				return nil, err
			}
			c.path = c.path[:len(c.path)-1]
			out[i] = cv
		}
		return out, nil
	}
	def := c.api.Types[t.NamedType]
	if def == nil {
		return nil, fmt.Errorf("Unknown type \"%s\".", t.NamedType)
	}
	switch def.Kind {
	case ast.Scalar:
		return coerceScalar(def.Name, v)
	case ast.Enum:
		s, ok := v.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			return nil, fmt.Errorf("Value does not exist in \"%s\" enum.", def.Name)
		}
		return s, nil
	case ast.InputObject:
		return c.inputObject(def, v)
	}
	return nil, fmt.Errorf("\"%s\" is not an input type.", def.Name)
}

func (c *coercer) inputObject(def *ast.Definition, v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Expected type \"%s\" to be an object.", def.Name)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if def.Fields.ForName(k) == nil {
			return nil, fmt.Errorf("Field \"%s\" is not defined by type \"%s\".", k, def.Name)
		}
	}
	out := make(map[string]any, len(def.Fields))
	for _, f := range def.Fields {
		fv, has := m[f.Name]
		if !has {
			if f.DefaultValue != nil {
				dv, err := f.DefaultValue.Value(nil)
				if err != nil {
					return nil, err
				}
				out[f.Name] = dv
			} else if f.Type.NonNull {
				return nil, fmt.Errorf("Field \"%s\" of required type \"%s\" was not provided.", f.Name, f.Type.String())
			}
			continue
		}
		c.path = append(c.path, f.Name)
		cv, err := c.value(f.Type, fv)
		if err != nil {
			return nil, err
		}
		c.path = c.path[:len(c.path)-1]
		out[f.Name] = cv
	}
	return out, nil
}

// coerceScalar applies the input coercion of the built-in scalars; custom
// scalars pass through.
func coerceScalar(name string, v any) (any, error) {
	switch name {
	case "Int":
		n, ok := integral(v)
		if !ok {
			return nil, fmt.Errorf("Int cannot represent non-integer value: %s", showValue(v, nil))
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, fmt.Errorf("Int cannot represent non 32-bit signed integer value: %s", showValue(v, nil))
		}
		return n, nil
	case "Float":
		f, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("Float cannot represent non numeric value: %s", showValue(v, nil))
		}
		return f, nil
	case "String":
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("String cannot represent a non string value: %s", showValue(v, nil))
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("Boolean cannot represent a non boolean value: %s", showValue(v, nil))
	case "ID":
		if s, ok := v.(string); ok {
			return s, nil
		}
		if n, ok := integral(v); ok {
			return strconv.FormatInt(n, 10), nil
		}
		return nil, fmt.Errorf("ID cannot represent value: %s", showValue(v, nil))
	}
	return v, nil
}

// integral returns v as an int64 when it is a number with an integral
// value that fits in 64 bits.
func integral(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		}
		// 1e1, 10.0: integral values written with an exponent or a
		// fraction (never big.Rat: 1e999999999 would be a huge integer).
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		return int64(f), true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) > 1<<53 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}

// number returns v as a finite float64 when it is a number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return f, true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return 0, false
		}
		return x, true
	}
	return 0, false
}
