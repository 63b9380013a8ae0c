package cache

import (
	"context"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// Plugin sets each response's Cache-Control header as Apollo Server
// computes it: "max-age=N, public" (or private) with N the smallest
// maxAge of the operation's fields, "no-store" for a mutation, for data
// without a hint (maxAge 0) and for a response with errors. When the
// subgraphs' Cache-Control is passed back too, the two are merged by
// gateway.MergeCacheControl (the most restrictive wins).
func (c *Cache) Plugin() gateway.Plugin { return (*headerPlugin)(c) }

type headerPlugin Cache

func (*headerPlugin) Name() string { return "cache" }

// Prepare reads the supergraph's hints.
func (*headerPlugin) Prepare(sg *schema.Supergraph) (any, error) { return ReadHints(sg) }

// InterceptOperation implements gateway.OperationInterceptor.
func (p *headerPlugin) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	resp := next(ctx, op)
	if resp == nil || resp.Incremental != nil {
		return resp
	}
	h, _ := op.State.Prepared(p).(*Hints)
	v := OperationPolicy(h, op.Document, op.Definition, op.Variables, len(resp.Errors) > 0).Header()
	if prev := resp.Header.Get("Cache-Control"); prev != "" {
		// The subgraphs' (gateway.WithResponseHeaders): one rule merges both.
		v = gateway.MergeCacheControl(prev, v)
	}
	return resp.WithHeader("Cache-Control", v)
}

// OperationPolicy is the policy of a client operation (uncacheable for a
// mutation, a subscription, or when it has errors).
func OperationPolicy(h *Hints, doc *ast.QueryDocument, def *ast.OperationDefinition, vars map[string]any, errs bool) Policy {
	var p Policy
	if h == nil || def == nil || def.Operation != ast.Query || errs {
		return p
	}
	h.Selection(&p, def.SelectionSet, h.schema.Query, true, doc.Fragments, vars)
	return p
}
