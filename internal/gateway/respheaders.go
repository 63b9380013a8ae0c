package gateway

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/executor"
)

// Response headers from subgraphs back to the client (WithResponseHeaders;
// nothing is collected otherwise). Only what the policy allows passes:
// named headers (every distinct value the answers carried, sorted),
// Set-Cookie when allowed, and Cache-Control merged across the answers by
// MergeCacheControl. The headers are set on the Response the execution
// builds, before inbound deduplication shares it, so every request that
// shares an execution gets them; an answer shared by subgraph
// deduplication is reported to every request waiting for it. Answers
// served from the entity cache carry no header. For @defer, the answers
// received before the initial payload count.

// ResponseHeaderPolicy says which subgraph answer headers reach the
// client, for every subgraph (All) and per subgraph name (Per, added to
// All).
type ResponseHeaderPolicy struct {
	All ResponseHeaderRules
	Per map[string]ResponseHeaderRules
}

// ResponseHeaderRules is one subgraph's (or every subgraph's) allowance.
type ResponseHeaderRules struct {
	// Propagate names headers copied to the client response.
	Propagate []string
	// CacheControl merges the answers' Cache-Control (an answer without one
	// counts as no-store).
	CacheControl bool
	// SetCookie passes Set-Cookie through.
	SetCookie bool
}

func (r ResponseHeaderRules) empty() bool {
	return len(r.Propagate) == 0 && !r.CacheControl && !r.SetCookie
}

// WithResponseHeaders passes the subgraph answer headers p allows back to
// the client. An empty policy adds nothing to the request path.
func WithResponseHeaders(p ResponseHeaderPolicy) Option {
	return func(o *options) {
		if p.All.empty() {
			empty := true
			for _, r := range p.Per {
				empty = empty && r.empty()
			}
			if empty {
				return
			}
		}
		o.respHeaders = &p
	}
}

// rules is what service's answers may pass.
func (p *ResponseHeaderPolicy) rules(service string) (names []string, cacheControl, setCookie bool) {
	per := p.Per[service]
	names = append(slices.Clone(p.All.Propagate), per.Propagate...)
	return names, p.All.CacheControl || per.CacheControl, p.All.SetCookie || per.SetCookie
}

// headerCollector gathers what the answers of one execution may pass.
type headerCollector struct {
	p            *ResponseHeaderPolicy
	mu           sync.Mutex
	values       map[string][]string // canonical name -> values
	cacheControl []string
	anyCache     bool
}

func (c *headerCollector) add(service string, h http.Header) {
	names, cc, cookies := c.p.rules(service)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range names {
		n = http.CanonicalHeaderKey(n)
		if vs := h.Values(n); len(vs) > 0 {
			c.values[n] = append(c.values[n], vs...)
		}
	}
	if cookies {
		if vs := h.Values("Set-Cookie"); len(vs) > 0 {
			c.values["Set-Cookie"] = append(c.values["Set-Cookie"], vs...)
		}
	}
	if cc {
		c.anyCache = true
		v := strings.Join(h.Values("Cache-Control"), ", ")
		if v == "" {
			v = "no-store" // nothing said: nothing may be kept
		}
		c.cacheControl = append(c.cacheControl, v)
	}
}

// executeWithHeaders executes o, with a collector in ctx when configured,
// and sets what it collected on the response (not shared yet).
func (g *Gateway) executeWithHeaders(ctx context.Context, o *Operation) *Response {
	if g.opts.respHeaders == nil {
		return g.execute(ctx, o)
	}
	c := &headerCollector{p: g.opts.respHeaders, values: map[string][]string{}}
	resp := g.execute(executor.WithResponseHeaderSink(ctx, c.add), o)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.values) == 0 && !c.anyCache {
		return resp
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	names := make([]string, 0, len(c.values))
	for n := range c.values {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		vs := slices.Clone(c.values[n])
		slices.Sort(vs) // deterministic whatever the answers' order
		resp.Header[n] = slices.Compact(vs)
	}
	if c.anyCache {
		v := MergeCacheControl(c.cacheControl...)
		if o.Definition.Operation != ast.Query || len(resp.Errors) > 0 {
			v = "no-store" // as the cache plugin: only a query without errors is kept
		}
		resp.Header.Set("Cache-Control", v)
	}
	return resp
}

// MergeCacheControl merges Cache-Control values into the most restrictive
// one, as Apollo Router and Cosmo Router do: no-store anywhere wins; else
// the smallest max-age (and s-maxage, kept only when every value has
// one); private when any value is private, public only when all are;
// no-cache and must-revalidate when any value has them. A value with no
// max-age (nor s-maxage) gives no freshness: the result is no-store, as it
// is when the smallest max-age is 0. The cache plugin's Cache-Control and
// the subgraphs' are merged by this one rule.
func MergeCacheControl(values ...string) string {
	if len(values) == 0 {
		return ""
	}
	maxAge, sMaxAge := -1, -1
	allS, private, allPublic, noCache, revalidate := true, false, true, false, false
	for _, v := range values {
		ma, sma, public := -1, -1, false
		for _, d := range strings.Split(v, ",") {
			name, arg, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store":
				return "no-store"
			case "max-age":
				ma = seconds(arg)
			case "s-maxage":
				sma = seconds(arg)
			case "private":
				private = true
			case "public":
				public = true
			case "no-cache":
				noCache = true
			case "must-revalidate":
				revalidate = true
			}
		}
		if ma < 0 && sma < 0 {
			return "no-store"
		}
		if ma < 0 {
			ma = sma // a shared cache's freshness is all the value gives
		}
		allPublic = allPublic && public
		if maxAge < 0 || ma < maxAge {
			maxAge = ma
		}
		if sma < 0 {
			allS = false
		} else if sMaxAge < 0 || sma < sMaxAge {
			sMaxAge = sma
		}
	}
	if maxAge <= 0 {
		return "no-store"
	}
	out := []string{"max-age=" + strconv.Itoa(maxAge)}
	if allS && sMaxAge >= 0 && !private {
		out = append(out, "s-maxage="+strconv.Itoa(sMaxAge))
	}
	if noCache {
		out = append(out, "no-cache")
	}
	if revalidate {
		out = append(out, "must-revalidate")
	}
	if private {
		out = append(out, "private")
	} else if allPublic {
		out = append(out, "public")
	}
	return strings.Join(out, ", ")
}

// seconds reads a delta-seconds argument (-1 when unreadable: ignored).
func seconds(arg string) int {
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(arg), `"`))
	if err != nil || n < 0 {
		return -1
	}
	return n
}
