package auth

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Principal is an authenticated caller. It is immutable once in a context.
type Principal struct {
	// Provider is the name of the provider that accepted the token.
	Provider string
	// Subject is the sub claim ("" when absent).
	Subject string
	// Claims are the token's claims (JSON values), or the introspection
	// answer's members for an opaque token.
	Claims map[string]any
	// Scopes are the caller's scopes, ascending, without duplicates.
	Scopes []string
	// Expires is the token's expiry (zero when it has none).
	Expires time.Time
}

// HasScope reports whether the caller has scope s.
func (p *Principal) HasScope(s string) bool {
	if p == nil {
		return false
	}
	_, ok := slices.BinarySearch(p.Scopes, s)
	return ok
}

// Claim returns the claim at a dotted path ("sub", "org.id"), or nil.
func (p *Principal) Claim(path string) any {
	if p == nil {
		return nil
	}
	var v any = p.Claims
	for part := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if v, ok = m[part]; !ok {
			return nil
		}
	}
	return v
}

// ClaimString formats the claim at path for a header: strings as they
// are, numbers and booleans in JSON form, lists of those joined with ",".
// ok is false when the claim is absent or is an object.
func (p *Principal) ClaimString(path string) (string, bool) {
	return claimString(p.Claim(path))
}

func claimString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := claimString(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	case nil, map[string]any:
		return "", false
	default:
		return fmt.Sprint(v), true
	}
}

// scopesFrom reads the scopes claim: a space-separated string or a list of
// strings. The result is sorted and compact.
func scopesFrom(claims map[string]any, claim string) []string {
	var out []string
	switch v := claims[claim].(type) {
	case string:
		out = strings.Fields(v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller in ctx, or nil for an anonymous request.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
