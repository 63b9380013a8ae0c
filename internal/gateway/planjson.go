package gateway

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/planner"
)

// planExtension is the plan as exposed in extensions.apolloQueryPlan: the
// node tree in Apollo's JSON vocabulary and the text form, so tools built
// for Apollo Router read it unchanged.
func planExtension(p *planner.Plan) map[string]any {
	obj := map[string]any{"kind": "QueryPlan"}
	if p.Root != nil {
		obj["node"] = nodeJSON(p.Root)
	}
	return map[string]any{"object": obj, "text": planner.Print(p)}
}

func nodeJSON(n planner.Node) any {
	switch n := n.(type) {
	case *planner.Sequence:
		return map[string]any{"kind": "Sequence", "nodes": nodesJSON(n.Nodes)}
	case *planner.Parallel:
		return map[string]any{"kind": "Parallel", "nodes": nodesJSON(n.Nodes)}
	case *planner.Flatten:
		path := make([]any, len(n.Path))
		for i, p := range n.Path {
			path[i] = p
		}
		return map[string]any{"kind": "Flatten", "path": path, "node": nodeJSON(n.Node)}
	case *planner.Fetch:
		m := map[string]any{
			"kind":           "Fetch",
			"serviceName":    n.Service,
			"variableUsages": append([]string{}, n.Variables...),
			"operation":      n.Operation,
			"operationKind":  string(n.OperationKind),
		}
		if n.OperationName != "" {
			m["operationName"] = n.OperationName
		}
		if n.Requires != nil {
			m["requires"] = selectionsJSON(n.Requires)
		}
		if n.ID != "" {
			m["id"] = n.ID
		}
		return m
	case *planner.Condition:
		m := map[string]any{"kind": "Condition", "condition": n.Variable}
		if n.If != nil {
			m["ifClause"] = nodeJSON(n.If)
		}
		if n.Else != nil {
			m["elseClause"] = nodeJSON(n.Else)
		}
		return m
	case *planner.Defer:
		blocks := make([]any, 0, len(n.Deferred))
		for _, b := range n.Deferred {
			deps := make([]any, 0, len(b.Depends))
			for _, id := range b.Depends {
				deps = append(deps, map[string]any{"id": id})
			}
			bm := map[string]any{"depends": deps, "queryPath": b.Path, "subselection": b.Subselection()}
			if b.Label != "" {
				bm["label"] = b.Label
			}
			if b.Node != nil {
				bm["node"] = nodeJSON(b.Node)
			}
			blocks = append(blocks, bm)
		}
		m := map[string]any{"kind": "Defer", "deferred": blocks}
		if n.Primary != nil {
			m["primary"] = map[string]any{"node": nodeJSON(n.Primary)}
		}
		return m
	}
	return nil
}

func nodesJSON(ns []planner.Node) []any {
	out := make([]any, 0, len(ns))
	for _, n := range ns {
		out = append(out, nodeJSON(n))
	}
	return out
}

func selectionsJSON(ss ast.SelectionSet) []any {
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			m := map[string]any{"kind": "Field", "name": s.Name}
			if s.Alias != "" && s.Alias != s.Name {
				m["alias"] = s.Alias
			}
			if len(s.SelectionSet) > 0 {
				m["selections"] = selectionsJSON(s.SelectionSet)
			}
			out = append(out, m)
		case *ast.InlineFragment:
			out = append(out, map[string]any{
				"kind":          "InlineFragment",
				"typeCondition": s.TypeCondition,
				"selections":    selectionsJSON(s.SelectionSet),
			})
		}
	}
	return out
}
