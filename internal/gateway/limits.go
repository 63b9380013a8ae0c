package gateway

import (
	"errors"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound what one client document may ask for. They are checked
// before validation, which is itself costly for hostile documents (the
// overlapping-fields rule is quadratic in same-named fields and walks every
// fragment spread), so a rejected document costs one lexing pass and one
// parse. A zero field means its default; the defaults never hurt a normal
// query (GraphiQL's introspection query has depth 13 and about 300 tokens).
type Limits struct {
	// MaxTokens caps the lexical tokens of the query text (default 15000,
	// as Apollo Router's parser_max_tokens).
	MaxTokens int
	// MaxDepth caps the field nesting of an operation, fragments expanded
	// (root fields are depth 1; default 64).
	MaxDepth int
	// MaxAliases caps the aliased fields of an operation, each fragment
	// counted as often as it is spread (default 1000).
	MaxAliases int
	// MaxRootFields caps the fields selected at the root of an operation,
	// through fragments (default 1000).
	MaxRootFields int
	// MaxRecursiveSelections caps the selections of an operation with every
	// fragment spread expanded (default 100000): a document of a few
	// hundred bytes can otherwise spread fragments into billions.
	MaxRecursiveSelections int
}

// Defaults of Limits.
const (
	DefaultMaxTokens              = 15000
	DefaultMaxDepth               = 64
	DefaultMaxAliases             = 1000
	DefaultMaxRootFields          = 1000
	DefaultMaxRecursiveSelections = 100000
)

// Error codes of the limits (Apollo Router's, and Apollo Server's for the
// recursive selections).
const (
	CodeMaxDepth               = "MAX_DEPTH_LIMIT"
	CodeMaxAliases             = "MAX_ALIASES_LIMIT"
	CodeMaxRootFields          = "MAX_ROOT_FIELDS_LIMIT"
	CodeMaxRecursiveSelections = "MAX_RECURSIVE_SELECTIONS_EXCEEDED"
	CodeParseFailed            = "GRAPHQL_PARSE_FAILED"
)

func (l Limits) withDefaults() Limits {
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = DefaultMaxAliases
	}
	if l.MaxRootFields <= 0 {
		l.MaxRootFields = DefaultMaxRootFields
	}
	if l.MaxRecursiveSelections <= 0 {
		l.MaxRecursiveSelections = DefaultMaxRecursiveSelections
	}
	return l
}

// parseLimited parses query, lexing it once: gqlparser counts the tokens
// as it reads them and stops at more than max, reported as Junction's
// token limit error (limits.max_tokens).
func parseLimited(query string, max int) (*ast.QueryDocument, gqlerror.List) {
	// The source is unnamed: a name would appear in every error's
	// extensions as "file".
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, max)
	if err == nil {
		return doc, nil
	}
	var ge *gqlerror.Error
	if errors.As(err, &ge) && strings.HasPrefix(ge.Message, "exceeded token limit") {
		return nil, gqlerror.List{withCode(gqlerror.Errorf("token limit (%d) reached: the query is too large", max), CodeParseFailed)}
	}
	return nil, codedList(err, CodeParseFailed)
}

// checkOperations measures every operation of a parsed (not yet validated)
// document and reports the first limit exceeded, in document order.
func checkOperations(doc *ast.QueryDocument, l Limits) *gqlerror.Error {
	w := &measurer{frags: map[string]*ast.FragmentDefinition{}, memo: map[string]stats{}, memoRoot: map[string]int{}, active: map[string]bool{}}
	for _, f := range doc.Fragments {
		if _, dup := w.frags[f.Name]; !dup {
			w.frags[f.Name] = f // duplicates are a validation error
		}
	}
	for _, op := range doc.Operations {
		s := w.set(op.SelectionSet)
		var err *gqlerror.Error
		switch {
		case s.selections > l.MaxRecursiveSelections:
			err = limitError("Maximum recursive selections limit exceeded in this operation", CodeMaxRecursiveSelections, l.MaxRecursiveSelections)
		case s.depth > l.MaxDepth:
			err = limitError("Maximum depth limit exceeded in this operation", CodeMaxDepth, l.MaxDepth)
		case w.rootFields(op.SelectionSet) > l.MaxRootFields:
			err = limitError("Maximum root fields limit exceeded in this operation", CodeMaxRootFields, l.MaxRootFields)
		case s.aliases > l.MaxAliases:
			err = limitError("Maximum aliases limit exceeded in this operation", CodeMaxAliases, l.MaxAliases)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func limitError(msg, code string, limit int) *gqlerror.Error {
	e := withCode(gqlerror.Errorf("%s", msg), code)
	e.Extensions["limit"] = limit
	return e
}

// stats of a selection set with fragments expanded. Counts saturate at
// satMax so that a fragment bomb cannot overflow them.
type stats struct {
	depth, aliases, selections int
}

const satMax = 1 << 40

func satAdd(a, b int) int {
	if a+b > satMax {
		return satMax
	}
	return a + b
}

// measurer computes stats with one memo entry per fragment, so its cost is
// linear in the document whatever the spreads expand to. A fragment that
// spreads itself (directly or not) counts as empty inside the cycle;
// validation rejects the document afterwards.
type measurer struct {
	frags    map[string]*ast.FragmentDefinition
	memo     map[string]stats
	memoRoot map[string]int
	active   map[string]bool
}

func (w *measurer) set(ss ast.SelectionSet) stats {
	var s stats
	for _, sel := range ss {
		s.selections = satAdd(s.selections, 1)
		var c stats
		switch x := sel.(type) {
		case *ast.Field:
			if x.Alias != "" && x.Alias != x.Name {
				s.aliases = satAdd(s.aliases, 1)
			}
			c = w.set(x.SelectionSet)
			c.depth++
		case *ast.InlineFragment:
			c = w.set(x.SelectionSet)
		case *ast.FragmentSpread:
			c = w.fragment(x.Name)
		}
		s.depth = max(s.depth, c.depth)
		s.aliases = satAdd(s.aliases, c.aliases)
		s.selections = satAdd(s.selections, c.selections)
	}
	return s
}

func (w *measurer) fragment(name string) stats {
	if s, ok := w.memo[name]; ok {
		return s
	}
	f := w.frags[name]
	if f == nil || w.active[name] {
		return stats{}
	}
	w.active[name] = true
	s := w.set(f.SelectionSet)
	delete(w.active, name)
	w.memo[name] = s
	return s
}

// rootFields counts the fields at the top of ss, through fragments (each
// fragment counted once per spread, measured once).
func (w *measurer) rootFields(ss ast.SelectionSet) int {
	n := 0
	for _, sel := range ss {
		switch x := sel.(type) {
		case *ast.Field:
			n = satAdd(n, 1)
		case *ast.InlineFragment:
			n = satAdd(n, w.rootFields(x.SelectionSet))
		case *ast.FragmentSpread:
			n = satAdd(n, w.fragmentRoot(x.Name))
		}
	}
	return n
}

func (w *measurer) fragmentRoot(name string) int {
	if n, ok := w.memoRoot[name]; ok {
		return n
	}
	f := w.frags[name]
	if f == nil || w.active[name] {
		return 0
	}
	w.active[name] = true
	n := w.rootFields(f.SelectionSet)
	delete(w.active, name)
	w.memoRoot[name] = n
	return n
}

// CheckDocument applies l (zero fields: defaults) to a document that is
// not served by the gateway's pipeline (the registry API): the token limit,
// then the operation limits on the parsed document. It returns the limit's
// error or the parse error; nil when the document is within the limits.
func (l Limits) CheckDocument(query string) gqlerror.List {
	l = l.withDefaults()
	doc, errs := parseLimited(query, l.MaxTokens)
	if errs != nil {
		return errs
	}
	if err := checkOperations(doc, l); err != nil {
		return gqlerror.List{err}
	}
	return nil
}
