package planner

import (
	"fmt"
	"strings"
	"sync"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/schema"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// prepared is what running a fetch needs that its Operation determines:
// derived once, when the plan is built (before it is cached and shared),
// and never modified after (the parsed selection, wanted only to print the
// plan, is parsed on first use, once).
type prepared struct {
	// selection is what the fetch selects: the operation's selection set,
	// or for an entity fetch the selection under _entities. Set by
	// selOnce.
	selOnce   sync.Once
	selection ast.SelectionSet
	// rootKeys are the response keys selected at the top of selection
	// (inline fragments looked through), in order.
	rootKeys []string
	// batchKey identifies, for an entity fetch, what can share one
	// _entities call: the subgraph, the operation (its name left out),
	// the representation selection and the rewrites. Empty for a root
	// fetch.
	batchKey string
	// bodyStart is the start of the request body:
	// {"query":"<Operation>","operationName":"<OperationName>" (the name
	// only when set), without the variables and the closing brace.
	bodyStart []byte
}

// NewPlan returns a plan of kind running root, every fetch prepared (see
// Fetch.Selection). The planner builds its plans with it; a plan written
// by hand (tests) should be too.
func NewPlan(kind ast.Operation, root Node) *Plan {
	p := &Plan{Kind: kind, Root: root}
	p.prepare(nil)
	return p
}

// prepare prepares every fetch of p (conditions, deferred blocks and
// nested Defers included), orders the branches of each Parallel and the
// deferred blocks of each Defer that may write the same key (order.go); conds answers type conditions in the
// schema the plan was built for (nil: any two entity types may overlap).
func (p *Plan) prepare(conds *schema.TypeConditions) {
	var walk func(n Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Sequence:
			for _, c := range n.Nodes {
				walk(c)
			}
		case *Parallel:
			// Children first: ordering reads their prepared fetches.
			for _, c := range n.Nodes {
				walk(c)
			}
			orderWrites(n, conds)
			assignRounds(n)
		case *Flatten:
			walk(n.Node)
		case *Condition:
			walk(n.If)
			walk(n.Else)
		case *Defer:
			walk(n.Primary)
			for _, b := range n.Deferred {
				if b != nil {
					walk(b.Node)
				}
			}
			orderDeferred(n, conds)
			assignDeferredRounds(n)
		case *Fetch:
			if n.prep == nil {
				n.prep = n.derive()
			}
		}
	}
	walk(p.Root)
}

// parseSelection parses f's Operation: the selection (see
// prepared.selection) and the document, nil when it does not parse.
func (f *Fetch) parseSelection() (ast.SelectionSet, *ast.QueryDocument) {
	doc, err := parser.ParseQuery(&ast.Source{Input: f.Operation})
	if err != nil || len(doc.Operations) == 0 {
		return ast.SelectionSet{&ast.Field{Name: "<unparsable operation>"}}, nil
	}
	sel := doc.Operations[0].SelectionSet
	if f.Requires != nil && len(sel) == 1 {
		if e, ok := sel[0].(*ast.Field); ok && e.Name == "_entities" {
			sel = e.SelectionSet
		}
	}
	return sel, doc
}

// derive computes f's prepared data from its fields. The root keys are
// those the planner recorded when it wrote Operation; only a fetch written
// by hand has its Operation parsed for them (the planner's cold path
// parsed every fetch it had just printed: a third of its allocations).
func (f *Fetch) derive() *prepared {
	pr := &prepared{rootKeys: f.keys}
	if pr.rootKeys == nil {
		sel, doc := f.parseSelection()
		if doc != nil {
			var walk func(ast.SelectionSet)
			walk = func(ss ast.SelectionSet) {
				for _, s := range ss {
					switch s := s.(type) {
					case *ast.Field:
						pr.rootKeys = append(pr.rootKeys, responseKey(s))
					case *ast.InlineFragment:
						walk(s.SelectionSet)
					case *ast.FragmentSpread:
						if fr := doc.Fragments.ForName(s.Name); fr != nil {
							walk(fr.SelectionSet)
						}
					}
				}
			}
			walk(sel)
		}
	}
	b := append([]byte(nil), `{"query":`...)
	b = jsonv.AppendString(b, f.Operation)
	if f.OperationName != "" {
		b = append(b, `,"operationName":`...)
		b = jsonv.AppendString(b, f.OperationName)
	}
	pr.bodyStart = b
	if f.Requires != nil {
		op := f.Operation
		if f.OperationName != "" {
			op = strings.Replace(op, " "+f.OperationName, "", 1)
		}
		pr.batchKey = f.Service + "\x00" + op + "\x00" + compactSelection(f.Requires) + "\x00" +
			fmt.Sprint(f.InputRewrites) + "\x00" + fmt.Sprint(f.OutputRewrites)
	}
	return pr
}

// prep returns f's prepared data: computed when the plan was built, or
// (a Fetch outside any prepared plan) computed now and not kept.
func (f *Fetch) prepared() *prepared {
	if f.prep != nil {
		return f.prep
	}
	return f.derive()
}

// Selection is what f selects: its operation's selection set, or for an
// entity fetch the selection under _entities. Shared: never modify it.
func (f *Fetch) Selection() ast.SelectionSet {
	p := f.prepared()
	p.selOnce.Do(func() { p.selection, _ = f.parseSelection() })
	return p.selection
}

// RootKeys are the response keys f selects at the top of Selection (inline
// fragments looked through), in order: what a root fetch writes at the
// root, what an entity fetch writes on each entity. Shared: never modify
// it.
func (f *Fetch) RootKeys() []string { return f.prepared().rootKeys }

// BodyStart is the start of f's GraphQL-over-HTTP request body:
// {"query":"…","operationName":"…" (the name only when set), to be followed
// by the variables, if any, and the closing brace. Shared: never modify
// it.
func (f *Fetch) BodyStart() []byte { return f.prepared().bodyStart }
