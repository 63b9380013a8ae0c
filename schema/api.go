package schema

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/validator"
)

// The API schema.
//
// It is derived from the supergraph document by copying every definition
// except: feature machinery (types and directives of @link'ed / @core'd
// specs: join__*, link__*, core__*, @inaccessible, @tag, @authenticated,
// ...), federation directive definitions, and everything @inaccessible
// (types, fields, arguments, enum values, input fields; union members and
// implemented interfaces that name a removed type). Directive applications
// are kept only when their definition is kept (user directives such as
// custom executable ones, and the built-in @deprecated, @specifiedBy,
// @oneOf). The copy (new definitions sharing only immutable leaves such as
// types and values with the supergraph schema) is merged with gqlparser's
// prelude and validated by gqlparser, so PossibleTypes, Implements and the
// root types are filled exactly as for any loaded schema. An accessible element that refers to a
// removed type is refused with an error naming both.

// federationDirectives are the subgraph-level federation directives; a
// supergraph should not declare them, and when it does they stay out of
// the API schema.
var federationDirectives = map[string]bool{
	"key": true, "requires": true, "provides": true, "external": true, "shareable": true,
	"extends": true, "override": true, "interfaceObject": true, "composeDirective": true,
	"inaccessible": true, "tag": true, "link": true, "core": true,
}

// builtinAPIDirectives are prelude directives that may be applied to
// type-system elements and stay in the API schema.
var builtinAPIDirectives = map[string]bool{"deprecated": true, "specifiedBy": true, "oneOf": true}

func (l *loader) isMachineryDirective(name string) bool {
	if l.fs.ownsDirective(name) || federationDirectives[name] || l.inaccessible[name] {
		return true
	}
	if len(l.fs.list) == 0 {
		return strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") ||
			strings.HasPrefix(name, "core__")
	}
	return false
}

type apiBuilder struct {
	l       *loader
	removed map[string]bool // type names absent from the API schema
	keepDir map[string]bool // directive names whose applications are kept
}

func (l *loader) buildAPI() (*ast.Schema, error) {
	b := &apiBuilder{l: l, removed: map[string]bool{}, keepDir: map[string]bool{}}
	for name, def := range l.full.Types {
		if !def.BuiltIn && (l.isMachinery(name) || l.hasInaccessible(def.Directives)) {
			b.removed[name] = true
		}
	}
	for name := range builtinAPIDirectives {
		b.keepDir[name] = true
	}
	out := &ast.SchemaDocument{}
	for _, dd := range l.doc.Directives {
		if dd.Position != nil && dd.Position.Src != nil && dd.Position.Src.BuiltIn {
			continue
		}
		if l.isMachineryDirective(dd.Name) {
			continue
		}
		b.keepDir[dd.Name] = true
	}
	for _, dd := range l.doc.Directives {
		if !b.keepDir[dd.Name] || dd.Position == nil || dd.Position.Src == nil || dd.Position.Src.BuiltIn {
			continue
		}
		args, err := b.args(dd.Arguments, "directive @"+dd.Name)
		if err != nil {
			return nil, err
		}
		out.Directives = append(out.Directives, &ast.DirectiveDefinition{
			Description:  dd.Description,
			Name:         dd.Name,
			Arguments:    args,
			Locations:    dd.Locations,
			IsRepeatable: dd.IsRepeatable,
			Position:     dd.Position,
		})
	}
	sd := &ast.SchemaDefinition{}
	for _, root := range []struct {
		op  ast.Operation
		def *ast.Definition
	}{{ast.Query, l.full.Query}, {ast.Mutation, l.full.Mutation}, {ast.Subscription, l.full.Subscription}} {
		if root.def == nil {
			continue
		}
		if b.removed[root.def.Name] {
			if root.op == ast.Query {
				return nil, fmt.Errorf("%w: query root type %s is inaccessible", ErrInvalidSupergraph, root.def.Name)
			}
			continue
		}
		sd.OperationTypes = append(sd.OperationTypes, &ast.OperationTypeDefinition{Operation: root.op, Type: root.def.Name})
	}
	out.Schema = append(out.Schema, sd)
	for _, def := range l.order {
		if b.removed[def.Name] {
			continue
		}
		nd, err := b.definition(def)
		if err != nil {
			return nil, err
		}
		out.Definitions = append(out.Definitions, nd)
	}
	doc := validator.PreludeDocument()
	doc.Merge(out)
	api, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: API schema: %w", ErrInvalidSupergraph, err)
	}
	return api, nil
}

func (b *apiBuilder) directives(list ast.DirectiveList) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range list {
		if b.keepDir[d.Name] {
			c := *d // the validator sets Definition: never touch the full schema's
			c.Definition = nil
			out = append(out, &c)
		}
	}
	return out
}

func (b *apiBuilder) args(list ast.ArgumentDefinitionList, where string) (ast.ArgumentDefinitionList, error) {
	var out ast.ArgumentDefinitionList
	for _, a := range list {
		if b.l.hasInaccessible(a.Directives) {
			continue
		}
		if b.removed[a.Type.Name()] {
			return nil, fmt.Errorf("%w: argument %s(%s:) has inaccessible or internal type %s",
				ErrInvalidSupergraph, where, a.Name, a.Type.Name())
		}
		out = append(out, &ast.ArgumentDefinition{
			Description:  a.Description,
			Name:         a.Name,
			DefaultValue: a.DefaultValue,
			Type:         a.Type,
			Directives:   b.directives(a.Directives),
			Position:     a.Position,
		})
	}
	return out, nil
}

func (b *apiBuilder) definition(def *ast.Definition) (*ast.Definition, error) {
	nd := &ast.Definition{
		Kind:        def.Kind,
		Description: def.Description,
		Name:        def.Name,
		Directives:  b.directives(def.Directives),
		Position:    def.Position,
	}
	for _, in := range def.Interfaces {
		if !b.removed[in] {
			nd.Interfaces = append(nd.Interfaces, in)
		}
	}
	for _, m := range def.Types {
		if !b.removed[m] {
			nd.Types = append(nd.Types, m)
		}
	}
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") || b.l.hasInaccessible(fd.Directives) {
			continue
		}
		where := def.Name + "." + fd.Name
		if b.removed[fd.Type.Name()] {
			return nil, fmt.Errorf("%w: field %s has inaccessible or internal type %s",
				ErrInvalidSupergraph, where, fd.Type.Name())
		}
		args, err := b.args(fd.Arguments, where)
		if err != nil {
			return nil, err
		}
		nd.Fields = append(nd.Fields, &ast.FieldDefinition{
			Description:  fd.Description,
			Name:         fd.Name,
			Arguments:    args,
			DefaultValue: fd.DefaultValue,
			Type:         fd.Type,
			Directives:   b.directives(fd.Directives),
			Position:     fd.Position,
		})
	}
	for _, ev := range def.EnumValues {
		if b.l.hasInaccessible(ev.Directives) {
			continue
		}
		nd.EnumValues = append(nd.EnumValues, &ast.EnumValueDefinition{
			Description: ev.Description,
			Name:        ev.Name,
			Directives:  b.directives(ev.Directives),
			Position:    ev.Position,
		})
	}
	return nd, nil
}

// PrintAPI returns the API schema of s as SDL: directive definitions then
// types, each group in ascending name order, built-ins omitted.
func PrintAPI(s *Supergraph) string {
	var sb strings.Builder
	formatter.NewFormatter(&sb, formatter.WithIndent("  ")).FormatSchema(s.API)
	return sb.String()
}
