package gateway

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/schema"
)

// Contracts (schema/contract.go): a supergraph's contract variants are
// served from the same State. Each contract gets a State of its own for
// validation, variable coercion, introspection and shaping (its API
// schema, its document cache, an executor over its variant) while the
// planner, with its plan cache, and the plugins' prepared data are the
// full supergraph's: plans are made against the whole graph. A request
// chooses a contract by path (/graphql/<name>, the transport puts it in
// the context with WithContract) or by the Junction-Contract header; the
// full State and its contracts are swapped together.

// ContractHeader chooses a contract when the path does not.
const ContractHeader = "Junction-Contract"

// CodeContractNotFound answers a request for a contract the served
// supergraph does not have.
const CodeContractNotFound = "CONTRACT_NOT_FOUND"

type contractKey struct{}

// WithContract returns ctx choosing contract name for the request served
// with it (the transport's /graphql/<name> path).
func WithContract(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, contractKey{}, name)
}

// contractOf returns the contract a request chose: its path's, else its
// header's, else "" (the full API schema).
func contractOf(ctx context.Context, req *Request) string {
	if name, _ := ctx.Value(contractKey{}).(string); name != "" {
		return name
	}
	if req.Header != nil {
		return strings.TrimSpace(req.Header.Get(ContractHeader))
	}
	return ""
}

// WithContracts serves the contracts cs with every supergraph swapped in
// that carries none of its own (the registry attaches its contracts,
// configured ones included, with schema.ApplyContracts). A supergraph on
// which a contract is invalid or empty is refused.
func WithContracts(cs ...schema.Contract) Option {
	return func(o *options) { o.contracts = cs }
}

// applyContracts attaches the configured contracts to sg.
func (g *Gateway) applyContracts(sg *schema.Supergraph) (*schema.Supergraph, error) {
	if len(g.opts.contracts) == 0 || len(sg.Contracts) > 0 {
		return sg, nil
	}
	out, err := schema.ApplyContracts(sg, g.opts.contracts)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return out, nil
}

// Contract returns the state serving contract name, nil when the
// supergraph has no such contract.
func (s *State) Contract(name string) *State { return s.contracts[name] }

// ContractNames lists the served contracts, ascending.
func (s *State) ContractNames() []string {
	out := make([]string, 0, len(s.Supergraph.Contracts))
	for _, c := range s.Supergraph.Contracts {
		out = append(out, c.Contract)
	}
	return out
}

// buildContracts adds a State per contract of st's supergraph.
func (g *Gateway) buildContracts(st *State, exOpts []executor.Option) {
	if len(st.Supergraph.Contracts) == 0 {
		return
	}
	st.contracts = make(map[string]*State, len(st.Supergraph.Contracts))
	for _, c := range st.Supergraph.Contracts {
		c = g.withURLs(c)
		st.contracts[c.Contract] = &State{
			prepared:   st.prepared,
			Supergraph: c,
			Planner:    st.Planner,
			Executor:   executor.New(c, exOpts...),
			docs:       newDocumentCache(g.opts.docCacheSize, g.opts.limits),
		}
	}
}

// forContract returns the state serving the request's contract, or the
// response refusing it.
func forContract(ctx context.Context, st *State, req *Request) (*State, *Response) {
	name := contractOf(ctx, req)
	if name == "" {
		return st, nil
	}
	if c := st.contracts[name]; c != nil {
		return c, nil
	}
	msg := fmt.Sprintf("no contract named %q is served", clipContract(name))
	if names := st.ContractNames(); len(names) > 0 {
		msg += " (contracts: " + strings.Join(names, ", ") + ")"
	} else {
		msg += " (no contract is declared)"
	}
	r := requestError(msg, CodeContractNotFound)
	r.Status = http.StatusNotFound
	return nil, r
}

func clipContract(s string) string {
	if len(s) > schema.MaxContractNameLength {
		return s[:schema.MaxContractNameLength] + "…"
	}
	return s
}
