package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// dumpModel renders a Supergraph's federation metadata as text for golden
// files. Bound selections print every field as Parent.name:Type so that a
// missing binding shows up (as ?.name:?).
func dumpModel(s *Supergraph) string {
	var b strings.Builder
	for _, sg := range s.Subgraphs {
		fmt.Fprintf(&b, "subgraph %s enum=%s url=%s\n", sg.Name, sg.Enum, sg.URL)
	}
	names := make([]string, 0, len(s.Types))
	for n := range s.Types {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t := s.Types[n]
		fmt.Fprintf(&b, "\n%s %s in=%v", t.Kind, t.Name, t.Subgraphs)
		if len(t.Extension) > 0 {
			fmt.Fprintf(&b, " extension=%v", t.Extension)
		}
		if len(t.InterfaceObject) > 0 {
			fmt.Fprintf(&b, " interfaceObject=%v", t.InterfaceObject)
		}
		if t.Inaccessible {
			b.WriteString(" inaccessible")
		}
		b.WriteString("\n")
		for _, k := range t.Keys {
			fmt.Fprintf(&b, "  key %s %q resolvable=%v => %s\n", k.Subgraph, k.Fields, k.Resolvable, dumpSelection(k.Selection))
		}
		dumpMap(&b, "implements", t.Implements)
		dumpMap(&b, "members", t.UnionMembers)
		dumpMap(&b, "value", t.EnumValues)
		for _, fn := range t.FieldOrder {
			f := t.Fields[fn]
			fmt.Fprintf(&b, "  field %s: %s", f.Name, f.Definition.Type.String())
			if f.Inaccessible {
				b.WriteString(" inaccessible")
			}
			b.WriteString("\n")
			for _, src := range f.Sources {
				fmt.Fprintf(&b, "    from %s", src.Subgraph)
				if src.External {
					b.WriteString(" external")
				}
				if src.Type != "" {
					fmt.Fprintf(&b, " type=%s", src.Type)
				}
				if src.OverrideFrom != "" {
					fmt.Fprintf(&b, " override=%s", src.OverrideFrom)
				}
				if src.OverrideLabel != "" {
					fmt.Fprintf(&b, " label=%s", src.OverrideLabel)
				}
				if src.UsedOverridden {
					b.WriteString(" usedOverridden")
				}
				if src.RequiresText != "" {
					fmt.Fprintf(&b, " requires %q => %s", src.RequiresText, dumpSelection(src.Requires))
				}
				if src.ProvidesText != "" {
					fmt.Fprintf(&b, " provides %q => %s", src.ProvidesText, dumpSelection(src.Provides))
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func dumpMap(b *strings.Builder, label string, m map[string][]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "  %s %s %v\n", label, k, m[k])
	}
}

func dumpSelection(set ast.SelectionSet) string {
	var parts []string
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			parent, typ := "?", "?"
			if x.ObjectDefinition != nil {
				parent = x.ObjectDefinition.Name
			}
			if x.Definition != nil {
				typ = x.Definition.Type.String()
			}
			s := ""
			if x.Alias != "" && x.Alias != x.Name {
				s = x.Alias + ":"
			}
			s += parent + "." + x.Name
			if len(x.Arguments) > 0 {
				var args []string
				for _, a := range x.Arguments {
					args = append(args, a.Name+"="+a.Value.String())
				}
				s += "(" + strings.Join(args, ",") + ")"
			}
			s += ":" + typ
			if len(x.SelectionSet) > 0 {
				s += " " + dumpSelection(x.SelectionSet)
			}
			parts = append(parts, s)
		case *ast.InlineFragment:
			on := "?"
			if x.ObjectDefinition != nil {
				on = x.ObjectDefinition.Name
			}
			parts = append(parts, "... on "+on+" "+dumpSelection(x.SelectionSet))
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}
