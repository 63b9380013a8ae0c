package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/schema"
)

// checkSubgraphNames reports every name under `subgraphs:` in the config
// that is no subgraph of sg (a misspelling would otherwise be ignored),
// with the names that exist and the closest one.
func checkSubgraphNames(cfg *config.Config, sg *schema.Supergraph) error {
	known := make([]string, 0, len(sg.Subgraphs))
	set := map[string]bool{}
	for _, s := range sg.Subgraphs {
		known = append(known, s.Name)
		set[s.Name] = true
	}
	sort.Strings(known)
	var probs []string
	for _, n := range sortedKeys(cfg.Subgraphs) {
		if set[n] {
			continue
		}
		p := fmt.Sprintf("subgraphs.%s: the supergraph has no subgraph %q", n, n)
		if c := closest(n, known); c != "" {
			p += fmt.Sprintf(" (did you mean %q?)", c)
		}
		probs = append(probs, p)
	}
	if len(probs) == 0 {
		return nil
	}
	return fmt.Errorf("%s; its subgraphs are: %s", strings.Join(probs, "; "), strings.Join(known, ", "))
}

// closest is the name of names nearest to s by edit distance, when it is
// near enough to be a misspelling.
func closest(s string, names []string) string {
	best, bestD := "", len(s)/2+1
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
