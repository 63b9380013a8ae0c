package cache

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/directives"
	"github.com/junction-gateway/junction/schema"
)

// hint is one @cacheControl application.
type hint struct {
	maxAge    int
	hasMaxAge bool
	private   bool
	inherit   bool
}

// Hints are a supergraph's @cacheControl hints, by type and by field.
// Immutable once read.
type Hints struct {
	types  map[string]hint
	fields map[string]map[string]hint
	schema *ast.Schema
}

// Len is the number of hints.
func (h *Hints) Len() int {
	if h == nil {
		return 0
	}
	n := len(h.types)
	for _, m := range h.fields {
		n += len(m)
	}
	return n
}

// ReadHints reads every @cacheControl(maxAge, scope, inheritMaxAge) of sg
// (under whatever name its @link imports it, or bare). A malformed
// application is an error naming its coordinate.
func ReadHints(sg *schema.Supergraph) (*Hints, error) {
	r := directives.NewReader(sg)
	h := &Hints{types: map[string]hint{}, fields: map[string]map[string]hint{}, schema: sg.Schema}
	for _, a := range r.All(r.Names("cacheControl")) {
		at := "@" + a.Directive.Name + " on " + a.Coordinate.String()
		var hn hint
		if v, ok := directives.Arg(a.Directive, "maxAge"); ok && v != nil {
			n, isInt := v.(int64)
			if !isInt || n < 0 || n > 1<<31-1 {
				return nil, fmt.Errorf("%s: maxAge must be a non-negative integer (seconds), got %v", at, v)
			}
			hn.maxAge, hn.hasMaxAge = int(n), true
		}
		if v, ok := directives.Arg(a.Directive, "scope"); ok && v != nil {
			switch v {
			case "PRIVATE":
				hn.private = true
			case "PUBLIC":
			default:
				return nil, fmt.Errorf("%s: scope must be PUBLIC or PRIVATE, got %v", at, v)
			}
		}
		if v, ok := directives.Arg(a.Directive, "inheritMaxAge"); ok && v == true {
			if hn.hasMaxAge {
				return nil, fmt.Errorf("%s: maxAge and inheritMaxAge: true exclude each other", at)
			}
			hn.inherit = true
		}
		if a.Coordinate.Field == "" {
			h.types[a.Coordinate.Type] = hn
			continue
		}
		m := h.fields[a.Coordinate.Type]
		if m == nil {
			m = map[string]hint{}
			h.fields[a.Coordinate.Type] = m
		}
		m[a.Coordinate.Field] = hn
	}
	return h, nil
}

// Policy is a cache policy as Apollo Server computes it: the smallest
// maxAge that applies, private when any part is private.
type Policy struct {
	MaxAge  int
	Private bool
	set     bool
}

func (p *Policy) restrict(maxAge int) {
	if !p.set || maxAge < p.MaxAge {
		p.MaxAge, p.set = maxAge, true
	}
}

// Cacheable reports whether the data may be kept (maxAge above 0).
func (p Policy) Cacheable() bool { return p.set && p.MaxAge > 0 }

// Header is the Cache-Control value of a response with this policy.
func (p Policy) Header() string {
	if !p.Cacheable() {
		return "no-store"
	}
	scope := "public"
	if p.Private {
		scope = "private"
	}
	return "max-age=" + strconv.Itoa(p.MaxAge) + ", " + scope
}

// isComposite reports whether d is an object, interface or union.
func isComposite(d *ast.Definition) bool {
	return d != nil && (d.Kind == ast.Object || d.Kind == ast.Interface || d.Kind == ast.Union)
}

// field applies field fd of parent (reached at the root when root) to p,
// Apollo Server's rules: the field's own maxAge; else, unless the field
// inherits, its composite return type's; else 0 for a root field or a
// composite one (a scalar field below the root restricts nothing).
// PRIVATE on the field or its return type makes p private.
func (h *Hints) field(p *Policy, parent string, fd *ast.FieldDefinition, root bool) *ast.Definition {
	ret := h.schema.Types[fd.Type.Name()]
	fh := h.fields[parent][fd.Name]
	var th hint
	composite := isComposite(ret)
	if composite {
		th = h.types[ret.Name]
	}
	if fh.private || th.private {
		p.Private = true
	}
	switch {
	case fh.hasMaxAge:
		p.restrict(fh.maxAge)
	case fh.inherit:
	case th.hasMaxAge:
		p.restrict(th.maxAge)
	case th.inherit:
	case composite || root:
		p.restrict(0)
	}
	return ret
}

// entity applies the entity type tn itself (reached through _entities) to p:
// its hint, or 0 without one.
func (h *Hints) entity(p *Policy, tn string) {
	th, ok := h.types[tn]
	if th.private {
		p.Private = true
	}
	if ok && th.hasMaxAge {
		p.restrict(th.maxAge)
	} else if !ok || !th.inherit {
		p.restrict(0)
	}
}

// Selection applies every field of ss (on parent) to p; vars decide
// @skip/@include when non-nil. Unknown fields make p uncacheable.
func (h *Hints) Selection(p *Policy, ss ast.SelectionSet, parent *ast.Definition, root bool, frags ast.FragmentDefinitionList, vars map[string]any) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") || !included(s.Directives, vars) {
				continue
			}
			var fd *ast.FieldDefinition
			if parent != nil {
				fd = parent.Fields.ForName(s.Name)
			}
			if fd == nil {
				p.restrict(0)
				continue
			}
			ret := h.field(p, parent.Name, fd, root)
			if len(s.SelectionSet) > 0 {
				h.Selection(p, s.SelectionSet, ret, false, frags, vars)
			}
		case *ast.InlineFragment:
			if !included(s.Directives, vars) {
				continue
			}
			on := parent
			if s.TypeCondition != "" {
				on = h.schema.Types[s.TypeCondition]
			}
			h.Selection(p, s.SelectionSet, on, root, frags, vars)
		case *ast.FragmentSpread:
			if !included(s.Directives, vars) {
				continue
			}
			fd := s.Definition
			if fd == nil {
				fd = frags.ForName(s.Name)
			}
			if fd == nil {
				p.restrict(0)
				continue
			}
			h.Selection(p, fd.SelectionSet, h.schema.Types[fd.TypeCondition], root, frags, vars)
		}
	}
}

// included evaluates @skip and @include (vars nil: everything is included).
func included(ds ast.DirectiveList, vars map[string]any) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		a := d.Arguments.ForName("if")
		if a == nil || a.Value == nil {
			continue
		}
		if a.Value.Kind == ast.Variable && vars == nil {
			continue
		}
		v, err := a.Value.Value(vars)
		b, isBool := v.(bool)
		if err != nil || !isBool {
			continue
		}
		if (d.Name == "skip") == b {
			return false
		}
	}
	return true
}
