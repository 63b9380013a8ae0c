package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/gateway"
)

// Plugins returns the gateway plugins of the Authenticator: the request
// interceptor that authenticates, and, when headers.claims is configured,
// the operation interceptor that puts claims into subgraph headers.
func (a *Authenticator) Plugins() []gateway.Plugin {
	ps := []gateway.Plugin{requestPlugin{a}}
	if len(a.claims) > 0 {
		ps = append(ps, claimsPlugin{a})
	}
	return ps
}

type requestPlugin struct{ a *Authenticator }

func (requestPlugin) Name() string { return "authentication" }

// InterceptRequest authenticates the request: a valid token puts its
// Principal in the context; a bad one, or none with require: true, is
// answered 401 at once.
func (p requestPlugin) InterceptRequest(ctx context.Context, req *gateway.Request, next gateway.RequestHandler) *gateway.Response {
	a := p.a
	tok, terr := a.Token(req.Header)
	if terr != nil {
		return unauthenticated(terr.Reason, "invalid_request")
	}
	if tok == "" {
		if a.require {
			return unauthenticated("authentication required: send a token in the "+a.header+" header", "")
		}
		return next(ctx, req)
	}
	pr, err := a.Authenticate(ctx, tok)
	if err != nil {
		return unauthenticated(err.Reason, "invalid_token")
	}
	ctx = NewContext(ctx, pr)
	if !pr.Expires.IsZero() {
		// A subscription started with this token ends when it expires.
		ctx = gateway.WithCredentialExpiry(ctx, pr.Expires)
	}
	return next(ctx, req)
}

// unauthenticated is the 401 answer, with a WWW-Authenticate challenge
// (RFC 6750).
func unauthenticated(reason, code string) *gateway.Response {
	e := gqlerror.Errorf("%s", reason)
	e.Extensions = map[string]any{"code": "UNAUTHENTICATED"}
	challenge := `Bearer realm="junction"`
	if code != "" {
		challenge += fmt.Sprintf(`, error=%q, error_description=%q`, code, strings.ReplaceAll(reason, `"`, "'"))
	}
	return (&gateway.Response{Errors: gqlerror.List{e}, Status: http.StatusUnauthorized}).WithHeader("WWW-Authenticate", challenge)
}

type claimsPlugin struct{ a *Authenticator }

func (claimsPlugin) Name() string { return "authentication claims" }

// InterceptOperation adds the configured claims of the caller to every
// subgraph request of the operation (an anonymous caller adds none).
func (p claimsPlugin) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	pr := FromContext(ctx)
	if pr == nil {
		return next(ctx, op)
	}
	for _, c := range p.a.claims {
		v, ok := pr.ClaimString(c.claim)
		if !ok || strings.ContainsAny(v, "\r\n\x00") {
			continue
		}
		if op.SubgraphHeader == nil {
			op.SubgraphHeader = http.Header{}
		}
		op.SubgraphHeader.Set(c.header, v)
	}
	return next(ctx, op)
}
