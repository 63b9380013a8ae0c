package graph

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/registry"
)

// Error codes of the registry API's access control.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
)

// Limits on registry API documents: an admin API needs few aliases, and
// each alias of supergraph { sdl } costs the whole SDL in the answer.
const (
	MaxAliases    = 20
	MaxRootFields = 20
	MaxDepth      = 10
)

// Options configure the registry API.
type Options struct {
	// Token, when set, is required (Authorization: Bearer <token>) for
	// every request, reads included.
	Token string
	// LoopbackWrites allows mutations without a token from loopback
	// clients (junction dev). Without it and without a token, mutations
	// are refused.
	LoopbackWrites bool
	// Limits are the gateway's document limits; the registry's own caps
	// (MaxAliases, MaxRootFields, MaxDepth) apply when lower.
	Limits gateway.Limits
	// Timeout bounds one request (default 60s).
	Timeout time.Duration
	// Purge serves purgeCache (nil: the gateway has no response cache).
	Purge Purger
}

// API is the registry API as an internal/server Handler: mounted with
// server.New, it gets the transport's body size limit, body read timeout,
// request ids and content negotiation, exactly as /graphql does.
type API struct {
	exec    *executor.Executor
	token   [32]byte
	hasTok  bool
	loop    bool
	limits  gateway.Limits
	timeout time.Duration
}

type accessKey struct{}

// access is what the request may do, decided from its headers before
// gqlgen parses it and enforced once the operation kind is known.
type access struct{ mutate bool }

// New returns the registry API over reg.
func New(reg *registry.Registry, o Options) *API {
	a := &API{loop: o.LoopbackWrites, timeout: o.Timeout, limits: o.Limits}
	if o.Token != "" {
		a.token, a.hasTok = sha256.Sum256([]byte(o.Token)), true
	}
	if a.timeout <= 0 {
		a.timeout = 60 * time.Second
	}
	a.limits.MaxAliases = capped(a.limits.MaxAliases, MaxAliases)
	a.limits.MaxRootFields = capped(a.limits.MaxRootFields, MaxRootFields)
	a.limits.MaxDepth = capped(a.limits.MaxDepth, MaxDepth)
	a.exec = executor.New(NewExecutableSchema(Config{Resolvers: &Resolver{Registry: reg, Purge: o.Purge}}))
	a.exec.Use(extension.Introspection{})
	a.exec.Use(mutationGuard{})
	return a
}

func capped(v, c int) int {
	if v <= 0 || v > c {
		return c
	}
	return v
}

// Serve runs one decoded request.
func (a *API) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	acc := access{}
	switch {
	case a.hasTok:
		if !a.authorized(req.Header) {
			r := errorResponse(http.StatusUnauthorized, CodeUnauthenticated,
				"the registry API needs its token: send Authorization: Bearer <registry.token>")
			r.Header = http.Header{"Www-Authenticate": {`Bearer realm="junction-registry"`}}
			return r
		}
		acc.mutate = true
	case a.loop && loopback(req.RemoteAddr):
		acc.mutate = true
	}
	if errs := a.limits.CheckDocument(req.Query); len(errs) > 0 {
		return &gateway.Response{Errors: errs, Status: http.StatusBadRequest}
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	ctx = context.WithValue(ctx, accessKey{}, acc)
	ctx = graphql.StartOperationTrace(ctx)
	params := &graphql.RawParams{Query: req.Query, OperationName: req.OperationName,
		Variables: req.Variables, Extensions: req.Extensions, Headers: req.Header}
	opCtx, errs := a.exec.CreateOperationContext(ctx, params)
	if len(errs) > 0 {
		status := http.StatusBadRequest
		for _, e := range errs {
			if e.Extensions["code"] == CodeForbidden {
				status = http.StatusForbidden
			}
		}
		return &gateway.Response{Errors: errs, Status: status}
	}
	if opCtx.Operation.Operation == ast.Subscription {
		return errorResponse(http.StatusBadRequest, "SUBSCRIPTION_NOT_SUPPORTED", "the registry API has no subscriptions")
	}
	h, ctx := a.exec.DispatchOperation(ctx, opCtx)
	res := h(ctx)
	if res == nil {
		return errorResponse(http.StatusGatewayTimeout, "REQUEST_TIMEOUT", "the registry request did not finish in time")
	}
	return &gateway.Response{Data: res.Data, Errors: res.Errors, Extensions: res.Extensions}
}

func (a *API) authorized(h http.Header) bool {
	v := h.Get("Authorization")
	tok, ok := strings.CutPrefix(v, "Bearer ")
	if !ok {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(sum[:], a.token[:]) == 1
}

func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func errorResponse(status int, code, msg string) *gateway.Response {
	e := gqlerror.Errorf("%s", msg)
	e.Extensions = map[string]any{"code": code}
	return &gateway.Response{Errors: gqlerror.List{e}, Status: status}
}

// mutationGuard refuses mutations the request's access does not allow.
type mutationGuard struct{}

func (mutationGuard) ExtensionName() string                   { return "RegistryMutationGuard" }
func (mutationGuard) Validate(graphql.ExecutableSchema) error { return nil }
func (mutationGuard) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil || op.Operation.Operation != ast.Mutation {
		return nil
	}
	if acc, _ := ctx.Value(accessKey{}).(access); acc.mutate {
		return nil
	}
	e := gqlerror.Errorf("registry mutations are refused: no registry token is configured. Set registry.token (or JUNCTION_REGISTRY_TOKEN) and send Authorization: Bearer <token>; junction dev allows them from loopback")
	e.Extensions = map[string]any{"code": CodeForbidden}
	return e
}
