package config

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
)

// SubgraphHeaders holds one subgraph's header rules.
type SubgraphHeaders struct {
	// Rules for this subgraph's requests, in order, after headers.rules.
	Rules []HeaderRule `yaml:"rules"`
	// Response: headers of this subgraph's answers passed to the client
	// (added to headers.response; respheaders.go).
	Response ResponseHeaders `yaml:"response"`
}

// HeaderRule is one subgraph request header rule: exactly one of
// Propagate, Insert and Remove is set.
type HeaderRule struct {
	// Propagate copies client request headers to the subgraph request.
	Propagate *PropagateRule `yaml:"propagate"`
	// Insert sets a static header.
	Insert *InsertRule `yaml:"insert"`
	// Remove deletes headers set so far (by earlier rules or propagate).
	Remove *RemoveRule `yaml:"remove"`
}

// PropagateRule copies the client header Named, or every client header
// whose name matches Matching (a Go regular expression, matched against the
// canonical name, e.g. X-Tenant-Id, case-insensitively).
type PropagateRule struct {
	Named    string `yaml:"named"`
	Matching string `yaml:"matching"`
	// Rename sends the header under this name (only with named).
	Rename string `yaml:"rename"`
	// Default is sent when the client did not send the header (only with named).
	Default string `yaml:"default"`
}

// InsertRule sets header Name to Value.
type InsertRule struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// RemoveRule deletes the header Named, or every header matching Matching.
type RemoveRule struct {
	Named    string `yaml:"named"`
	Matching string `yaml:"matching"`
}

// HasHeaderRules reports whether any header rule is configured.
func (c *Config) HasHeaderRules() bool {
	if len(c.Headers.Rules) > 0 {
		return true
	}
	for _, s := range c.Subgraphs {
		if len(s.Headers.Rules) > 0 {
			return true
		}
	}
	return false
}

func (c *Config) validateHeaderRules(probs []string) []string {
	probs = validateRules("headers.rules", c.Headers.Rules, probs)
	names := make([]string, 0, len(c.Subgraphs))
	for n := range c.Subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		probs = validateRules("subgraphs."+n+".headers.rules", c.Subgraphs[n].Headers.Rules, probs)
	}
	return probs
}

func validateRules(at string, rules []HeaderRule, probs []string) []string {
	bad := func(i int, format string, a ...any) {
		probs = append(probs, fmt.Sprintf("%s[%d]: ", at, i)+fmt.Sprintf(format, a...))
	}
	for i, r := range rules {
		n := 0
		for _, set := range []bool{r.Propagate != nil, r.Insert != nil, r.Remove != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			bad(i, "exactly one of propagate, insert, remove must be set")
			continue
		}
		switch {
		case r.Propagate != nil:
			p := r.Propagate
			probs = validateSelector(at, i, "propagate", p.Named, p.Matching, probs)
			if p.Matching != "" && (p.Rename != "" || p.Default != "") {
				bad(i, "propagate: rename and default need named, not matching")
			}
			if p.Rename != "" && !validHeaderName(p.Rename) {
				bad(i, "propagate.rename: %q is not a header name", p.Rename)
			}
		case r.Insert != nil:
			if !validHeaderName(r.Insert.Name) {
				bad(i, "insert.name: %q is not a header name", r.Insert.Name)
			}
		case r.Remove != nil:
			probs = validateSelector(at, i, "remove", r.Remove.Named, r.Remove.Matching, probs)
		}
	}
	return probs
}

func validateSelector(at string, i int, kind, named, matching string, probs []string) []string {
	switch {
	case (named == "") == (matching == ""):
		return append(probs, fmt.Sprintf("%s[%d]: %s: exactly one of named, matching must be set", at, i, kind))
	case named != "" && !validHeaderName(named):
		return append(probs, fmt.Sprintf("%s[%d]: %s.named: %q is not a header name", at, i, kind, named))
	case matching != "":
		if _, err := regexp.Compile("(?i)" + matching); err != nil {
			return append(probs, fmt.Sprintf("%s[%d]: %s.matching: %v", at, i, kind, err))
		}
	}
	return probs
}

// validHeaderName: a non-empty HTTP token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || c == ':' || c == '(' || c == ')' || c == ',' || c == '"' || c == '/' ||
			c == ';' || c == '<' || c == '=' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' ||
			c == ']' || c == '{' || c == '}' {
			return false
		}
	}
	return http.CanonicalHeaderKey(s) != ""
}
