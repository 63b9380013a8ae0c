package authz

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/gateway"
)

// policyCostLimit bounds the evaluation of one policy (CEL's cost units).
const policyCostLimit = 100000

// compilePolicies type-checks every configured policy.
func compilePolicies(src map[string]string) (map[string]cel.Program, error) {
	env, err := cel.NewEnv(
		cel.Variable("claims", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("scopes", cel.ListType(cel.StringType)),
		cel.Variable("authenticated", cel.BoolType),
		cel.Variable("subject", cel.StringType),
		cel.Variable("request", cel.MapType(cel.StringType, cel.DynType)),
	)
	if err != nil {
		return nil, fmt.Errorf("authorization: policy environment: %w", err)
	}
	names := make([]string, 0, len(src))
	for n := range src {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make(map[string]cel.Program, len(src))
	for _, n := range names {
		ast, iss := env.Compile(src[n])
		if iss.Err() != nil {
			return nil, fmt.Errorf("authorization.policies.%s: %w", n, iss.Err())
		}
		if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
			return nil, fmt.Errorf("authorization.policies.%s: the expression is a %s, not a bool", n, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.CostLimit(policyCostLimit))
		if err != nil {
			return nil, fmt.Errorf("authorization.policies.%s: %w", n, err)
		}
		out[n] = prg
	}
	return out, nil
}

// activation is the input of the policies for one operation.
func activation(ctx context.Context, op *gateway.Operation) map[string]any {
	pr := auth.FromContext(ctx)
	claims := map[string]any{}
	scopes := []string{}
	subject := ""
	if pr != nil {
		claims, scopes, subject = pr.Claims, pr.Scopes, pr.Subject
	}
	headers := map[string]any{}
	if op.Request != nil {
		for k, vs := range op.Request.Header {
			if len(vs) > 0 {
				headers[strings.ToLower(k)] = vs[0]
			}
		}
	}
	opName := ""
	kind := ""
	if op.Definition != nil {
		opName, kind = op.Definition.Name, string(op.Definition.Operation)
	}
	return map[string]any{
		"claims":        claims,
		"scopes":        scopes,
		"authenticated": pr != nil,
		"subject":       subject,
		"request":       map[string]any{"headers": headers, "operation_name": opName, "operation_type": kind},
	}
}
