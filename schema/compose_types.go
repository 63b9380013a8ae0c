package schema

// Merging the types that several subgraphs declare: field types (the
// most general output type, the same input type), arguments and defaults,
// input objects (intersected), enums (by how they are used) and unions
// (members unioned). Part of Compose (compose.go).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// mergeFieldTypes settles each field's type and arguments (after every
// type's interfaces and members are known, for subtyping).
func (c *composer) mergeFieldTypes(t *mType) {
	for _, f := range t.fields {
		coord := t.name + "." + f.name
		var typ *ast.Type
		ok := true
		for _, x := range f.decls {
			if typ == nil {
				typ = x.def.Type
				continue
			}
			switch {
			case sameType(typ, x.def.Type):
			case c.subtype(typ, x.def.Type):
				typ = x.def.Type
			case c.subtype(x.def.Type, typ):
			default:
				ok = false
			}
		}
		if !ok {
			var parts, subs []string
			for _, x := range f.decls {
				parts = append(parts, fmt.Sprintf("%s in %q", x.def.Type.String(), x.sub.Name))
				subs = append(subs, x.sub.Name)
			}
			c.fail("FIELD_TYPE_MISMATCH", []string{coord}, subs, "type of field %s is incompatible across subgraphs: %s; use the same type (nullability and interface/union subtypes may differ)",
				coord, strings.Join(parts, ", "))
			continue
		}
		f.typ = typ
		for _, x := range f.decls {
			if !sameType(x.def.Type, typ) {
				x.typeDiffers = true
			}
		}
		c.mergeArgs(t, f)
	}
}

func (c *composer) mergeArgs(t *mType, f *mField) {
	coord := t.name + "." + f.name
	var decls []*fDecl
	for _, x := range f.decls {
		if !x.external {
			decls = append(decls, x)
		}
	}
	if len(decls) == 0 {
		decls = f.decls
	}
	idx := map[string]*mArg{}
	count := map[string]int{}
	for _, x := range decls {
		for _, a := range x.def.Arguments {
			m := idx[a.Name]
			if m == nil {
				m = &mArg{name: a.Name}
				idx[a.Name] = m
				f.args = append(f.args, m)
			}
			m.defs = append(m.defs, a)
			count[a.Name]++
		}
	}
	var kept []*mArg
	contextual := c.contextualArgs(coord, decls)
	for _, m := range f.args {
		if contextual[m.name] {
			continue // taken from the context: not in the supergraph (context.go)
		}
		ac := fmt.Sprintf("%s(%s:)", coord, m.name)
		if count[m.name] < len(decls) {
			var have, missing []string
			required := false
			for _, x := range decls {
				if a := x.def.Arguments.ForName(m.name); a != nil {
					have = append(have, x.sub.Name)
					required = required || a.Type.NonNull && a.DefaultValue == nil
				} else {
					missing = append(missing, x.sub.Name)
				}
			}
			if required {
				c.fail("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH", []string{ac}, append(have, missing...),
					"argument %s is required in %s but missing in %s: add it (optional or with a default) in every subgraph, or remove it",
					ac, quoteList(have), quoteList(missing))
			}
			continue
		}
		typ, ok := c.inputType(m.defs)
		if !ok {
			var parts []string
			for i, x := range decls {
				parts = append(parts, fmt.Sprintf("%s in %q", m.defs[i].Type.String(), x.sub.Name))
			}
			c.fail("FIELD_ARGUMENT_TYPE_MISMATCH", []string{ac}, subNames(decls), "type of argument %s is incompatible across subgraphs: %s; use the same type (only nullability may differ)",
				ac, strings.Join(parts, ", "))
			continue
		}
		m.typ = typ
		v, ok := mergeDefault(m.defs)
		if !ok {
			c.fail("FIELD_ARGUMENT_DEFAULT_MISMATCH", []string{ac}, subNames(decls), "argument %s has different default values across subgraphs: use the same default everywhere", ac)
		}
		m.value = v
		kept = append(kept, m)
	}
	f.args = kept
}

func subNames(decls []*fDecl) []string {
	var out []string
	for _, x := range decls {
		out = append(out, x.sub.Name)
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// inputType merges input-position types: the same type up to nullability;
// non-null wins.
func (c *composer) inputType(defs []*ast.ArgumentDefinition) (*ast.Type, bool) {
	typ := defs[0].Type
	for _, a := range defs[1:] {
		switch {
		case sameType(typ, a.Type):
		case nullableSubtype(a.Type, typ):
			typ = a.Type
		case nullableSubtype(typ, a.Type):
		default:
			return nil, false
		}
	}
	return typ, true
}

// mergeDefault returns the common default value; defaults present in some
// subgraphs only are kept, different ones are a mismatch.
func mergeDefault(defs []*ast.ArgumentDefinition) (*ast.Value, bool) {
	var v *ast.Value
	for _, a := range defs {
		if a.DefaultValue == nil {
			continue
		}
		if v == nil {
			v = a.DefaultValue
		} else if v.String() != a.DefaultValue.String() {
			return v, false
		}
	}
	return v, true
}

func sameType(a, b *ast.Type) bool { return a.String() == b.String() }

// nullableSubtype reports whether sub is super with (some) nullability removed.
func nullableSubtype(sub, super *ast.Type) bool {
	if super.NonNull && !sub.NonNull {
		return false
	}
	if (sub.Elem == nil) != (super.Elem == nil) {
		return false
	}
	if sub.Elem != nil {
		return sameType(sub.Elem, super.Elem) || nullableSubtype(sub.Elem, super.Elem)
	}
	return sub.NamedType == super.NamedType
}

// subtype reports whether output type sub may be returned where super is
// declared (covariance: non-null, implementations, union members).
func (c *composer) subtype(sub, super *ast.Type) bool {
	if super.NonNull && !sub.NonNull {
		return false
	}
	if (sub.Elem == nil) != (super.Elem == nil) {
		return false
	}
	if sub.Elem != nil {
		return sameType(sub.Elem, super.Elem) || c.subtype(sub.Elem, super.Elem)
	}
	if sub.NamedType == super.NamedType {
		return true
	}
	st := c.types[super.NamedType]
	bt := c.types[sub.NamedType]
	if st == nil || bt == nil {
		return false
	}
	switch st.kind {
	case ast.Interface:
		return slices.Contains(c.allInterfaces(bt), super.NamedType)
	case ast.Union:
		return slices.Contains(st.members, sub.NamedType)
	}
	return false
}

func (c *composer) allInterfaces(t *mType) []string {
	var out []string
	for _, d := range t.decls {
		out = append(out, d.def.Interfaces...)
	}
	return out
}

func (c *composer) mergeInput(t *mType) {
	idx := map[string][]*ast.FieldDefinition{}
	var order []string
	for _, d := range t.decls {
		for _, fd := range d.def.Fields {
			if _, ok := idx[fd.Name]; !ok {
				order = append(order, fd.Name)
			}
			idx[fd.Name] = append(idx[fd.Name], fd)
		}
	}
	for _, n := range order {
		coord := t.name + "." + n
		defs := idx[n]
		if len(defs) < len(t.decls) {
			var have, missing []string
			required := false
			for _, d := range t.decls {
				if fd := d.def.Fields.ForName(n); fd != nil {
					have = append(have, d.sub.Name)
					required = required || fd.Type.NonNull && fd.DefaultValue == nil
				} else {
					missing = append(missing, d.sub.Name)
				}
			}
			if required {
				c.fail("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH", []string{coord}, append(have, missing...),
					"input field %s is required in %s but missing in %s: add it to every subgraph or make it optional",
					coord, quoteList(have), quoteList(missing))
			}
			continue
		}
		args := make([]*ast.ArgumentDefinition, len(defs))
		for i, fd := range defs {
			args[i] = &ast.ArgumentDefinition{Name: fd.Name, Type: fd.Type, DefaultValue: fd.DefaultValue}
		}
		typ, ok := c.inputType(args)
		if !ok {
			var parts, subs []string
			for i, d := range t.decls {
				parts = append(parts, fmt.Sprintf("%s in %q", defs[i].Type.String(), d.sub.Name))
				subs = append(subs, d.sub.Name)
			}
			c.fail("FIELD_TYPE_MISMATCH", []string{coord}, subs, "type of input field %s is incompatible across subgraphs: %s; use the same type (only nullability may differ)",
				coord, strings.Join(parts, ", "))
			continue
		}
		v, ok := mergeDefault(args)
		if !ok {
			c.fail("INPUT_FIELD_DEFAULT_MISMATCH", []string{coord}, declSubs(t), "input field %s has different default values across subgraphs: use the same default everywhere", coord)
		}
		f := &mField{name: n, typ: typ, defValue: v}
		for i, d := range t.decls {
			f.decls = append(f.decls, &fDecl{sub: d.sub, t: d, def: defs[i]})
		}
		t.fields = append(t.fields, f)
		t.fieldIdx[n] = f
	}
	if len(t.fields) == 0 {
		c.fail("EMPTY_MERGED_INPUT_TYPE", []string{t.name}, declSubs(t),
			"input type %s has no field common to all subgraphs that define it (%s): input types keep only the fields every subgraph declares; add the fields everywhere or rename the type",
			t.name, quoteList(declSubs(t)))
	}
}

func declSubs(t *mType) []string {
	var out []string
	for _, d := range t.decls {
		out = append(out, d.sub.Name)
	}
	return out
}

func (c *composer) mergeEnum(t *mType) {
	for _, d := range t.decls {
		for _, v := range d.def.EnumValues {
			m := t.valueIdx[v.Name]
			if m == nil {
				m = &mValue{name: v.Name}
				t.valueIdx[v.Name] = m
				t.values = append(t.values, m)
			}
			m.defs = append(m.defs, v)
			m.subs = append(m.subs, d.sub.Name)
		}
	}
	all := declSubs(t)
	switch {
	case t.usedIn && t.usedOut:
		for _, v := range t.values {
			if len(v.subs) == len(all) {
				continue
			}
			var missing []string
			for _, s := range all {
				if !slices.Contains(v.subs, s) {
					missing = append(missing, s)
				}
			}
			c.fail("ENUM_VALUE_MISMATCH", []string{t.name + "." + v.name}, all,
				"enum %s is used as both input and output type, so its values must be the same in every subgraph, but value %s is defined in %s and not in %s: add it there or remove it",
				t.name, v.name, quoteList(v.subs), quoteList(missing))
		}
	case t.usedIn:
		kept := t.values[:0]
		for _, v := range t.values {
			if len(v.subs) == len(all) {
				kept = append(kept, v)
			}
		}
		t.values = kept
		if len(kept) == 0 {
			c.fail("EMPTY_MERGED_ENUM_TYPE", []string{t.name}, all,
				"enum %s is used only as an input type, so it keeps the values every subgraph defines, and none is common to %s: add common values", t.name, quoteList(all))
		}
	}
}

func (c *composer) mergeUnion(t *mType) {
	for _, d := range t.decls {
		for _, m := range d.def.Types {
			if !slices.Contains(t.members, m) {
				t.members = append(t.members, m)
			}
		}
	}
}
