package authz

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/directives"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// Code is the extensions.code of a denied field.
const Code = "UNAUTHORIZED_FIELD_OR_TYPE"

// Options configure an Authorizer.
type Options struct {
	// RejectUnauthorized refuses a whole operation (403) instead of
	// answering its denied fields null.
	RejectUnauthorized bool
	// Policies are CEL expressions by @policy name.
	Policies map[string]string
	// Introspection is who may introspect: "public" (default, "" too),
	// "authenticated" or "off".
	Introspection string
	// Log receives policy evaluation failures (default slog.Default()).
	Log *slog.Logger
}

// Authorizer is the authorization plugin: a gateway.Preparer and
// gateway.OperationInterceptor.
type Authorizer struct {
	reject   bool
	intro    *Requirement // nil: introspection is public
	policies map[string]cel.Program
	log      *slog.Logger
}

// New compiles the policies; a policy that does not compile is an error.
func New(o Options) (*Authorizer, error) {
	progs, err := compilePolicies(o.Policies)
	if err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	z := &Authorizer{reject: o.RejectUnauthorized, policies: progs, log: o.Log}
	switch o.Introspection {
	case "", "public":
	case "authenticated":
		z.intro = &Requirement{Authenticated: true}
	case "off":
		z.intro = &Requirement{off: true}
	default:
		return nil, fmt.Errorf("authorization.introspection: %q is not public, authenticated or off", o.Introspection)
	}
	return z, nil
}

// Name names the plugin.
func (*Authorizer) Name() string { return "authorization" }

// Requirement is what reading a field requires: every part holds.
type Requirement struct {
	off           bool // nobody (introspection turned off)
	Authenticated bool
	// Scopes: each entry is alternatives (outer OR) of scope sets (inner AND).
	Scopes [][][]string
	// Policies: likewise for policy names.
	Policies [][][]string
}

func (r *Requirement) empty() bool {
	return r == nil || !r.Authenticated && len(r.Scopes) == 0 && len(r.Policies) == 0
}

func (r *Requirement) add(o *Requirement) {
	if o == nil {
		return
	}
	r.Authenticated = r.Authenticated || o.Authenticated
	for _, s := range o.Scopes {
		if !slices.ContainsFunc(r.Scopes, func(x [][]string) bool { return equalLists(x, s) }) {
			r.Scopes = append(r.Scopes, s)
		}
	}
	for _, p := range o.Policies {
		if !slices.ContainsFunc(r.Policies, func(x [][]string) bool { return equalLists(x, p) }) {
			r.Policies = append(r.Policies, p)
		}
	}
}

func equalLists(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// String describes the requirement for a client ("authentication, scopes
// [read:email] or [admin]").
func (r *Requirement) String() string {
	if r.off {
		return "nothing: introspection is turned off"
	}
	var parts []string
	if r.Authenticated {
		parts = append(parts, "authentication")
	}
	alt := func(kind string, lists [][]string) string {
		var s []string
		for _, l := range lists {
			s = append(s, "["+strings.Join(l, " ")+"]")
		}
		return kind + " " + strings.Join(s, " or ")
	}
	for _, s := range r.Scopes {
		parts = append(parts, alt("scopes", s))
	}
	for _, p := range r.Policies {
		parts = append(parts, alt("policies", p))
	}
	return strings.Join(parts, ", ")
}

type coord struct{ typ, field string }

// Prepared is the per-supergraph result of Prepare.
type Prepared struct {
	// fields maps parent type and field name to the field's requirement;
	// fields without one are absent.
	fields map[coord]*Requirement
}

// Requirement returns what reading field of typ requires, or nil.
func (p *Prepared) Requirement(typ, field string) *Requirement {
	return p.fields[coord{typ, field}]
}

// Prepare reads the directives of sg into per-field requirements.
func (a *Authorizer) Prepare(sg *schema.Supergraph) (any, error) {
	return prepare(sg)
}

func prepare(sg *schema.Supergraph) (*Prepared, error) {
	r := directives.NewReader(sg)
	dAuth := r.Names("authenticated", "authenticated", "federation")
	dScopes := r.Names("requiresScopes", "requiresScopes", "federation")
	dPolicy := r.Names("policy", "policy", "federation")
	out := &Prepared{fields: map[coord]*Requirement{}}
	if len(dAuth)+len(dScopes)+len(dPolicy) == 0 {
		return out, nil
	}
	at := func(c directives.Coordinate) (*Requirement, error) {
		req := &Requirement{Authenticated: len(r.On(c, dAuth)) > 0}
		for _, d := range r.On(c, dScopes) {
			l, ok := directives.StringLists(d, "scopes")
			if !ok {
				return nil, fmt.Errorf("authorization: @%s on %s: scopes is not a list of lists of strings", d.Name, c)
			}
			req.Scopes = append(req.Scopes, l)
		}
		for _, d := range r.On(c, dPolicy) {
			l, ok := directives.StringLists(d, "policies")
			if !ok {
				return nil, fmt.Errorf("authorization: @%s on %s: policies is not a list of lists of strings", d.Name, c)
			}
			req.Policies = append(req.Policies, l)
		}
		if req.empty() {
			return nil, nil
		}
		return req, nil
	}
	typeReqs := map[string]*Requirement{}
	typeReq := func(name string) (*Requirement, error) {
		if q, ok := typeReqs[name]; ok {
			return q, nil
		}
		q, err := at(directives.Coordinate{Type: name})
		typeReqs[name] = q
		return q, err
	}
	api := sg.API
	names := make([]string, 0, len(api.Types))
	for n := range api.Types {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, tn := range names {
		def := api.Types[tn]
		if strings.HasPrefix(tn, "__") || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			continue
		}
		var impls []string
		if def.Kind == ast.Interface {
			for _, o := range api.PossibleTypes[tn] {
				impls = append(impls, o.Name)
			}
			slices.Sort(impls)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			req := &Requirement{}
			parts := []func() (*Requirement, error){
				func() (*Requirement, error) { return at(directives.Coordinate{Type: tn, Field: f.Name}) },
				func() (*Requirement, error) { return typeReq(tn) },
				func() (*Requirement, error) { return typeReq(f.Type.Name()) },
			}
			for _, o := range impls {
				parts = append(parts,
					func() (*Requirement, error) { return at(directives.Coordinate{Type: o, Field: f.Name}) },
					func() (*Requirement, error) { return typeReq(o) })
			}
			for _, part := range parts {
				q, err := part()
				if err != nil {
					return nil, err
				}
				req.add(q)
			}
			if !req.empty() {
				out.fields[coord{tn, f.Name}] = req
			}
		}
	}
	return out, nil
}

// InterceptOperation denies the fields the caller may not read, or
// refuses the operation with 403 when configured to.
func (a *Authorizer) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	prep, _ := op.State.Prepared(a).(*Prepared)
	if prep == nil {
		// Never prepared for this supergraph (not given to the gateway as
		// a plugin): fail closed rather than serve unprotected fields.
		e := &gqlerror.Error{Message: "authorization is not prepared for this supergraph", Extensions: map[string]any{"code": "INTERNAL_SERVER_ERROR"}}
		return &gateway.Response{Errors: gqlerror.List{e}, Status: http.StatusInternalServerError}
	}
	if len(prep.fields) == 0 && a.intro == nil {
		return next(ctx, op)
	}
	d := decider{a: a, ctx: ctx, op: op, prep: prep, doc: op.Document}
	d.walk(op.Definition.SelectionSet)
	if len(d.denied) == 0 {
		return next(ctx, op)
	}
	if a.reject {
		errs := make(gqlerror.List, 0, len(d.denied))
		seen := map[string]bool{}
		for _, dn := range d.denied {
			msg := dn.message()
			if seen[msg] {
				continue
			}
			seen[msg] = true
			errs = append(errs, &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": Code}})
		}
		return &gateway.Response{Errors: errs, Status: http.StatusForbidden}
	}
	for _, dn := range d.denied {
		op.Deny(dn.field, &gqlerror.Error{Message: dn.message(), Extensions: map[string]any{"code": Code}})
	}
	return next(ctx, op)
}

type denial struct {
	field *ast.Field
	typ   string
	req   *Requirement
}

func (d denial) message() string {
	return fmt.Sprintf("Unauthorized field or type: %s.%s requires %s", d.typ, d.field.Name, d.req)
}

// decider walks one operation's selections.
type decider struct {
	a      *Authorizer
	ctx    context.Context
	op     *gateway.Operation
	prep   *Prepared
	doc    *ast.QueryDocument
	seen   map[string]bool       // fragments walked
	memo   map[*Requirement]bool // requirement -> granted
	pol    map[string]bool       // policy -> granted
	act    map[string]any        // CEL input, built on first use
	denied []denial
}

func (d *decider) walk(ss ast.SelectionSet) {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				req := d.prep.fields[coord{s.ObjectDefinition.Name, s.Name}]
				if d.a.intro != nil && (s.Name == "__schema" || s.Name == "__type") {
					req = d.a.intro
				}
				if req != nil && !d.granted(req) {
					d.denied = append(d.denied, denial{field: s, typ: s.ObjectDefinition.Name, req: req})
					continue
				}
			}
			d.walk(s.SelectionSet)
		case *ast.InlineFragment:
			d.walk(s.SelectionSet)
		case *ast.FragmentSpread:
			if d.seen == nil {
				d.seen = map[string]bool{}
			}
			if d.seen[s.Name] {
				continue
			}
			d.seen[s.Name] = true
			def := s.Definition
			if def == nil && d.doc != nil {
				def = d.doc.Fragments.ForName(s.Name)
			}
			if def != nil {
				d.walk(def.SelectionSet)
			}
		}
	}
}

func (d *decider) granted(req *Requirement) bool {
	if g, ok := d.memo[req]; ok {
		return g
	}
	g := d.decide(req)
	if d.memo == nil {
		d.memo = map[*Requirement]bool{}
	}
	d.memo[req] = g
	return g
}

func (d *decider) decide(req *Requirement) bool {
	if req.off {
		return false
	}
	pr := auth.FromContext(d.ctx)
	if req.Authenticated && pr == nil {
		return false
	}
	for _, alts := range req.Scopes {
		if !slices.ContainsFunc(alts, func(all []string) bool {
			for _, s := range all {
				if !pr.HasScope(s) {
					return false
				}
			}
			return true
		}) {
			return false
		}
	}
	for _, alts := range req.Policies {
		if !slices.ContainsFunc(alts, func(all []string) bool {
			for _, p := range all {
				if !d.policy(p) {
					return false
				}
			}
			return true
		}) {
			return false
		}
	}
	return true
}

// policy evaluates a named policy once per operation; anything but true
// denies.
func (d *decider) policy(name string) bool {
	if g, ok := d.pol[name]; ok {
		return g
	}
	if d.pol == nil {
		d.pol = map[string]bool{}
	}
	prg, ok := d.a.policies[name]
	if !ok {
		d.a.log.Warn("authorization: @policy names a policy that is not configured; denied", "policy", name)
		d.pol[name] = false
		return false
	}
	if d.act == nil {
		d.act = activation(d.ctx, d.op)
	}
	val, _, err := prg.ContextEval(d.ctx, d.act)
	g := false
	if err != nil {
		d.a.log.Warn("authorization: policy failed to evaluate; denied", "policy", name, "err", err)
	} else if b, isBool := val.Value().(bool); isBool {
		g = b
	} else {
		d.a.log.Warn("authorization: policy is not a bool; denied", "policy", name, "type", val.Type())
	}
	d.pol[name] = g
	return g
}
