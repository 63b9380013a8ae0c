package ratelimit

import (
	"fmt"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/directives"
	"github.com/junction-gateway/junction/schema"
)

// Rule is one @rateLimit application: at most Max operations selecting
// the field (or, on an object, any field returning the object) per sliding
// Window, per key By.
type Rule struct {
	// Coordinate is where the directive is: "Mutation.addReview", or
	// "Product" for an object.
	Coordinate string
	Max        int
	Window     time.Duration
	By         string
}

// Rules are a supergraph's @rateLimit rules, read once per supergraph
// (Limiter.Prepare). Immutable.
type Rules struct {
	fields map[string]map[string]*Rule // parent type → field → rule
	types  map[string]*Rule            // object → rule for fields returning it
}

// Len is the number of rules.
func (r *Rules) Len() int {
	if r == nil {
		return 0
	}
	n := len(r.types)
	for _, m := range r.fields {
		n += len(m)
	}
	return n
}

// ReadRules reads every @rateLimit of sg (under whatever name its @link
// imports it, or a bare directive of that name). A malformed application
// is an error naming its coordinate; maxLimit bounds max.
func ReadRules(sg *schema.Supergraph, maxLimit int) (*Rules, error) {
	r := directives.NewReader(sg)
	names := r.Names("rateLimit")
	rules := &Rules{}
	for _, a := range r.All(names) {
		rule, err := readRule(a, maxLimit)
		if err != nil {
			return nil, err
		}
		if a.Coordinate.Field == "" {
			if rules.types == nil {
				rules.types = map[string]*Rule{}
			}
			if _, dup := rules.types[a.Coordinate.Type]; !dup {
				rules.types[a.Coordinate.Type] = rule
			}
			continue
		}
		if rules.fields == nil {
			rules.fields = map[string]map[string]*Rule{}
		}
		m := rules.fields[a.Coordinate.Type]
		if m == nil {
			m = map[string]*Rule{}
			rules.fields[a.Coordinate.Type] = m
		}
		if _, dup := m[a.Coordinate.Field]; !dup {
			m[a.Coordinate.Field] = rule
		}
	}
	return rules, nil
}

func readRule(a directives.Applied, maxLimit int) (*Rule, error) {
	at := "@" + a.Directive.Name + " on " + a.Coordinate.String()
	rule := &Rule{Coordinate: a.Coordinate.String(), By: "user"}
	v, ok := directives.Arg(a.Directive, "max")
	n, isInt := v.(int64)
	if !ok || !isInt || n < 1 || n > int64(maxLimit) {
		return nil, fmt.Errorf("%s: max must be an integer between 1 and rate_limits.max_limit (%d), got %v", at, maxLimit, v)
	}
	rule.Max = int(n)
	v, _ = directives.Arg(a.Directive, "window")
	w, _ := v.(string)
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("%s: window must be a positive duration such as \"30s\" or \"1m\", got %q", at, w)
	}
	if d < time.Millisecond {
		return nil, fmt.Errorf("%s: window %q is under 1ms", at, w)
	}
	rule.Window = d
	if v, ok := directives.Arg(a.Directive, "by"); ok && v != nil {
		by, _ := v.(string)
		if !config.ValidRateLimitBy(by) {
			return nil, fmt.Errorf("%s: by %q is not one of user, ip, client, global, header:NAME, claim:NAME", at, by)
		}
		rule.By = by
	}
	return rule, nil
}

// forField is the rule that applies to a selection of f: the field's own,
// else its parent's field definition's, else the rule of the object it
// returns.
func (r *Rules) forField(f *ast.Field) *Rule {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return nil
	}
	if m := r.fields[f.ObjectDefinition.Name]; m != nil {
		if rule := m[f.Name]; rule != nil {
			return rule
		}
	}
	if len(r.types) > 0 {
		return r.types[f.Definition.Type.Name()]
	}
	return nil
}
