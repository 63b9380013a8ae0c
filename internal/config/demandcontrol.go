package config

import "fmt"

// DemandControl estimates the cost of every operation from the
// supergraph's @cost and @listSize directives and enforces a budget
// (off unless enabled).
type DemandControl struct {
	// Enabled turns demand control on (default false: nothing is computed).
	Enabled bool `yaml:"enabled"`
	// Mode is enforce (the default: an operation whose estimated cost is
	// over max_cost is refused before planning with
	// COST_ESTIMATED_TOO_EXPENSIVE, an actual cost over it adds
	// COST_ACTUAL_TOO_EXPENSIVE to the response) or measure (nothing is
	// refused: breaches are logged and reported in extensions.cost).
	Mode string `yaml:"mode" enum:"enforce,measure"`
	// MaxCost is the budget of one operation (0: none, costs are only
	// measured).
	MaxCost float64 `yaml:"max_cost"`
	// ListSize is the assumed size of a list field that no @listSize
	// sizes (default 10).
	ListSize int `yaml:"list_size"`
	// Extensions puts extensions.cost {estimated, actual, max, result} in
	// every response (default false: only when the request carries the
	// header Junction-Include-Cost: true).
	Extensions bool `yaml:"extensions"`
}

func (d *DemandControl) validate(probs []string) []string {
	if d.Mode != "" && d.Mode != "enforce" && d.Mode != "measure" {
		probs = append(probs, fmt.Sprintf("demand_control.mode: %q is not enforce or measure", d.Mode))
	}
	if d.MaxCost < 0 {
		probs = append(probs, fmt.Sprintf("demand_control.max_cost: %v: want 0 (no budget) or more", d.MaxCost))
	}
	if d.ListSize < 0 {
		probs = append(probs, fmt.Sprintf("demand_control.list_size: %d: want 0 (the default, 10) or more", d.ListSize))
	}
	return probs
}
