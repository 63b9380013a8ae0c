package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/junction-gateway/junction/schema"
)

// Contracts in the registry: the configured ones (WithContracts) and the
// ones set through the API (SetContract, stored in the snapshot) are
// applied to every composed supergraph (schema.ApplyContracts), so every
// registration is checked against every contract: one that leaves a
// contract empty or invalid is refused, and the changes list what changed
// in each contract's API schema (Change.Contract).

// Error codes of contract changes.
const (
	CodeInvalidContract  = "INVALID_CONTRACT"
	CodeContractNotFound = "CONTRACT_NOT_FOUND"
	CodeContractInConfig = "CONTRACT_IN_CONFIG"
	CodeTooManyContracts = "TOO_MANY_CONTRACTS"
)

// Change kinds for whole contracts.
const (
	ChangeContractAdded   = "CONTRACT_ADDED"
	ChangeContractRemoved = "CONTRACT_REMOVED"
)

// WithContracts declares the configured contracts (they cannot be set or
// removed through the API).
func WithContracts(cs []schema.Contract) Option {
	return func(r *Registry) { r.configured = slices.Clone(cs) }
}

// Contracts returns every contract served with the registry's
// supergraph: configured and stored, ascending by name, with where each
// comes from ("config" or "registry").
func (r *Registry) Contracts() []ContractInfo {
	return contractInfos(r.configured, r.Snapshot().Contracts)
}

// ContractInfo is a contract with its origin.
type ContractInfo struct {
	schema.Contract
	Source string // "config" or "registry"
}

func contractInfos(configured []schema.Contract, stored []Contract) []ContractInfo {
	var out []ContractInfo
	for _, c := range configured {
		out = append(out, ContractInfo{Contract: c, Source: "config"})
	}
	for _, c := range stored {
		if !slices.ContainsFunc(configured, func(k schema.Contract) bool { return k.Name == c.Name }) {
			out = append(out, ContractInfo{Contract: c.schema(), Source: "registry"})
		}
	}
	slices.SortFunc(out, func(a, b ContractInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (c Contract) schema() schema.Contract {
	return schema.Contract{Name: c.Name, ContractFilter: schema.ContractFilter{Include: c.Include, Exclude: c.Exclude}}
}

// allContracts are the contracts applied with stored: configured first.
func (r *Registry) allContracts(stored []Contract) []schema.Contract {
	infos := contractInfos(r.configured, stored)
	out := make([]schema.Contract, 0, len(infos))
	for _, i := range infos {
		out = append(out, i.Contract)
	}
	return out
}

// withContracts applies the contracts to a parsed supergraph.
func (r *Registry) withContracts(sg *schema.Supergraph, stored []Contract) (*schema.Supergraph, error) {
	all := r.allContracts(stored)
	if len(all) == 0 {
		return sg, nil
	}
	return schema.ApplyContracts(sg, all)
}

// SetContract adds or replaces contract name (include and exclude tag
// lists), recomposing with every registered subgraph: a contract that is
// empty or invalid on the current graph is refused and nothing changes.
func (r *Registry) SetContract(ctx context.Context, name string, include, exclude []string) (*Result, error) {
	c := Contract{Name: name, Include: slices.Clone(include), Exclude: slices.Clone(exclude)}
	if err := schema.ValidateContract(c.schema()); err != nil {
		return refused(CodeInvalidContract, err.Error()), nil
	}
	if r.isConfigured(name) {
		return refused(CodeContractInConfig, fmt.Sprintf("contract %q is declared in the configuration (contracts.%s): change it there", name, name)), nil
	}
	return r.apply(ctx, "setContract", name, func(cur *Snapshot) (*draft, *Result) {
		i := slices.IndexFunc(cur.Contracts, func(x Contract) bool { return x.Name == name })
		if i >= 0 && slices.Equal(cur.Contracts[i].Include, c.Include) && slices.Equal(cur.Contracts[i].Exclude, c.Exclude) {
			return nil, &Result{OK: true, Version: cur.Version}
		}
		if i < 0 && len(cur.Contracts)+len(r.configured) >= schema.MaxContracts {
			return nil, refused(CodeTooManyContracts, fmt.Sprintf("%d contracts are served, the most accepted (schema.MaxContracts)", schema.MaxContracts))
		}
		next := make([]Contract, 0, len(cur.Contracts)+1)
		for _, x := range cur.Contracts {
			if x.Name != name {
				next = append(next, x)
			}
		}
		next = append(next, c)
		slices.SortFunc(next, func(a, b Contract) int { return strings.Compare(a.Name, b.Name) })
		return &draft{subs: cur.Subgraphs, contracts: next}, nil
	})
}

// RemoveContract removes contract name (set through the registry).
func (r *Registry) RemoveContract(ctx context.Context, name string) (*Result, error) {
	if r.isConfigured(name) {
		return refused(CodeContractInConfig, fmt.Sprintf("contract %q is declared in the configuration (contracts.%s): remove it there", name, name)), nil
	}
	return r.apply(ctx, "removeContract", name, func(cur *Snapshot) (*draft, *Result) {
		if !slices.ContainsFunc(cur.Contracts, func(x Contract) bool { return x.Name == name }) {
			return nil, refused(CodeContractNotFound, fmt.Sprintf("no contract named %q is set in the registry", clip(name, 64)))
		}
		next := slices.DeleteFunc(slices.Clone(cur.Contracts), func(x Contract) bool { return x.Name == name })
		return &draft{subs: cur.Subgraphs, contracts: next}, nil
	})
}

func (r *Registry) isConfigured(name string) bool {
	return slices.ContainsFunc(r.configured, func(k schema.Contract) bool { return k.Name == name })
}

// diff lists the changes from old to new: the full API schema's, then
// each contract's (added and removed contracts as one change each).
func (r *Registry) diff(old, new *schema.Supergraph) []Change {
	return DiffContracts(r.composer.Diff, old, new)
}

// DiffContracts lists the changes from old to new with diff: the full API
// schema's, then each contract variant's (schema.Supergraph.Contracts; a
// contract added or removed is one change, the removal breaking).
func DiffContracts(diff func(old, new *schema.Supergraph) []Change, old, new *schema.Supergraph) []Change {
	changes := diff(old, new)
	for _, c := range new.Contracts {
		oc := old.ContractNamed(c.Contract)
		if oc == nil {
			changes = append(changes, Change{Kind: ChangeContractAdded, Coordinate: c.Contract, Contract: c.Contract,
				Message: fmt.Sprintf("contract %s is served at /graphql/%s", c.Contract, c.Contract)})
			continue
		}
		for _, ch := range diff(oc, c) {
			ch.Contract = c.Contract
			changes = append(changes, ch)
		}
	}
	for _, oc := range old.Contracts {
		if new.ContractNamed(oc.Contract) == nil {
			changes = append(changes, Change{Kind: ChangeContractRemoved, Coordinate: oc.Contract, Contract: oc.Contract, Breaking: true,
				Message: fmt.Sprintf("contract %s is no longer served: its clients get CONTRACT_NOT_FOUND", oc.Contract)})
		}
	}
	return changes
}

// Hits reports whether recorded operation u is hit by breaking change c:
// a change of the full API schema hits the operations sent to it, a
// contract's change the operations sent to that contract.
func Hits(c Change, u OperationUsage) bool {
	if c.Contract != u.Contract {
		return false
	}
	if c.Kind == ChangeContractRemoved {
		return true
	}
	return u.Uses(c.Coordinate)
}
