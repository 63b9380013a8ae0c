package gateway

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/junction-gateway/junction/executor"
)

// HeaderRuleKind is what a HeaderRule does.
type HeaderRuleKind int

const (
	// PropagateHeader copies client headers (Named or Matching) to the
	// subgraph request, under Rename when set, or Default when the client
	// sent none (Named only).
	PropagateHeader HeaderRuleKind = iota + 1
	// InsertHeader sets Named to Value.
	InsertHeader
	// RemoveHeader deletes Named or every header Matching from the
	// subgraph request built so far.
	RemoveHeader
)

// HeaderRule is one subgraph request header rule.
type HeaderRule struct {
	Kind     HeaderRuleKind
	Named    string
	Matching *regexp.Regexp
	Rename   string
	Default  string
	Value    string
}

func (r HeaderRule) selects(name string) bool {
	if r.Matching != nil {
		return r.Matching.MatchString(name)
	}
	return http.CanonicalHeaderKey(r.Named) == name
}

// carrierPrefix marks, in Operation.SubgraphHeader, the client headers the
// propagate rules read: carried there they are part of the inbound-dedupe
// key (requests sending different values never share an answer), and the
// client middleware strips them before anything goes out.
const carrierPrefix = "X-Junction-Rule-Client-"

// HeaderRules returns the plugin applying rules to every subgraph request
// (all first, then per[service]), in order. Install it only when a rule is
// configured: with none, nothing is added to the request path.
func HeaderRules(all []HeaderRule, per map[string][]HeaderRule) Plugin {
	return &headerRules{all: all, per: per}
}

type headerRules struct {
	all []HeaderRule
	per map[string][]HeaderRule
}

func (h *headerRules) Name() string { return "header_rules" }

// propagated reports whether some propagate rule reads client header name.
func (h *headerRules) propagated(name string) bool {
	for _, r := range h.all {
		if r.Kind == PropagateHeader && r.selects(name) {
			return true
		}
	}
	for _, rs := range h.per {
		for _, r := range rs {
			if r.Kind == PropagateHeader && r.selects(name) {
				return true
			}
		}
	}
	return false
}

func (h *headerRules) InterceptOperation(ctx context.Context, op *Operation, next OperationHandler) *Response {
	if op.Request != nil {
		for k, vs := range op.Request.Header {
			name := http.CanonicalHeaderKey(k)
			if !h.propagated(name) {
				continue
			}
			if op.SubgraphHeader == nil {
				op.SubgraphHeader = http.Header{}
			}
			op.SubgraphHeader[carrierPrefix+name] = append([]string(nil), vs...)
		}
	}
	return next(ctx, op)
}

func (h *headerRules) WrapClient(next executor.Client) executor.Client {
	return rulesClient{h: h, next: next}
}

type rulesClient struct {
	h    *headerRules
	next executor.Client
}

func (c rulesClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	r := *req
	r.Header = c.h.headerFor(req.Service, req.Header)
	return c.next.Do(ctx, &r)
}

// headerFor is the header a request to service sends, from the header h
// the operation gives every subgraph (client headers read by propagate
// rules carried under carrierPrefix).
func (h *headerRules) headerFor(service string, in http.Header) http.Header {
	// in may be shared by every fetch of the operation: build a new map,
	// never change it.
	out := make(http.Header, len(in)+len(h.all))
	var client http.Header
	for k, vs := range in {
		if name, ok := strings.CutPrefix(k, carrierPrefix); ok {
			if client == nil {
				client = http.Header{}
			}
			client[name] = vs
			continue
		}
		out[k] = vs
	}
	apply(out, client, h.all)
	apply(out, client, h.per[service])
	return out
}

// apply runs rules on out, reading the client's propagated headers. Values
// are copied in, never appended to a slice out shares.
func apply(out, client http.Header, rules []HeaderRule) {
	for _, r := range rules {
		switch r.Kind {
		case PropagateHeader:
			if r.Matching != nil {
				for name, vs := range client {
					if r.Matching.MatchString(name) {
						out[name] = append([]string(nil), vs...)
					}
				}
				continue
			}
			name := http.CanonicalHeaderKey(r.Named)
			to := name
			if r.Rename != "" {
				to = http.CanonicalHeaderKey(r.Rename)
			}
			if vs, ok := client[name]; ok {
				out[to] = append([]string(nil), vs...)
			} else if r.Default != "" {
				out[to] = []string{r.Default}
			}
		case InsertHeader:
			out[http.CanonicalHeaderKey(r.Named)] = []string{r.Value}
		case RemoveHeader:
			if r.Matching != nil {
				for name := range out {
					if r.Matching.MatchString(name) {
						delete(out, name)
					}
				}
				continue
			}
			delete(out, http.CanonicalHeaderKey(r.Named))
		}
	}
}
