package config

import (
	"fmt"
	"sort"

	"github.com/junction-gateway/junction/schema"
)

// Contract is one contract: a variant of the API schema filtered by @tag,
// served at <graphql_path>/<name> (or chosen with the Junction-Contract
// header), with its own playground and introspection.
type Contract struct {
	// Include keeps only the object and interface fields (and unions) that
	// carry one of these tags (a type's tag counts for its fields).
	Include []string `yaml:"include"`
	// Exclude removes every element that carries one of these tags; it
	// wins over include.
	Exclude []string `yaml:"exclude"`
}

// ContractList returns the configured contracts, ascending by name.
func (c *Config) ContractList() []schema.Contract {
	names := make([]string, 0, len(c.Contracts))
	for n := range c.Contracts {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]schema.Contract, 0, len(names))
	for _, n := range names {
		k := c.Contracts[n]
		out = append(out, schema.Contract{Name: n, ContractFilter: schema.ContractFilter{Include: k.Include, Exclude: k.Exclude}})
	}
	return out
}

func (c *Config) validateContracts(probs []string) []string {
	if len(c.Contracts) > schema.MaxContracts {
		probs = append(probs, fmt.Sprintf("contracts: %d contracts, more than the limit of %d", len(c.Contracts), schema.MaxContracts))
	}
	for _, k := range c.ContractList() {
		if err := schema.ValidateContract(k); err != nil {
			probs = append(probs, fmt.Sprintf("contracts.%s: %v", k.Name, err))
		}
	}
	return probs
}
