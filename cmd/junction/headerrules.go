package main

import (
	"regexp"
	"sort"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
)

// headerRuleOptions installs the header rules plugin when headers.rules or
// some subgraphs.NAME.headers.rules is set; with none, nothing. The config
// is validated first: its patterns compile.
func headerRuleOptions(cfg *config.Config) []gateway.Option {
	if !cfg.HasHeaderRules() {
		return nil
	}
	per := map[string][]gateway.HeaderRule{}
	names := make([]string, 0, len(cfg.Subgraphs))
	for n := range cfg.Subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if rs := cfg.Subgraphs[n].Headers.Rules; len(rs) > 0 {
			per[n] = gatewayRules(rs)
		}
	}
	return []gateway.Option{gateway.WithPlugins(gateway.HeaderRules(gatewayRules(cfg.Headers.Rules), per))}
}

func gatewayRules(rs []config.HeaderRule) []gateway.HeaderRule {
	out := make([]gateway.HeaderRule, 0, len(rs))
	re := func(s string) *regexp.Regexp {
		if s == "" {
			return nil
		}
		return regexp.MustCompile("(?i)" + s) // validated by config
	}
	for _, r := range rs {
		switch {
		case r.Propagate != nil:
			out = append(out, gateway.HeaderRule{Kind: gateway.PropagateHeader, Named: r.Propagate.Named,
				Matching: re(r.Propagate.Matching), Rename: r.Propagate.Rename, Default: r.Propagate.Default})
		case r.Insert != nil:
			out = append(out, gateway.HeaderRule{Kind: gateway.InsertHeader, Named: r.Insert.Name, Value: r.Insert.Value})
		case r.Remove != nil:
			out = append(out, gateway.HeaderRule{Kind: gateway.RemoveHeader, Named: r.Remove.Named, Matching: re(r.Remove.Matching)})
		}
	}
	return out
}
