package schema

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// Contracts.
//
// A contract is a variant of the API schema filtered by @tag, as Apollo's
// contracts define them (the backend-for-frontend pattern: one graph, a
// schema per client). The filter has an include list and an exclude list
// of tag names:
//
//   - A tag on an object or interface type counts as a tag of each of its
//     fields.
//   - Exclude: every type, field, argument, enum value and input field that
//     carries an excluded tag is removed. Exclude wins over include.
//   - Include (when the list is not empty): every object or interface field
//     and every union that carries no included tag is removed. Scalars,
//     enums, input types, arguments, enum values and input fields are not
//     filtered by the include list: they stay as long as something kept
//     uses them.
//   - Then, to a fixed point: a field whose type was removed is removed;
//     an object, interface or input type left with no field, a union left
//     with no member and an enum left with no value are removed; removed
//     interfaces and members leave the implements and member lists.
//   - A required argument or input field (non-null, no default) that is
//     removed makes the contract invalid: a client could not call the
//     field (Apollo's REQUIRED_INACCESSIBLE).
//   - Types no longer reachable from the root types are removed.
//   - The query root type stays; a contract with no query field left is
//     invalid (empty). A mutation or subscription root left empty is
//     dropped.
//
// The contract starts from the API schema, so @inaccessible still
// applies. Only the API schema differs: a contract Supergraph shares the
// full supergraph's schema, types and subgraphs, so the planner plans
// against the whole graph while clients validate and introspect against
// the contract's API schema.

// ContractFilter is the @tag filter of one contract.
type ContractFilter struct {
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}

// Contract is a named filter.
type Contract struct {
	Name string
	ContractFilter
}

// ErrInvalidContract wraps every error about a contract.
var ErrInvalidContract = errors.New("invalid contract")

// Bounds on contracts.
const (
	// MaxContracts caps the contracts of one supergraph.
	MaxContracts = 64
	// MaxContractTags caps the tags of one contract's filter (include and
	// exclude together).
	MaxContractTags = 256
	// MaxContractNameLength caps a contract name.
	MaxContractNameLength = 64
	// MaxTagNameLength is Apollo's limit on a @tag name.
	MaxTagNameLength = 128
)

var (
	contractName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	tagName      = regexp.MustCompile(`^[A-Za-z0-9_/-]+$`)
)

// ValidateContract checks a contract's name and filter (not the schema it
// yields).
func ValidateContract(c Contract) error {
	if len(c.Name) == 0 || len(c.Name) > MaxContractNameLength || !contractName.MatchString(c.Name) {
		return fmt.Errorf("%w: name %q must match [A-Za-z0-9][A-Za-z0-9_-]* and be at most %d bytes",
			ErrInvalidContract, clipName(c.Name), MaxContractNameLength)
	}
	if len(c.Include)+len(c.Exclude) == 0 {
		return fmt.Errorf("%w: %s: give at least one tag to include or exclude", ErrInvalidContract, c.Name)
	}
	if n := len(c.Include) + len(c.Exclude); n > MaxContractTags {
		return fmt.Errorf("%w: %s: %d tags, more than the limit of %d (MaxContractTags)", ErrInvalidContract, c.Name, n, MaxContractTags)
	}
	for _, t := range slices.Concat(c.Include, c.Exclude) {
		if len(t) == 0 || len(t) > MaxTagNameLength || !tagName.MatchString(t) {
			return fmt.Errorf("%w: %s: tag %q must be 1 to %d characters of A-Z a-z 0-9 _ - /",
				ErrInvalidContract, c.Name, clipName(t), MaxTagNameLength)
		}
	}
	return nil
}

func clipName(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// ApplyContracts returns a shallow copy of sg whose Contracts are the
// variants cs (sorted by name), or the first contract that is invalid or
// empty. sg itself is not changed; with no contracts it is returned as is.
func ApplyContracts(sg *Supergraph, cs []Contract) (*Supergraph, error) {
	if len(cs) == 0 && len(sg.Contracts) == 0 {
		return sg, nil
	}
	if len(cs) > MaxContracts {
		return nil, fmt.Errorf("%w: %d contracts, more than the limit of %d (MaxContracts)", ErrInvalidContract, len(cs), MaxContracts)
	}
	sorted := slices.Clone(cs)
	slices.SortFunc(sorted, func(a, b Contract) int { return strings.Compare(a.Name, b.Name) })
	cp := *sg
	cp.Contracts = make([]*Supergraph, 0, len(sorted))
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].Name == sorted[i].Name {
			return nil, fmt.Errorf("%w: %s is declared twice", ErrInvalidContract, sorted[i].Name)
		}
	}
	for _, c := range sorted {
		v, err := sg.ContractVariant(c)
		if err != nil {
			return nil, err
		}
		cp.Contracts = append(cp.Contracts, v)
	}
	return &cp, nil
}

// ContractNamed returns the contract variant named name, or nil.
func (s *Supergraph) ContractNamed(name string) *Supergraph {
	i, ok := slices.BinarySearchFunc(s.Contracts, name, func(v *Supergraph, n string) int { return strings.Compare(v.Contract, n) })
	if !ok {
		return nil
	}
	return s.Contracts[i]
}

// ContractVariant returns s filtered by contract c: a Supergraph sharing
// s's schema, types and subgraphs with its own API schema.
func (s *Supergraph) ContractVariant(c Contract) (*Supergraph, error) {
	if err := ValidateContract(c); err != nil {
		return nil, err
	}
	f := &contractFilter{s: s, c: c, removed: map[string]bool{}, fields: map[string]bool{},
		args: map[string]bool{}, values: map[string]bool{}}
	api, err := f.build()
	if err != nil {
		return nil, err
	}
	cp := *s
	cp.API = api
	cp.Version = s.Version + "+contract:" + c.Name
	cp.Contract = c.Name
	cp.ContractFilter = ContractFilter{Include: slices.Clone(c.Include), Exclude: slices.Clone(c.Exclude)}
	cp.Contracts = nil
	return &cp, nil
}

type contractFilter struct {
	s       *Supergraph
	c       Contract
	removed map[string]bool // type names
	fields  map[string]bool // "T.f" removed (object, interface and input fields)
	args    map[string]bool // "T.f(a:)" removed
	values  map[string]bool // "E.V" removed
}

// tagsOf returns the tag names applied in dirs (through the @tag
// directive's local names).
func (f *contractFilter) tagsOf(dirs ast.DirectiveList) []string {
	var out []string
	for _, d := range dirs {
		if f.s.tags[d.Name] {
			if n, ok := stringArg(d, "name"); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

func (f *contractFilter) excluded(tags ...[]string) bool {
	for _, ts := range tags {
		for _, t := range ts {
			if slices.Contains(f.c.Exclude, t) {
				return true
			}
		}
	}
	return false
}

func (f *contractFilter) included(tags ...[]string) bool {
	if len(f.c.Include) == 0 {
		return true
	}
	for _, ts := range tags {
		for _, t := range ts {
			if slices.Contains(f.c.Include, t) {
				return true
			}
		}
	}
	return false
}

// full returns the supergraph schema's definition of an API type (the
// API schema carries no @tag).
func (f *contractFilter) full(name string) *ast.Definition { return f.s.Schema.Types[name] }

func (f *contractFilter) names() []string {
	names := make([]string, 0, len(f.s.API.Types))
	for name, def := range f.s.API.Types {
		if !def.BuiltIn && !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func (f *contractFilter) build() (*ast.Schema, error) {
	names := f.names()
	// The tags.
	for _, name := range names {
		def, full := f.s.API.Types[name], f.full(name)
		if full == nil {
			continue
		}
		typeTags := f.tagsOf(full.Directives)
		if f.excluded(typeTags) || (def.Kind == ast.Union && !f.included(typeTags)) {
			f.removed[name] = true
			continue
		}
		for _, fd := range def.Fields {
			ffd := full.Fields.ForName(fd.Name)
			if ffd == nil || strings.HasPrefix(fd.Name, "__") {
				continue
			}
			coord := name + "." + fd.Name
			ft := f.tagsOf(ffd.Directives)
			switch def.Kind {
			case ast.Object, ast.Interface:
				if f.excluded(typeTags, ft) || !f.included(typeTags, ft) {
					f.fields[coord] = true
					continue
				}
			case ast.InputObject:
				if f.excluded(ft) {
					f.fields[coord] = true
					continue
				}
			}
			for _, a := range fd.Arguments {
				if fa := ffd.Arguments.ForName(a.Name); fa != nil && f.excluded(f.tagsOf(fa.Directives)) {
					f.args[coord+"("+a.Name+":)"] = true
				}
			}
		}
		for _, ev := range def.EnumValues {
			if fev := full.EnumValues.ForName(ev.Name); fev != nil && f.excluded(f.tagsOf(fev.Directives)) {
				f.values[name+"."+ev.Name] = true
			}
		}
	}
	if err := f.cascade(names); err != nil {
		return nil, err
	}
	if err := f.implementations(names); err != nil {
		return nil, err
	}
	f.unreachable(names)
	return f.emit(names)
}

func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

// cascade removes, to a fixed point, what refers to removed types and the
// types left empty.
func (f *contractFilter) cascade(names []string) error {
	for changed := true; changed; {
		changed = false
		remove := func(m map[string]bool, k string) {
			if !m[k] {
				m[k] = true
				changed = true
			}
		}
		for _, name := range names {
			if f.removed[name] {
				continue
			}
			def := f.s.API.Types[name]
			kept := 0
			for _, fd := range def.Fields {
				if strings.HasPrefix(fd.Name, "__") {
					continue
				}
				coord := name + "." + fd.Name
				if f.fields[coord] {
					if def.Kind == ast.InputObject && required(fd.Type, fd.DefaultValue) {
						return fmt.Errorf("%w: %s: required input field %s is left out (by its tags or its type's): tag it so that the contract keeps it, or make it optional",
							ErrInvalidContract, f.c.Name, coord)
					}
					continue
				}
				if f.removed[fd.Type.Name()] {
					if def.Kind == ast.InputObject && required(fd.Type, fd.DefaultValue) {
						return fmt.Errorf("%w: %s: required input field %s has type %s, which the contract leaves out",
							ErrInvalidContract, f.c.Name, coord, fd.Type.Name())
					}
					remove(f.fields, coord)
					continue
				}
				for _, a := range fd.Arguments {
					ac := coord + "(" + a.Name + ":)"
					if f.args[ac] || f.removed[a.Type.Name()] {
						if required(a.Type, a.DefaultValue) {
							return fmt.Errorf("%w: %s: required argument %s is left out (by its tags or its type's) while its field stays: leave the field out too, or make the argument optional",
								ErrInvalidContract, f.c.Name, ac)
						}
						remove(f.args, ac)
					}
				}
				kept++
			}
			empty := false
			switch def.Kind {
			case ast.Object, ast.Interface, ast.InputObject:
				empty = kept == 0
			case ast.Union:
				empty = !slices.ContainsFunc(def.Types, func(m string) bool { return !f.removed[m] })
			case ast.Enum:
				empty = !slices.ContainsFunc(def.EnumValues, func(v *ast.EnumValueDefinition) bool { return !f.values[name+"."+v.Name] })
			}
			if empty {
				remove(f.removed, name)
			}
		}
	}
	if q := f.s.API.Query; q == nil || f.removed[q.Name] {
		return fmt.Errorf("%w: %s is empty: no field of the query root type is left (include %v, exclude %v)",
			ErrInvalidContract, f.c.Name, f.c.Include, f.c.Exclude)
	}
	return nil
}

// implementations refuses an implementation that loses a field its
// interface keeps (Apollo's IMPLEMENTED_BY_INACCESSIBLE).
func (f *contractFilter) implementations(names []string) error {
	for _, name := range names {
		def := f.s.API.Types[name]
		if f.removed[name] || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			continue
		}
		for _, in := range def.Interfaces {
			idef := f.s.API.Types[in]
			if f.removed[in] || idef == nil {
				continue
			}
			for _, ifd := range idef.Fields {
				if strings.HasPrefix(ifd.Name, "__") || f.fields[in+"."+ifd.Name] {
					continue
				}
				if f.fields[name+"."+ifd.Name] {
					return fmt.Errorf("%w: %s: %s.%s is left out while the interface field %s.%s it implements stays: tag both alike",
						ErrInvalidContract, f.c.Name, name, ifd.Name, in, ifd.Name)
				}
			}
		}
	}
	return nil
}

// unreachable removes the types that no kept root type, directive
// argument or implementation reaches.
func (f *contractFilter) unreachable(names []string) {
	api := f.s.API
	seen := map[string]bool{}
	var queue []string
	add := func(n string) {
		if !seen[n] && !f.removed[n] {
			seen[n] = true
			queue = append(queue, n)
		}
	}
	for _, root := range []*ast.Definition{api.Query, api.Mutation, api.Subscription} {
		if root != nil {
			add(root.Name)
		}
	}
	for _, dd := range api.Directives {
		for _, a := range dd.Arguments {
			add(a.Type.Name())
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		def := api.Types[name]
		if def == nil {
			continue
		}
		for _, fd := range def.Fields {
			coord := name + "." + fd.Name
			if strings.HasPrefix(fd.Name, "__") || f.fields[coord] {
				continue
			}
			add(fd.Type.Name())
			for _, a := range fd.Arguments {
				if !f.args[coord+"("+a.Name+":)"] {
					add(a.Type.Name())
				}
			}
		}
		for _, m := range def.Types {
			add(m)
		}
		for _, in := range def.Interfaces {
			add(in)
		}
		if def.Kind == ast.Interface {
			for _, impl := range api.PossibleTypes[name] {
				add(impl.Name)
			}
		}
	}
	for _, name := range names {
		if !seen[name] {
			f.removed[name] = true
		}
	}
}

// emit writes the kept definitions and validates them as a schema.
func (f *contractFilter) emit(names []string) (*ast.Schema, error) {
	api := f.s.API
	out := &ast.SchemaDocument{}
	for _, dd := range api.Directives {
		if dd.Position == nil || dd.Position.Src == nil || dd.Position.Src.BuiltIn {
			continue
		}
		cp := *dd
		cp.Arguments = copyArgs(dd.Arguments, "", nil)
		out.Directives = append(out.Directives, &cp)
	}
	slices.SortFunc(out.Directives, func(a, b *ast.DirectiveDefinition) int { return strings.Compare(a.Name, b.Name) })
	sd := &ast.SchemaDefinition{}
	for _, root := range []struct {
		op  ast.Operation
		def *ast.Definition
	}{{ast.Query, api.Query}, {ast.Mutation, api.Mutation}, {ast.Subscription, api.Subscription}} {
		if root.def != nil && !f.removed[root.def.Name] {
			sd.OperationTypes = append(sd.OperationTypes, &ast.OperationTypeDefinition{Operation: root.op, Type: root.def.Name})
		}
	}
	out.Schema = append(out.Schema, sd)
	for _, name := range names {
		if f.removed[name] {
			continue
		}
		def := api.Types[name]
		nd := &ast.Definition{Kind: def.Kind, Description: def.Description, Name: def.Name,
			Directives: copyDirectives(def.Directives), Position: def.Position}
		for _, in := range def.Interfaces {
			if !f.removed[in] {
				nd.Interfaces = append(nd.Interfaces, in)
			}
		}
		for _, m := range def.Types {
			if !f.removed[m] {
				nd.Types = append(nd.Types, m)
			}
		}
		for _, fd := range def.Fields {
			coord := name + "." + fd.Name
			if strings.HasPrefix(fd.Name, "__") || f.fields[coord] {
				continue
			}
			nd.Fields = append(nd.Fields, &ast.FieldDefinition{
				Description:  fd.Description,
				Name:         fd.Name,
				Arguments:    copyArgs(fd.Arguments, coord, f.args),
				DefaultValue: fd.DefaultValue,
				Type:         fd.Type,
				Directives:   copyDirectives(fd.Directives),
				Position:     fd.Position,
			})
		}
		for _, ev := range def.EnumValues {
			if f.values[name+"."+ev.Name] {
				continue
			}
			nd.EnumValues = append(nd.EnumValues, &ast.EnumValueDefinition{Description: ev.Description,
				Name: ev.Name, Directives: copyDirectives(ev.Directives), Position: ev.Position})
		}
		out.Definitions = append(out.Definitions, nd)
	}
	doc := validator.PreludeDocument()
	doc.Merge(out)
	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: the filtered schema is not valid: %w", ErrInvalidContract, f.c.Name, err)
	}
	return s, nil
}

// copyDirectives copies directive applications without their bound
// definitions (the validator binds them to the new schema).
func copyDirectives(list ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range list {
		c := *d
		c.Definition = nil
		out = append(out, &c)
	}
	return out
}

func copyArgs(list ast.ArgumentDefinitionList, coord string, removed map[string]bool) ast.ArgumentDefinitionList {
	var out ast.ArgumentDefinitionList
	for _, a := range list {
		if removed[coord+"("+a.Name+":)"] {
			continue
		}
		out = append(out, &ast.ArgumentDefinition{Description: a.Description, Name: a.Name,
			DefaultValue: a.DefaultValue, Type: a.Type, Directives: copyDirectives(a.Directives), Position: a.Position})
	}
	return out
}
