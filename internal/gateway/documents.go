package gateway

import (
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// documentCache keeps parsed and validated client documents by query text
// for one State (documents are bound to that State's API schema). Cached
// documents are shared between requests and never mutated.
type documentCache struct {
	lru    *lru.Cache[string, *cachedDocument]
	limits Limits
}

type cachedDocument struct {
	doc  *ast.QueryDocument
	errs gqlerror.List
	// kinds maps the operation names of a document that parsed but failed
	// validation to their kinds ("" for an anonymous one), so that a
	// mutation over GET is answered 405 whatever the validation errors.
	kinds map[string]ast.Operation
}

func newDocumentCache(size int, limits Limits) *documentCache {
	if size <= 0 {
		size = 1
	}
	c, _ := lru.New[string, *cachedDocument](size) // only errs on size <= 0
	return &documentCache{lru: c, limits: limits.withDefaults()}
}

// load parses and validates query against api, from the cache when it can.
func (c *documentCache) load(api *ast.Schema, query string) *cachedDocument {
	if d, ok := c.lru.Get(query); ok {
		return d
	}
	d := parseAndValidate(api, query, c.limits)
	c.lru.Add(query, d)
	return d
}

// parseAndValidate checks the token limit, parses, checks the operation
// limits, then validates: the limits come first because validation is the
// costly step for a hostile document.
func parseAndValidate(api *ast.Schema, query string, limits Limits) *cachedDocument {
	doc, errs := parseLimited(query, limits.MaxTokens)
	if errs != nil {
		return &cachedDocument{errs: errs}
	}
	if err := checkOperations(doc, limits); err != nil {
		return &cachedDocument{errs: gqlerror.List{err}}
	}
	if errs := validator.Validate(api, doc, clientRules...); len(errs) > 0 {
		for _, e := range errs {
			withCode(e, "GRAPHQL_VALIDATION_FAILED")
		}
		kinds := make(map[string]ast.Operation, len(doc.Operations))
		for _, op := range doc.Operations {
			kinds[op.Name] = op.Operation
		}
		return &cachedDocument{errs: errs, kinds: kinds}
	}
	if errs := checkIntLiterals(doc); len(errs) > 0 {
		return &cachedDocument{errs: errs}
	}
	return &cachedDocument{doc: doc}
}

func codedList(err error, code string) gqlerror.List {
	var list gqlerror.List
	switch e := err.(type) {
	case *gqlerror.Error:
		list = gqlerror.List{e}
	case gqlerror.List:
		list = e
	default:
		list = gqlerror.List{gqlerror.Errorf("%s", err.Error())}
	}
	for _, e := range list {
		withCode(e, code)
	}
	return list
}
