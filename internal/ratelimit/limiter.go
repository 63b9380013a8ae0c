package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/schema"
)

// CodeRateLimited is the extensions.code of a field or request refused by
// a rate limit.
const CodeRateLimited = "RATE_LIMITED"

// ClientNameHeader names the client for limits `by: client` (Apollo's
// client-awareness header).
const ClientNameHeader = "Apollographql-Client-Name"

// Identity tells who sent a request, for limits by user and by claim.
type Identity interface {
	// Subject is the authenticated caller's subject, "" when anonymous.
	Subject(ctx context.Context, req *gateway.Request) string
	// Claim is the caller's claim name formatted as a string.
	Claim(ctx context.Context, req *gateway.Request, name string) (string, bool)
}

// Principal is the Identity of the authentication plugin: the
// principal it put in the context (internal/auth), anonymous without one.
type Principal struct{}

// Subject implements Identity.
func (Principal) Subject(ctx context.Context, _ *gateway.Request) string {
	if p := auth.FromContext(ctx); p != nil {
		if p.Subject != "" {
			return p.Subject
		}
		return p.Provider + ":anonymous-subject"
	}
	return ""
}

// Claim implements Identity.
func (Principal) Claim(ctx context.Context, _ *gateway.Request, name string) (string, bool) {
	return auth.FromContext(ctx).ClaimString(name)
}

// Options configure a Limiter.
type Options struct {
	// Store keeps the counts (NewMemory or NewRedis).
	Store Store
	// FailClosed refuses limited fields and requests while the store fails
	// (default: they go through).
	FailClosed bool
	// MaxLimit bounds any rule's max (config.DefaultRateLimitMaxLimit when 0).
	MaxLimit int
	// Requests are the request-level limits.
	Requests []config.RequestLimit
	// Identity finds the caller (Principal when nil).
	Identity Identity
	// Timeout bounds one store call (default 500ms); past it the store has
	// failed for this request.
	Timeout time.Duration
	// Health follows a remote store (logs once per incident, skips it for
	// a backoff after a failure); nil for a memory store.
	Health *redisclient.Health
	// Log receives what Health does not log (nil discards).
	Log *slog.Logger
}

// Limiter enforces @rateLimit on fields and the request-level limits.
// Plugins returns what to give the gateway.
type Limiter struct {
	o Options
}

// New returns a Limiter.
func New(o Options) (*Limiter, error) {
	if o.Store == nil {
		return nil, errors.New("ratelimit: no store")
	}
	if o.MaxLimit <= 0 {
		o.MaxLimit = config.DefaultRateLimitMaxLimit
	}
	if o.Identity == nil {
		o.Identity = Principal{}
	}
	if o.Timeout <= 0 {
		o.Timeout = 500 * time.Millisecond
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	for i, r := range o.Requests {
		if !config.ValidRateLimitBy(r.By) || r.Max < 1 || r.Max > o.MaxLimit || r.Window <= 0 {
			return nil, fmt.Errorf("ratelimit: request limit %d (%+v) is invalid", i, r)
		}
	}
	return &Limiter{o: o}, nil
}

// Plugins are the gateway plugins: field limits (always) and request
// limits (when configured).
func (l *Limiter) Plugins() []gateway.Plugin {
	ps := []gateway.Plugin{(*fieldLimits)(l)}
	if len(l.o.Requests) > 0 {
		ps = append(ps, (*requestLimits)(l))
	}
	return ps
}

// fieldLimits is the operation interceptor and preparer.
type fieldLimits Limiter

func (*fieldLimits) Name() string { return "ratelimit" }

// Prepare reads the supergraph's @rateLimit rules.
func (l *fieldLimits) Prepare(sg *schema.Supergraph) (any, error) {
	return ReadRules(sg, l.o.MaxLimit)
}

type limited struct {
	field *ast.Field
	rule  *Rule
	hit   int // index of the field's hit (one per coordinate and key)
}

// InterceptOperation counts one hit per limited field coordinate and key
// selected by the operation, however many times or under however many
// aliases it is selected, in one store call, and denies every selection
// of a field over its limit.
func (l *fieldLimits) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	rules, _ := op.State.Prepared(l).(*Rules)
	if rules.Len() == 0 {
		return next(ctx, op)
	}
	var sel []limited
	var roots []*ast.Field
	walkFields(op.Definition.SelectionSet, op.Variables, func(f *ast.Field, root bool) {
		if root {
			roots = append(roots, f)
		}
		if r := rules.forField(f); r != nil {
			sel = append(sel, limited{field: f, rule: r})
		}
	})
	if len(sel) == 0 {
		return next(ctx, op)
	}
	lim := (*Limiter)(l)
	var hits []Hit
	index := make(map[string]int, len(sel))
	for i, s := range sel {
		key := "rl:" + s.rule.Coordinate + ":" + strconv.FormatInt(s.rule.Window.Microseconds(), 10) + ":" + lim.keyValue(ctx, op.Request, s.rule.By)
		h, ok := index[key]
		if !ok {
			h = len(hits)
			index[key] = h
			hits = append(hits, Hit{Key: key, Max: s.rule.Max, Window: s.rule.Window})
		}
		sel[i].hit = h
	}
	verdicts, err := lim.take(ctx, hits)
	if span := recording(ctx); span != nil {
		for i, s := range sel {
			if i != firstOf(sel, s.hit) {
				continue // one event per counted limit, not per field
			}
			outcome := "unavailable"
			if err == nil {
				outcome = verdictName(verdicts[s.hit])
			}
			decision(span, s.rule.Coordinate, s.rule.Max, s.rule.Window, outcome)
		}
	}
	if err != nil {
		if !l.o.FailClosed {
			return next(ctx, op)
		}
		for _, s := range sel {
			op.Deny(s.field, unavailableError(s.rule.Coordinate))
		}
		verdicts = nil
	}
	var retry time.Duration
	if verdicts != nil {
		for _, s := range sel {
			v := verdicts[s.hit]
			if v.Allowed {
				continue
			}
			retry = max(retry, v.RetryAfter)
			op.Deny(s.field, limitedError(s.rule, v.RetryAfter))
		}
	}
	if verdicts == nil {
		retry = time.Second
	}
	resp := next(ctx, op)
	if retry == 0 {
		return resp
	}
	for _, f := range roots {
		if !op.Denied(f) {
			return resp
		}
	}
	// Nothing of the operation is left: 429.
	out := resp.WithHeader("Retry-After", strconv.Itoa(seconds(retry)))
	out.Status = http.StatusTooManyRequests
	return out
}

// requestLimits is the request interceptor of the configured limits.
type requestLimits Limiter

func (*requestLimits) Name() string { return "ratelimit-requests" }

// InterceptRequest counts one hit per configured limit and answers 429
// when any is over.
func (l *requestLimits) InterceptRequest(ctx context.Context, req *gateway.Request, next gateway.RequestHandler) *gateway.Response {
	lim := (*Limiter)(l)
	hits := make([]Hit, len(l.o.Requests))
	for i, r := range l.o.Requests {
		hits[i] = Hit{
			Key:    "rq:" + r.By + ":" + strconv.Itoa(r.Max) + ":" + strconv.FormatInt(r.Window.Microseconds(), 10) + ":" + lim.keyValue(ctx, req, r.By),
			Max:    r.Max,
			Window: r.Window,
		}
	}
	verdicts, err := lim.take(ctx, hits)
	if span := recording(ctx); span != nil {
		for i, r := range l.o.Requests {
			outcome := "unavailable"
			if err == nil {
				outcome = verdictName(verdicts[i])
			}
			decision(span, requestLimitName(r.By), r.Max, r.Window, outcome)
		}
	}
	if err != nil {
		if !l.o.FailClosed {
			return next(ctx, req)
		}
		return tooMany(unavailableError("the request"), time.Second)
	}
	for i, v := range verdicts {
		if !v.Allowed {
			r := l.o.Requests[i]
			return tooMany(&gqlerror.Error{
				Message: fmt.Sprintf("rate limit exceeded: at most %d requests per %s by %s", r.Max, r.Window, r.By),
				Extensions: map[string]any{
					"code":       CodeRateLimited,
					"retryAfter": seconds(v.RetryAfter),
				},
			}, v.RetryAfter)
		}
	}
	return next(ctx, req)
}

func tooMany(e *gqlerror.Error, retry time.Duration) *gateway.Response {
	return &gateway.Response{
		Errors: gqlerror.List{e},
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": []string{strconv.Itoa(seconds(retry))}},
	}
}

// take asks the store, bounded in time; a remote store that failed
// recently is skipped (Health) and counts as failing.
func (l *Limiter) take(ctx context.Context, hits []Hit) ([]Verdict, error) {
	h := l.o.Health
	if h != nil && !h.Allow() {
		return nil, errSkipped
	}
	ctx, cancel := context.WithTimeout(ctx, l.o.Timeout)
	defer cancel()
	out := make([]Verdict, len(hits))
	if err := l.o.Store.Take(ctx, hits, out); err != nil {
		if h != nil {
			h.Failure(err)
		} else {
			l.o.Log.Warn("rate limit store failed", "err", err)
		}
		return nil, err
	}
	if h != nil {
		h.Success()
	}
	return out, nil
}

var errSkipped = fmt.Errorf("%w: skipped after a recent failure", ErrStore)

// keyValue is the part of a limit's key that identifies the caller.
func (l *Limiter) keyValue(ctx context.Context, req *gateway.Request, by string) string {
	switch by {
	case "global":
		return "global"
	case "ip":
		return "ip=" + clientIP(req)
	case "client":
		return "client=" + keyPart(req.Header.Get(ClientNameHeader))
	case "user":
		if sub := l.o.Identity.Subject(ctx, req); sub != "" {
			return "user=" + keyPart(sub)
		}
		return "ip=" + clientIP(req)
	}
	if name, ok := strings.CutPrefix(by, "header:"); ok {
		if v := req.Header.Get(name); v != "" {
			return "h=" + keyPart(v)
		}
		return "ip=" + clientIP(req)
	}
	if name, ok := strings.CutPrefix(by, "claim:"); ok {
		if v, ok := l.o.Identity.Claim(ctx, req, name); ok && v != "" {
			return "c=" + keyPart(v)
		}
		return "ip=" + clientIP(req)
	}
	return "global"
}

// clientIP is the host of the request's remote address.
func clientIP(req *gateway.Request) string {
	if host, _, err := net.SplitHostPort(req.RemoteAddr); err == nil {
		return host
	}
	if req.RemoteAddr == "" {
		return "unknown"
	}
	return keyPart(req.RemoteAddr)
}

func limitedError(r *Rule, retry time.Duration) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("rate limit exceeded for %s: at most %d per %s", r.Coordinate, r.Max, r.Window),
		Extensions: map[string]any{
			"code":       CodeRateLimited,
			"retryAfter": seconds(retry),
		},
	}
}

func unavailableError(what string) *gqlerror.Error {
	return &gqlerror.Error{
		Message: fmt.Sprintf("rate limit for %s cannot be checked (store unavailable, rate_limits.fail: closed)", what),
		Extensions: map[string]any{
			"code":       CodeRateLimited,
			"retryAfter": 1,
		},
	}
}

// seconds rounds up, at least 1.
func seconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	return max(s, 1)
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}
