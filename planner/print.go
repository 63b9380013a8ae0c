package planner

import (
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Print renders p in Apollo's query-plan text format:
//
//	QueryPlan {
//	  Sequence {
//	    Fetch(service: "a") {
//	      { ... }
//	    },
//	    Flatten(path: "me.reviews.@") {
//	      Fetch(service: "b") {
//	        { ... on T { __typename id } } =>
//	        { ... on T { field } }
//	      },
//	    },
//	  },
//	}
//
// A Condition with both branches prints as
// "Condition(if: $v) { Then { ... } Else { ... } }", one with only the
// If branch as "Include(if: $v) { ... }", one with only the Else branch as
// "Skip(if: $v) { ... }". A deferred block chained after a sibling (see
// Defer.Chains) prints "after: i", the sibling's index among the blocks.
func Print(p *Plan) string {
	var pr printer
	pr.line(0, "QueryPlan {")
	if p != nil && p.Root != nil {
		pr.node(1, p.Root)
	}
	pr.line(0, "}")
	return pr.b.String()
}

type printer struct{ b strings.Builder }

func (pr *printer) line(depth int, s string) {
	for i := 0; i < depth; i++ {
		pr.b.WriteString("  ")
	}
	pr.b.WriteString(s)
	pr.b.WriteByte('\n')
}

func (pr *printer) node(d int, n Node) {
	switch n := n.(type) {
	case *Sequence:
		pr.line(d, "Sequence {")
		for _, c := range n.Nodes {
			pr.node(d+1, c)
		}
		pr.line(d, "},")
	case *Parallel:
		pr.line(d, "Parallel {")
		for _, c := range n.Nodes {
			pr.node(d+1, c)
		}
		pr.line(d, "},")
	case *Flatten:
		pr.line(d, `Flatten(path: "`+strings.Join(n.Path, ".")+`") {`)
		pr.node(d+1, n.Node)
		pr.line(d, "},")
	case *Fetch:
		pr.fetch(d, n)
	case *Condition:
		switch {
		case n.If != nil && n.Else != nil:
			pr.line(d, "Condition(if: $"+n.Variable+") {")
			pr.line(d+1, "Then {")
			pr.node(d+2, n.If)
			pr.line(d+1, "} Else {")
			pr.node(d+2, n.Else)
			pr.line(d+1, "}")
			pr.line(d, "},")
		case n.If != nil:
			pr.line(d, "Include(if: $"+n.Variable+") {")
			pr.node(d+1, n.If)
			pr.line(d, "},")
		case n.Else != nil:
			pr.line(d, "Skip(if: $"+n.Variable+") {")
			pr.node(d+1, n.Else)
			pr.line(d, "},")
		}
	case *Defer:
		pr.line(d, "Defer {")
		pr.line(d+1, "Primary {")
		if n.Primary != nil {
			pr.node(d+2, n.Primary)
		}
		pr.line(d+1, "}, [")
		for i, blk := range n.Deferred {
			head := "Deferred(depends: [" + strings.Join(blk.Depends, ", ") + `], path: "` + deferPath(blk.Path) + `"`
			if blk.Label != "" {
				head += `, label: "` + blk.Label + `"`
			}
			if a := n.After(i); a >= 0 {
				head += ", after: " + strconv.Itoa(a)
			}
			pr.line(d+2, head+") {")
			pr.line(d+3, blk.Subselection()+":")
			if blk.Node != nil {
				pr.node(d+3, blk.Node)
			}
			pr.line(d+2, "},")
		}
		pr.line(d+1, "]")
		pr.line(d, "},")
	}
}

// deferPath prints a deferred block's path as Apollo does: response keys
// joined by "/", list levels left out.
func deferPath(path []string) string {
	var keys []string
	for _, k := range path {
		if k != "@" {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, "/")
}

// compactSelection prints a block's selection on one line: the deferred
// fragment's fields, under "... on T" when it has a type condition.
func compactSelection(ss ast.SelectionSet) string {
	var b strings.Builder
	var write func(ss ast.SelectionSet)
	write = func(ss ast.SelectionSet) {
		b.WriteString("{")
		for _, s := range ss {
			b.WriteByte(' ')
			switch s := s.(type) {
			case *ast.Field:
				if s.Alias != "" && s.Alias != s.Name {
					b.WriteString(s.Alias + ": ")
				}
				b.WriteString(s.Name + printArgs(s.Arguments) + printDirs(s.Directives))
				if len(s.SelectionSet) > 0 {
					b.WriteByte(' ')
					write(s.SelectionSet)
				}
			case *ast.InlineFragment:
				b.WriteString("..." + printTypeCond(s.TypeCondition) + printDirs(s.Directives) + " ")
				write(s.SelectionSet)
			case *ast.FragmentSpread:
				b.WriteString("..." + s.Name + printDirs(s.Directives))
			}
		}
		b.WriteString(" }")
	}
	if len(ss) == 1 {
		if f, ok := ss[0].(*ast.InlineFragment); ok && f.TypeCondition == "" && len(f.Directives) == 0 {
			ss = f.SelectionSet
		}
	}
	write(ss)
	return b.String()
}

func printTypeCond(tc string) string {
	if tc == "" {
		return ""
	}
	return " on " + tc
}

func (pr *printer) fetch(d int, f *Fetch) {
	id := ""
	if f.ID != "" {
		id = ", id: " + f.ID
	}
	pr.line(d, `Fetch(service: "`+f.Service+`"`+id+`) {`)
	sel := f.Selection()
	if f.Requires != nil {
		pr.line(d+1, "{")
		pr.sel(d+2, f.Requires)
		pr.line(d+1, "} =>")
	}
	pr.context(d+1, f)
	pr.line(d+1, "{")
	pr.sel(d+2, sel)
	pr.line(d+1, "}")
	pr.line(d, "},")
}

func (pr *printer) sel(d int, ss ast.SelectionSet) {
	for _, s := range ss {
		var head string
		var sub ast.SelectionSet
		switch s := s.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				head = s.Alias + ": "
			}
			head += s.Name + printArgs(s.Arguments) + printDirs(s.Directives)
			sub = s.SelectionSet
		case *ast.InlineFragment:
			head = "..."
			if s.TypeCondition != "" {
				head += " on " + s.TypeCondition
			}
			head += printDirs(s.Directives)
			sub = s.SelectionSet
		case *ast.FragmentSpread:
			head = "..." + s.Name + printDirs(s.Directives)
		}
		if len(sub) == 0 {
			pr.line(d, head)
			continue
		}
		pr.line(d, head+" {")
		pr.sel(d+1, sub)
		pr.line(d, "}")
	}
}

func printArgs(as ast.ArgumentList) string {
	if len(as) == 0 {
		return ""
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name + ": " + printValue(a.Value)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func printDirs(ds ast.DirectiveList) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(" @" + d.Name + printArgs(d.Arguments))
	}
	return b.String()
}

func printValue(v *ast.Value) string {
	if v == nil {
		return "null"
	}
	switch v.Kind {
	case ast.ListValue:
		parts := make([]string, len(v.Children))
		for i, c := range v.Children {
			parts[i] = printValue(c.Value)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ast.ObjectValue:
		parts := make([]string, len(v.Children))
		for i, c := range v.Children {
			parts[i] = c.Name + ": " + printValue(c.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.String()
}

// Subselection prints what the block delivers on one line, as the
// Deferred node of the plan text shows it ("{ a b { c } }").
func (b *DeferredBlock) Subselection() string { return compactSelection(b.Selection) }
