package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Schema diff (Diff): the changes between the API schemas of two
// supergraphs, as a client sees them. Breaking changes are those that can
// make a valid operation of the old schema invalid or answer differently in
// type: a type, field, argument, enum value, union member or interface
// removed; a field's type changed other than made non-null (output) or
// nullable (input); an argument or input field added as required or made
// non-null; a type's kind changed. Additions, deprecations and default
// changes are reported as not breaking.

// Change is one difference between two API schemas.
type Change struct {
	// Kind: TYPE_REMOVED, TYPE_ADDED, TYPE_KIND_CHANGED, FIELD_REMOVED,
	// FIELD_ADDED, FIELD_TYPE_CHANGED, FIELD_DEPRECATED, ARG_REMOVED,
	// ARG_ADDED, ARG_TYPE_CHANGED, ARG_DEFAULT_CHANGED, INPUT_FIELD_REMOVED,
	// INPUT_FIELD_ADDED, INPUT_FIELD_TYPE_CHANGED, ENUM_VALUE_REMOVED,
	// ENUM_VALUE_ADDED, UNION_MEMBER_REMOVED, UNION_MEMBER_ADDED,
	// INTERFACE_REMOVED, INTERFACE_ADDED.
	Kind string
	// Coordinate: Type, Type.field, Type.field(arg:), Enum.VALUE.
	Coordinate string
	Message    string
	Breaking   bool
}

// Diff returns the changes from old to new, sorted by coordinate then kind.
// A nil old means every type is added.
func Diff(old, new *Supergraph) []Change {
	var oldAPI, newAPI *ast.Schema
	if old != nil {
		oldAPI = old.API
	}
	if new != nil {
		newAPI = new.API
	}
	return DiffSchemas(oldAPI, newAPI)
}

// DiffSchemas is Diff on two client schemas (either may be nil).
func DiffSchemas(old, new *ast.Schema) []Change {
	d := &differ{}
	types := func(s *ast.Schema) map[string]*ast.Definition {
		out := map[string]*ast.Definition{}
		if s == nil {
			return out
		}
		for n, t := range s.Types {
			if !t.BuiltIn && !strings.HasPrefix(n, "__") {
				out[n] = t
			}
		}
		return out
	}
	ot, nt := types(old), types(new)
	for _, n := range sortedKeys(ot) {
		o := ot[n]
		nw := nt[n]
		if nw == nil {
			d.add("TYPE_REMOVED", n, true, "type %s was removed", n)
			continue
		}
		if o.Kind != nw.Kind {
			d.add("TYPE_KIND_CHANGED", n, true, "type %s changed from %s to %s", n, o.Kind, nw.Kind)
			continue
		}
		d.definition(o, nw)
	}
	for _, n := range sortedKeys(nt) {
		if ot[n] == nil {
			d.add("TYPE_ADDED", n, false, "type %s was added", n)
		}
	}
	slices.SortStableFunc(d.out, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Coordinate, b.Coordinate), strings.Compare(a.Kind, b.Kind))
	})
	return d.out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

type differ struct{ out []Change }

func (d *differ) add(kind, coord string, breaking bool, format string, args ...any) {
	d.out = append(d.out, Change{Kind: kind, Coordinate: coord, Breaking: breaking, Message: fmt.Sprintf(format, args...)})
}

func (d *differ) definition(o, n *ast.Definition) {
	name := o.Name
	switch o.Kind {
	case ast.Object, ast.Interface:
		for _, f := range o.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			coord := name + "." + f.Name
			nf := n.Fields.ForName(f.Name)
			if nf == nil {
				d.add("FIELD_REMOVED", coord, true, "field %s was removed", coord)
				continue
			}
			if f.Type.String() != nf.Type.String() {
				d.add("FIELD_TYPE_CHANGED", coord, !outputSafe(f.Type, nf.Type), "field %s changed type from %s to %s", coord, f.Type, nf.Type)
			}
			if f.Directives.ForName("deprecated") == nil && nf.Directives.ForName("deprecated") != nil {
				d.add("FIELD_DEPRECATED", coord, false, "field %s was deprecated", coord)
			}
			d.args(coord, f.Arguments, nf.Arguments)
		}
		for _, f := range n.Fields {
			if !strings.HasPrefix(f.Name, "__") && o.Fields.ForName(f.Name) == nil {
				d.add("FIELD_ADDED", name+"."+f.Name, false, "field %s.%s was added", name, f.Name)
			}
		}
		for _, i := range o.Interfaces {
			if !slices.Contains(n.Interfaces, i) {
				d.add("INTERFACE_REMOVED", name, true, "type %s no longer implements %s", name, i)
			}
		}
		for _, i := range n.Interfaces {
			if !slices.Contains(o.Interfaces, i) {
				d.add("INTERFACE_ADDED", name, false, "type %s now implements %s", name, i)
			}
		}
	case ast.InputObject:
		for _, f := range o.Fields {
			coord := name + "." + f.Name
			nf := n.Fields.ForName(f.Name)
			if nf == nil {
				d.add("INPUT_FIELD_REMOVED", coord, true, "input field %s was removed", coord)
				continue
			}
			if f.Type.String() != nf.Type.String() {
				d.add("INPUT_FIELD_TYPE_CHANGED", coord, !inputSafe(f.Type, nf.Type), "input field %s changed type from %s to %s", coord, f.Type, nf.Type)
			}
		}
		for _, f := range n.Fields {
			if o.Fields.ForName(f.Name) == nil {
				req := f.Type.NonNull && f.DefaultValue == nil
				d.add("INPUT_FIELD_ADDED", name+"."+f.Name, req, "input field %s.%s was added%s", name, f.Name, requiredNote(req))
			}
		}
	case ast.Enum:
		for _, v := range o.EnumValues {
			if n.EnumValues.ForName(v.Name) == nil {
				d.add("ENUM_VALUE_REMOVED", name+"."+v.Name, true, "enum value %s.%s was removed", name, v.Name)
			}
		}
		for _, v := range n.EnumValues {
			if o.EnumValues.ForName(v.Name) == nil {
				d.add("ENUM_VALUE_ADDED", name+"."+v.Name, false, "enum value %s.%s was added", name, v.Name)
			}
		}
	case ast.Union:
		for _, m := range o.Types {
			if !slices.Contains(n.Types, m) {
				d.add("UNION_MEMBER_REMOVED", name, true, "type %s is no longer a member of union %s", m, name)
			}
		}
		for _, m := range n.Types {
			if !slices.Contains(o.Types, m) {
				d.add("UNION_MEMBER_ADDED", name, false, "type %s was added to union %s", m, name)
			}
		}
	}
}

func requiredNote(req bool) string {
	if req {
		return " as required: operations that do not set it fail"
	}
	return ""
}

func (d *differ) args(coord string, o, n ast.ArgumentDefinitionList) {
	for _, a := range o {
		ac := coord + "(" + a.Name + ":)"
		na := n.ForName(a.Name)
		if na == nil {
			d.add("ARG_REMOVED", ac, true, "argument %s was removed", ac)
			continue
		}
		if a.Type.String() != na.Type.String() {
			d.add("ARG_TYPE_CHANGED", ac, !inputSafe(a.Type, na.Type), "argument %s changed type from %s to %s", ac, a.Type, na.Type)
		}
		od, nd := "", ""
		if a.DefaultValue != nil {
			od = a.DefaultValue.String()
		}
		if na.DefaultValue != nil {
			nd = na.DefaultValue.String()
		}
		if od != nd {
			d.add("ARG_DEFAULT_CHANGED", ac, false, "argument %s changed default from %q to %q", ac, od, nd)
		}
	}
	for _, a := range n {
		if o.ForName(a.Name) == nil {
			req := a.Type.NonNull && a.DefaultValue == nil
			d.add("ARG_ADDED", coord+"("+a.Name+":)", req, "argument %s(%s:) was added%s", coord, a.Name, requiredNote(req))
		}
	}
}

// outputSafe: a field's new type only narrows the old (non-null added).
func outputSafe(o, n *ast.Type) bool {
	if o.NonNull && !n.NonNull {
		return false
	}
	if (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return outputSafe(o.Elem, n.Elem)
	}
	return o.NamedType == n.NamedType
}

// inputSafe: an input's new type only accepts more (non-null removed).
func inputSafe(o, n *ast.Type) bool { return outputSafe(n, o) }
