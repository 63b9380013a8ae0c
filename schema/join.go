package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Reading the join spec into Type / Field metadata.
//
//   - Keys: every @join__type(graph:, key:) with a key, parsed on the type;
//     sorted by subgraph (stable, so declaration order within a subgraph).
//   - Implements / UnionMembers: from @join__implements / @join__unionMember
//     when the supergraph declares those directives (join v0.2+ / v0.3+);
//     otherwise every interface / member that is itself in the subgraph.
//   - EnumValues: @join__enumValue(graph:); a value without it is in every
//     subgraph of the enum.
//   - Field sources: one per @join__field with a graph (a graph-less
//     @join__field marks a field no subgraph declares directly, e.g. an
//     interface field provided through @interfaceObject; it adds no
//     source). A field without @join__field is in every subgraph of its
//     parent type; with join v0.1 @join__owner, only in the owner, plus an
//     External source in each other subgraph whose key selects the field
//     (those subgraphs are listed in Type.Extension).

func (l *loader) typeBody(def *ast.Definition, t *Type) error {
	if err := l.readKeys(def, t); err != nil {
		return err
	}
	switch def.Kind {
	case ast.Object, ast.Interface:
		if err := l.readImplements(def, t); err != nil {
			return err
		}
		return l.readFields(def, t)
	case ast.Union:
		return l.readUnionMembers(def, t)
	case ast.Enum:
		return l.readEnumValues(def, t)
	}
	return nil
}

func (l *loader) readKeys(def *ast.Definition, t *Type) error {
	for _, d := range def.Directives {
		if d.Name != l.dType {
			continue
		}
		key, ok := stringArg(d, "key")
		if !ok {
			continue
		}
		sg, _, err := l.graphArg(d, "type "+def.Name)
		if err != nil {
			return err
		}
		sel, err := parseFieldSet(l.full, def, key)
		if err != nil {
			return fmt.Errorf("%w: type %s: @%s(graph: %s, key: %q): %w",
				ErrInvalidSupergraph, def.Name, d.Name, l.enumOf(sg), key, err)
		}
		t.Keys = append(t.Keys, &Key{
			Subgraph:   sg,
			Fields:     key,
			Selection:  sel,
			Resolvable: boolArg(d, "resolvable", true),
		})
	}
	slices.SortStableFunc(t.Keys, func(a, b *Key) int { return strings.Compare(a.Subgraph, b.Subgraph) })
	return nil
}

func (l *loader) readImplements(def *ast.Definition, t *Type) error {
	if len(def.Interfaces) == 0 {
		return nil
	}
	t.Implements = map[string][]string{}
	if l.full.Directives[l.dImplements] == nil {
		for _, sg := range t.Subgraphs {
			for _, in := range def.Interfaces {
				if it := l.types[in]; it != nil && it.In(sg) {
					t.Implements[sg] = append(t.Implements[sg], in)
				}
			}
		}
	} else {
		for _, d := range def.Directives {
			if d.Name != l.dImplements {
				continue
			}
			sg, ok, err := l.graphArg(d, "type "+def.Name)
			if err != nil {
				return err
			}
			in, _ := stringArg(d, "interface")
			if !ok || !slices.Contains(def.Interfaces, in) {
				return fmt.Errorf("%w: type %s: @%s(interface: %q): not an interface of %s",
					ErrInvalidSupergraph, def.Name, d.Name, in, def.Name)
			}
			t.Implements[sg] = append(t.Implements[sg], in)
		}
	}
	for sg, list := range t.Implements {
		t.Implements[sg] = sortedUnique(list)
	}
	return nil
}

func (l *loader) readUnionMembers(def *ast.Definition, t *Type) error {
	t.UnionMembers = map[string][]string{}
	if l.full.Directives[l.dUnionMember] == nil {
		for _, sg := range t.Subgraphs {
			for _, m := range def.Types {
				if mt := l.types[m]; mt != nil && mt.In(sg) {
					t.UnionMembers[sg] = append(t.UnionMembers[sg], m)
				}
			}
		}
	} else {
		for _, d := range def.Directives {
			if d.Name != l.dUnionMember {
				continue
			}
			sg, ok, err := l.graphArg(d, "union "+def.Name)
			if err != nil {
				return err
			}
			m, _ := stringArg(d, "member")
			if !ok || !slices.Contains(def.Types, m) {
				return fmt.Errorf("%w: union %s: @%s(member: %q): not a member of %s",
					ErrInvalidSupergraph, def.Name, d.Name, m, def.Name)
			}
			t.UnionMembers[sg] = append(t.UnionMembers[sg], m)
		}
	}
	for sg, list := range t.UnionMembers {
		t.UnionMembers[sg] = sortedUnique(list)
	}
	return nil
}

func (l *loader) readEnumValues(def *ast.Definition, t *Type) error {
	t.EnumValues = map[string][]string{}
	for _, v := range def.EnumValues {
		var sgs []string
		for _, d := range v.Directives {
			if d.Name != l.dEnumValue {
				continue
			}
			sg, ok, err := l.graphArg(d, "enum value "+def.Name+"."+v.Name)
			if err != nil {
				return err
			}
			if ok {
				sgs = append(sgs, sg)
			}
		}
		if len(sgs) == 0 {
			sgs = slices.Clone(t.Subgraphs)
		}
		t.EnumValues[v.Name] = sortedUnique(sgs)
	}
	return nil
}

func (l *loader) readFields(def *ast.Definition, t *Type) error {
	t.Fields = make(map[string]*Field, len(def.Fields))
	owner := l.owner[def.Name]
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		f := &Field{
			Parent:       def.Name,
			Name:         fd.Name,
			Definition:   fd,
			Inaccessible: l.hasInaccessible(fd.Directives),
		}
		where := "field " + def.Name + "." + fd.Name
		joined := false
		for _, d := range fd.Directives {
			if d.Name != l.dField {
				continue
			}
			joined = true
			sg, ok, err := l.graphArg(d, where)
			if err != nil {
				return err
			}
			if !ok || f.Source(sg) != nil {
				continue
			}
			src, err := l.fieldSource(def, fd, d, sg, where)
			if err != nil {
				return err
			}
			f.Sources = append(f.Sources, src)
		}
		if !joined {
			switch {
			case owner != "":
				f.Sources = append(f.Sources, &FieldSource{Subgraph: owner})
				for _, sg := range t.Subgraphs {
					if sg != owner && keySelects(t.KeysIn(sg), fd.Name) {
						f.Sources = append(f.Sources, &FieldSource{Subgraph: sg, External: true})
					}
				}
			default:
				for _, sg := range t.Subgraphs {
					f.Sources = append(f.Sources, &FieldSource{Subgraph: sg})
				}
			}
		}
		slices.SortFunc(f.Sources, func(a, b *FieldSource) int { return strings.Compare(a.Subgraph, b.Subgraph) })
		t.Fields[fd.Name] = f
		t.FieldOrder = append(t.FieldOrder, fd.Name)
	}
	return nil
}

// keySelects reports whether one of keys selects field name at its top level.
func keySelects(keys []*Key, name string) bool {
	for _, k := range keys {
		for _, s := range k.Selection {
			if f, ok := s.(*ast.Field); ok && f.Name == name {
				return true
			}
		}
	}
	return false
}

func (l *loader) fieldSource(def *ast.Definition, fd *ast.FieldDefinition, d *ast.Directive, sg, where string) (*FieldSource, error) {
	src := &FieldSource{
		Subgraph:       sg,
		External:       boolArg(d, "external", false),
		UsedOverridden: boolArg(d, "usedOverridden", false),
	}
	if typ, ok := stringArg(d, "type"); ok && typ != fd.Type.String() {
		src.Type = typ
	}
	if from, ok := stringArg(d, "override"); ok {
		src.OverrideFrom = from
		if name, isEnum := l.byEnum[from]; isEnum && !slices.Contains(l.allNames, from) {
			src.OverrideFrom = name
		}
	}
	src.OverrideLabel, _ = stringArg(d, "overrideLabel")
	if err := l.readContextArguments(d, src, where); err != nil {
		return nil, err
	}
	if req, ok := stringArg(d, "requires"); ok {
		sel, err := parseFieldSet(l.full, def, req)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: @%s(graph: %s, requires: %q): %w",
				ErrInvalidSupergraph, where, d.Name, l.enumOf(sg), req, err)
		}
		src.RequiresText, src.Requires = req, sel
	}
	if prov, ok := stringArg(d, "provides"); ok {
		rt := l.full.Types[fd.Type.Name()]
		if !isComposite(rt) {
			return nil, fmt.Errorf("%w: %s: @%s(graph: %s, provides: %q): %w: return type %s is not composite",
				ErrInvalidSupergraph, where, d.Name, l.enumOf(sg), prov, ErrInvalidFieldSet, fd.Type.Name())
		}
		sel, err := parseFieldSet(l.full, rt, prov)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: @%s(graph: %s, provides: %q): %w",
				ErrInvalidSupergraph, where, d.Name, l.enumOf(sg), prov, err)
		}
		src.ProvidesText, src.Provides = prov, sel
	}
	return src, nil
}

// enumOf returns the join__Graph value of subgraph name.
func (l *loader) enumOf(name string) string {
	for _, s := range l.subgraphs {
		if s.Name == name {
			return s.Enum
		}
	}
	return name
}
