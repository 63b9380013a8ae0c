package directives

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/schema"
)

// Coordinate is a schema coordinate: a type (Field empty) or one of its
// fields, input fields or enum values.
type Coordinate struct {
	Type, Field string
}

// String is the coordinate as GraphQL writes it: "User" or "User.email".
func (c Coordinate) String() string {
	if c.Field == "" {
		return c.Type
	}
	return c.Type + "." + c.Field
}

// Applied is one application of a directive at a coordinate.
type Applied struct {
	Coordinate Coordinate
	Directive  *ast.Directive
}

// Reader finds directive applications in one supergraph.
type Reader struct {
	schema *ast.Schema
	links  []schema.Link
	types  []string // type names ascending
}

// NewReader returns a Reader over sg's full schema (machinery included:
// the directives live there, not in the API schema).
func NewReader(sg *schema.Supergraph) *Reader {
	r := &Reader{schema: sg.Schema, links: sg.Links}
	for n := range sg.Schema.Types {
		r.types = append(r.types, n)
	}
	slices.Sort(r.types)
	return r
}

// Names returns the local names (without @), ascending, under which the
// supergraph writes directive name.
//
// With specs (spec names as in link URLs: "authenticated", "federation",
// "rateLimit"), each linked spec among them contributes its local name for
// the directive (import alias, the prefix for the spec's own directive,
// prefix__name otherwise). Without specs, any link importing @name or
// named name contributes. When no link contributes and the schema declares
// a directive called name (a Fed1 supergraph, or one written by hand
// without @link), the bare name is used.
func (r *Reader) Names(name string, specs ...string) []string {
	var out []string
	for _, l := range r.links {
		_, imported := l.Imports["@"+name]
		switch {
		case len(specs) > 0 && slices.Contains(specs, l.Name):
		case len(specs) == 0 && (imported || l.Name == name):
		default:
			continue
		}
		out = append(out, l.Directive(name))
	}
	if len(out) == 0 && r.schema.Directives[name] != nil && !r.linkOwns(name) {
		out = append(out, name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// linkOwns reports whether local names an element of a linked spec other
// than through an import of the same name (link__x, or an alias).
func (r *Reader) linkOwns(local string) bool {
	for _, l := range r.links {
		if local == l.Prefix || strings.HasPrefix(local, l.Prefix+"__") {
			return true
		}
		for k, v := range l.Imports {
			if v == "@"+local && k != v {
				return true
			}
		}
	}
	return false
}

// On returns the applications, in declaration order, of the directives
// whose local names are given (from Names) at c: on the type when c.Field
// is empty, else on the field, input field or enum value.
func (r *Reader) On(c Coordinate, names []string) []*ast.Directive {
	if len(names) == 0 {
		return nil
	}
	def := r.schema.Types[c.Type]
	if def == nil {
		return nil
	}
	var list ast.DirectiveList
	switch {
	case c.Field == "":
		list = def.Directives
	case def.Kind == ast.Enum:
		if v := def.EnumValues.ForName(c.Field); v != nil {
			list = v.Directives
		}
	default:
		if f := def.Fields.ForName(c.Field); f != nil {
			list = f.Directives
		}
	}
	var out []*ast.Directive
	for _, d := range list {
		if slices.Contains(names, d.Name) {
			out = append(out, d)
		}
	}
	return out
}

// All returns every application of the named directives in the schema:
// types ascending, each type's own applications first, then its fields
// (or enum values) in declaration order.
func (r *Reader) All(names []string) []Applied {
	if len(names) == 0 {
		return nil
	}
	var out []Applied
	for _, tn := range r.types {
		def := r.schema.Types[tn]
		for _, d := range r.On(Coordinate{Type: tn}, names) {
			out = append(out, Applied{Coordinate{Type: tn}, d})
		}
		var members []string
		if def.Kind == ast.Enum {
			for _, v := range def.EnumValues {
				members = append(members, v.Name)
			}
		} else {
			for _, f := range def.Fields {
				members = append(members, f.Name)
			}
		}
		for _, m := range members {
			c := Coordinate{Type: tn, Field: m}
			for _, d := range r.On(c, names) {
				out = append(out, Applied{c, d})
			}
		}
	}
	return out
}

// Arg returns the value of argument name of d as Go values (string, int64,
// float64, bool, []any, map[string]any, nil), defaults applied from the
// directive's definition; ok is false when it is absent and has no default.
func Arg(d *ast.Directive, name string) (v any, ok bool) {
	if a := d.Arguments.ForName(name); a != nil && a.Value != nil {
		v, err := a.Value.Value(nil)
		return v, err == nil
	}
	if d.Definition != nil {
		if ad := d.Definition.Arguments.ForName(name); ad != nil && ad.DefaultValue != nil {
			v, err := ad.DefaultValue.Value(nil)
			return v, err == nil
		}
	}
	return nil, false
}

// StringLists returns argument name of d as a list of lists of strings
// ([[federation__Scope!]!]! and the like); a single list or string is
// coerced the way GraphQL coerces input lists. ok is false when the
// argument is absent or holds anything else.
func StringLists(d *ast.Directive, name string) ([][]string, bool) {
	v, ok := Arg(d, name)
	if !ok {
		return nil, false
	}
	outer, isList := v.([]any)
	if !isList {
		outer = []any{v}
	}
	out := make([][]string, 0, len(outer))
	for _, o := range outer {
		inner, isList := o.([]any)
		if !isList {
			inner = []any{o}
		}
		ss := make([]string, 0, len(inner))
		for _, s := range inner {
			str, isStr := s.(string)
			if !isStr {
				return nil, false
			}
			ss = append(ss, str)
		}
		out = append(out, ss)
	}
	return out, true
}
