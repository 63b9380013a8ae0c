package introspection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/schema"
)

// Err is the sentinel wrapped by every internal error of Field and
// Fields: a field that is not an introspection field, an unbound fragment
// spread, an argument of the wrong type. None of them happen for a document
// validated against the schema.
var Err = errors.New("introspection")

// ErrTooDeep is wrapped (as gqlerror.Error.Err) by the client
// error returned when list fields are nested deeper than
// maxIntrospectionListDepth.
var ErrTooDeep = errors.New("introspection query too deep")

// maxIntrospectionListDepth bounds the nesting of list-valued introspection
// fields (types, directives, fields, args, inputFields, interfaces,
// possibleTypes, enumValues). The standard introspection query nests three
// (types.fields.args); five is the deepest that gqlparser's
// MaxIntrospectionDepth validation rule lets through
// (types.fields.args.type.inputFields.type.enumValues), so this guard only
// matters when that rule did not run.
const maxIntrospectionListDepth = 5

// codeIntrospectionTooDeep is the extensions.code of the depth error.
const codeIntrospectionTooDeep = "INTROSPECTION_TOO_DEEP"

// defaultDeprecationReason is the spec's default for @deprecated(reason:).
const defaultDeprecationReason = "No longer supported"

// Field answers one root introspection field (__schema or __type(name:)) of a validated client
// operation against the API schema, returning the field's JSON value (an object, or null for an unknown
// __type name), with keys in the field's selection order. A root __typename
// is answered too (the name of the field's parent type, else the query type).
func Field(api *ast.Schema, field *ast.Field, variables map[string]any) (json.RawMessage, error) {
	return Fields(api, nil, []*ast.Field{field}, variables)
}

// Fields is Field for the fields sharing one response key
// (as schema.CollectFields groups them, e.g. `{ __schema { types { name } }
// __schema { directives { name } } }`): their selections are merged, and the
// arguments of the first one are used. conds answers the fragments' type
// conditions; it must be api's (nil: indexed from api when a fragment on
// another type than its object's needs it).
func Fields(api *ast.Schema, conds *schema.TypeConditions, fields []*ast.Field, variables map[string]any) (json.RawMessage, error) {
	if api == nil || len(fields) == 0 || slices.Contains(fields, nil) {
		return nil, fmt.Errorf("%w: nil schema or field", Err)
	}
	field := fields[0]
	in := newIntrospector(api, variables)
	in.conds = conds
	in.path = append(in.path, ast.PathName(responseKey(field)))
	var err error
	switch field.Name {
	case "__schema":
		err = in.writeObject(schemaObj{}, fields)
	case "__type":
		name, _, aerr := in.stringArg(field.Arguments, "name")
		if aerr != nil {
			return nil, aerr
		}
		err = in.writeNamedType(in.api.Types[name], fields) // null when unknown
	case "__typename":
		name := ""
		if field.ObjectDefinition != nil {
			name = field.ObjectDefinition.Name
		} else if api.Query != nil {
			name = api.Query.Name
		}
		in.writeString(name)
	default:
		return nil, fmt.Errorf("%w: %q is not a root introspection field", Err, field.Name)
	}
	if err != nil {
		return nil, err
	}
	return json.RawMessage(in.buf.Bytes()), nil
}

// introspector holds the state of one Field (or Fields) call.
type introspector struct {
	api       *ast.Schema
	vars      map[string]any
	buf       *bytes.Buffer
	enc       *json.Encoder
	listDepth int
	// path is the response path of the value being written.
	path ast.Path
	memo map[collectKey][]collectEntry
	// conds answers type conditions (built when a fragment first needs it
	// unless given); on is the type whose fields are being collected and err
	// the collection's error (see Include).
	conds *schema.TypeConditions
	on    string
	err   error
}

type collectKey struct {
	typeName string
	first    *ast.Field
	n        int
}

type collectEntry struct {
	fields []*ast.Field
	out    *collected
}

func newIntrospector(api *ast.Schema, vars map[string]any) *introspector {
	buf := &bytes.Buffer{}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &introspector{api: api, vars: vars, buf: buf, enc: enc}
}

// object is one of the introspection object kinds below.
type object interface{ typeName() string }

type (
	schemaObj struct{}
	typeObj   struct {
		def     *ast.Definition
		wrapped *ast.Type // a LIST or NON_NULL type; def is nil then
	}
	// memberObj is a __Field, an __InputValue or an __EnumValue.
	memberObj struct {
		kind, name, description string
		typ                     *ast.Type                  // __Field, __InputValue
		args                    ast.ArgumentDefinitionList // __Field
		defaultValue            *ast.Value                 // __InputValue
		dirs                    ast.DirectiveList
	}
	directiveObj struct{ def *ast.DirectiveDefinition }
)

func (schemaObj) typeName() string    { return "__Schema" }
func (*typeObj) typeName() string     { return "__Type" }
func (o memberObj) typeName() string  { return o.kind }
func (directiveObj) typeName() string { return "__Directive" }

func fieldMember(f *ast.FieldDefinition) memberObj {
	return memberObj{kind: "__Field", name: f.Name, description: f.Description, typ: f.Type, args: f.Arguments, dirs: f.Directives}
}

func inputMember(name, description string, typ *ast.Type, def *ast.Value, dirs ast.DirectiveList) memberObj {
	return memberObj{kind: "__InputValue", name: name, description: description, typ: typ, defaultValue: def, dirs: dirs}
}

func enumMember(v *ast.EnumValueDefinition) memberObj {
	return memberObj{kind: "__EnumValue", name: v.Name, description: v.Description, dirs: v.Directives}
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// collected is a selection's fields grouped by response key, in order.
type collected struct {
	groups []schema.FieldGroup
}

// Include is the introspector's schema.FieldFilter: @skip/@include
// evaluated (schema.Included), a fragment spread validation did not bind or
// an unreadable if recorded as in.err (which ends the collection).
func (in *introspector) Include(sel ast.Selection, dirs ast.DirectiveList) bool {
	if in.err != nil {
		return false
	}
	if fs, ok := sel.(*ast.FragmentSpread); ok && fs.Definition == nil {
		in.err = fmt.Errorf("%w: fragment %q is not bound", Err, fs.Name)
		return false
	}
	ok, err := schema.Included(dirs, in.vars)
	if err != nil {
		in.err = fmt.Errorf("%w: %w", Err, err)
		return false
	}
	return ok
}

// Applies reports whether a fragment on cond applies to an object of the
// introspection type being collected (schema.TypeConditions.Satisfies,
// indexed from the API schema when a fragment first needs it).
func (in *introspector) Applies(cond string) bool {
	if cond == "" || cond == in.on {
		return true
	}
	if in.conds == nil {
		in.conds = schema.NewTypeConditions(in.api)
	}
	return in.conds.Satisfies(in.on, cond)
}

// argValue resolves an argument literal or variable to a Go value: only the
// kinds introspection arguments use (Boolean, String) and null are handled.
func (in *introspector) argValue(args ast.ArgumentList, name string) (any, bool) {
	a := args.ForName(name)
	if a == nil || a.Value == nil {
		return nil, false
	}
	v := a.Value
	if v.Kind == ast.Variable {
		if val, ok := in.vars[v.Raw]; ok {
			return val, true
		}
		if v.VariableDefinition == nil || v.VariableDefinition.DefaultValue == nil {
			return nil, false
		}
		v = v.VariableDefinition.DefaultValue
	}
	switch v.Kind {
	case ast.BooleanValue:
		return v.Raw == "true", true
	case ast.StringValue, ast.BlockValue:
		return v.Raw, true
	case ast.NullValue:
		return nil, false
	default:
		return v, true // not a Boolean or String: callers reject it
	}
}

func (in *introspector) boolArg(args ast.ArgumentList, name string) (bool, bool, error) {
	return argOf[bool](in, args, name)
}

func (in *introspector) stringArg(args ast.ArgumentList, name string) (string, bool, error) {
	return argOf[string](in, args, name)
}

// argOf reads argument name as a T; ok is false when it is absent or null.
func argOf[T bool | string](in *introspector, args ast.ArgumentList, name string) (value T, ok bool, err error) {
	v, ok := in.argValue(args, name)
	if !ok {
		return value, false, nil
	}
	value, ok = v.(T)
	if !ok {
		return value, false, fmt.Errorf("%w: argument %q is %T, not a %T", Err, name, v, value)
	}
	return value, true, nil
}

func (in *introspector) writeString(s string) {
	_ = in.enc.Encode(s) // encoding a string into a bytes.Buffer cannot fail
	in.buf.Truncate(in.buf.Len() - 1)
}

// null writes null.
func (in *introspector) null() error {
	in.buf.WriteString("null")
	return nil
}

func (in *introspector) writeBool(b bool) {
	if b {
		in.buf.WriteString("true")
	} else {
		in.buf.WriteString("false")
	}
}

// writeNullableString writes s, or null when s is empty.
func (in *introspector) writeNullableString(s string) {
	if s == "" {
		in.buf.WriteString("null")
		return
	}
	in.writeString(s)
}

// writeObject writes obj as a JSON object with the merged selection of fields.
func (in *introspector) writeObject(obj object, fields []*ast.Field) error {
	out, err := in.collectFor(obj.typeName(), fields)
	if err != nil {
		return err
	}
	return in.writeCollected(obj, out)
}

// collectFor collects the merged selection sets of fields for an object of
// type typeName. Results are memoized per call of Field: every element of
// a list shares the same fields, so each selection is collected once.
func (in *introspector) collectFor(typeName string, fields []*ast.Field) (*collected, error) {
	key := collectKey{typeName: typeName, first: fields[0], n: len(fields)}
	for _, e := range in.memo[key] {
		if slices.Equal(e.fields, fields) {
			return e.out, nil
		}
	}
	sets := make([]ast.SelectionSet, len(fields))
	for i, f := range fields {
		sets[i] = f.SelectionSet
	}
	in.on, in.err = typeName, nil
	out := &collected{groups: schema.CollectFields(in, nil, nil, sets...)}
	if in.err != nil {
		return nil, in.err
	}
	if in.memo == nil {
		in.memo = map[collectKey][]collectEntry{}
	}
	in.memo[key] = append(in.memo[key], collectEntry{fields: fields, out: out})
	return out, nil
}

// writeCollected writes obj's fields in collection order, keeping in.path
// at the field being written.
func (in *introspector) writeCollected(obj object, out *collected) error {
	in.buf.WriteByte('{')
	for i, g := range out.groups {
		if i > 0 {
			in.buf.WriteByte(',')
		}
		key, sub := g.Key, g.Fields
		in.writeString(key)
		in.buf.WriteByte(':')
		if sub[0].Name == "__typename" {
			in.writeString(obj.typeName())
			continue
		}
		in.path = append(in.path, ast.PathName(key))
		var err error
		switch o := obj.(type) {
		case schemaObj:
			err = in.schemaField(sub)
		case *typeObj:
			err = in.typeField(o, sub)
		case memberObj:
			err = in.memberField(o, sub)
		case directiveObj:
			err = in.directiveField(o, sub)
		}
		if err != nil {
			return err
		}
		in.path = in.path[:len(in.path)-1]
	}
	in.buf.WriteByte('}')
	return nil
}

// writeList writes a list of objects, guarding the nesting depth.
func (in *introspector) writeList(objs []object, fields []*ast.Field) error {
	if in.listDepth >= maxIntrospectionListDepth {
		ge := &gqlerror.Error{
			Err:        ErrTooDeep,
			Message:    fmt.Sprintf("Introspection query nests list fields deeper than %d levels", maxIntrospectionListDepth),
			Path:       slices.Clone(in.path),
			Extensions: map[string]any{"code": codeIntrospectionTooDeep},
		}
		if p := fields[0].Position; p != nil {
			ge.Locations = []gqlerror.Location{{Line: p.Line, Column: p.Column}}
		}
		return ge
	}
	in.listDepth++
	defer func() { in.listDepth-- }()
	in.buf.WriteByte('[')
	for i, o := range objs {
		if i > 0 {
			in.buf.WriteByte(',')
		}
		in.path = append(in.path, ast.PathIndex(i))
		if err := in.writeObject(o, fields); err != nil {
			return err
		}
		in.path = in.path[:len(in.path)-1]
	}
	in.buf.WriteByte(']')
	return nil
}

// writeNamedType writes the __Type of a definition, or null when def is nil.
func (in *introspector) writeNamedType(def *ast.Definition, fields []*ast.Field) error {
	if def == nil {
		return in.null()
	}
	return in.writeObject(&typeObj{def: def}, fields)
}

func unknownField(obj object, name string) error {
	return fmt.Errorf("%w: %s has no field %q", Err, obj.typeName(), name)
}

// sortedTypes returns every type of the schema sorted by name.
func (in *introspector) sortedTypes() []object {
	var objs []object
	for _, name := range slices.Sorted(maps.Keys(in.api.Types)) {
		if def := in.api.Types[name]; def != nil {
			objs = append(objs, &typeObj{def: def})
		}
	}
	return objs
}

// sortedDirectives returns every directive of the schema sorted by name.
func (in *introspector) sortedDirectives() []object {
	var objs []object
	for _, name := range slices.Sorted(maps.Keys(in.api.Directives)) {
		if def := in.api.Directives[name]; def != nil {
			objs = append(objs, directiveObj{def: def})
		}
	}
	return objs
}

func (in *introspector) schemaField(fields []*ast.Field) error {
	switch fields[0].Name {
	case "description":
		in.writeNullableString(in.api.Description)
	case "types":
		return in.writeList(in.sortedTypes(), fields)
	case "queryType":
		return in.writeNamedType(in.api.Query, fields)
	case "mutationType":
		return in.writeNamedType(in.api.Mutation, fields)
	case "subscriptionType":
		return in.writeNamedType(in.api.Subscription, fields)
	case "directives":
		return in.writeList(in.sortedDirectives(), fields)
	default:
		return unknownField(schemaObj{}, fields[0].Name)
	}
	return nil
}

// writeTypeRef writes the __Type of a type reference.
func (in *introspector) writeTypeRef(t *ast.Type, fields []*ast.Field) error {
	switch {
	case t == nil:
		return fmt.Errorf("%w: missing type reference", Err)
	case t.NonNull || t.Elem != nil:
		return in.writeObject(&typeObj{wrapped: t}, fields)
	case in.api.Types[t.NamedType] == nil:
		return fmt.Errorf("%w: type %q is not in the schema", Err, t.NamedType)
	}
	return in.writeObject(&typeObj{def: in.api.Types[t.NamedType]}, fields)
}

func (in *introspector) typeField(o *typeObj, fields []*ast.Field) error {
	name := fields[0].Name
	if o.wrapped != nil {
		return in.wrappedTypeField(o.wrapped, fields)
	}
	def := o.def
	isFielded := def.Kind == ast.Object || def.Kind == ast.Interface
	switch name {
	case "kind":
		in.writeString(string(def.Kind))
	case "name":
		in.writeString(def.Name)
	case "description":
		in.writeNullableString(def.Description)
	case "specifiedByURL":
		url := ""
		if def.Kind == ast.Scalar {
			url = directiveStringArg(def.Directives, "specifiedBy", "url")
		}
		in.writeNullableString(url)
	case "fields":
		if !isFielded {
			return in.null()
		}
		var objs []object
		for _, f := range def.Fields {
			if f != nil && !strings.HasPrefix(f.Name, "__") {
				objs = append(objs, fieldMember(f))
			}
		}
		return in.writeMembers(objs, fields)
	case "interfaces":
		if !isFielded {
			return in.null()
		}
		objs, err := in.namedTypes(def.Interfaces)
		if err != nil {
			return err
		}
		return in.writeList(objs, fields)
	case "possibleTypes":
		return in.possibleTypes(def, fields)
	case "enumValues":
		if def.Kind != ast.Enum {
			return in.null()
		}
		var objs []object
		for _, v := range def.EnumValues {
			if v != nil {
				objs = append(objs, enumMember(v))
			}
		}
		return in.writeMembers(objs, fields)
	case "inputFields":
		if def.Kind != ast.InputObject {
			return in.null()
		}
		var objs []object
		for _, f := range def.Fields {
			if f != nil {
				objs = append(objs, inputMember(f.Name, f.Description, f.Type, f.DefaultValue, f.Directives))
			}
		}
		return in.writeMembers(objs, fields)
	case "ofType":
		in.buf.WriteString("null")
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return in.null()
		}
		in.writeBool(def.Directives.ForName("oneOf") != nil)
	default:
		return unknownField(o, name)
	}
	return nil
}

// wrappedTypeField answers a field of a LIST or NON_NULL __Type.
func (in *introspector) wrappedTypeField(t *ast.Type, fields []*ast.Field) error {
	switch name := fields[0].Name; name {
	case "kind":
		if t.NonNull {
			in.writeString("NON_NULL")
		} else {
			in.writeString("LIST")
		}
	case "ofType":
		if t.NonNull {
			inner := *t // copy: the schema's type is never modified
			inner.NonNull = false
			return in.writeTypeRef(&inner, fields)
		}
		return in.writeTypeRef(t.Elem, fields)
	case "name", "description", "specifiedByURL", "fields", "interfaces",
		"possibleTypes", "enumValues", "inputFields", "isOneOf":
		in.buf.WriteString("null")
	default:
		return unknownField(&typeObj{}, name)
	}
	return nil
}

// namedTypes looks up type names in the schema, keeping their order.
func (in *introspector) namedTypes(names []string) ([]object, error) {
	objs := make([]object, 0, len(names))
	for _, n := range names {
		def := in.api.Types[n]
		if def == nil {
			return nil, fmt.Errorf("%w: type %q is not in the schema", Err, n)
		}
		objs = append(objs, &typeObj{def: def})
	}
	return objs, nil
}

// possibleTypes writes the members of a union (declared order) or the
// implementations of an interface (sorted by name); null for other kinds.
func (in *introspector) possibleTypes(def *ast.Definition, fields []*ast.Field) error {
	switch def.Kind {
	case ast.Union:
		objs, err := in.namedTypes(def.Types)
		if err != nil {
			return err
		}
		return in.writeList(objs, fields)
	case ast.Interface:
		var impls []*ast.Definition
		for _, d := range in.api.PossibleTypes[def.Name] {
			if d != nil && d.Kind == ast.Object {
				impls = append(impls, d)
			}
		}
		slices.SortFunc(impls, func(a, b *ast.Definition) int { return strings.Compare(a.Name, b.Name) })
		impls = slices.CompactFunc(impls, func(a, b *ast.Definition) bool { return a.Name == b.Name })
		objs := make([]object, len(impls))
		for i, d := range impls {
			objs[i] = &typeObj{def: d}
		}
		return in.writeList(objs, fields)
	default:
		return in.null()
	}
}

// memberField answers a field of a __Field, __InputValue or __EnumValue.
func (in *introspector) memberField(o memberObj, fields []*ast.Field) error {
	switch name := fields[0].Name; {
	case name == "name":
		in.writeString(o.name)
	case name == "description":
		in.writeNullableString(o.description)
	case name == "isDeprecated":
		in.writeBool(isDeprecated(o.dirs))
	case name == "deprecationReason":
		in.writeDeprecationReason(o.dirs)
	case name == "type" && o.kind != "__EnumValue":
		return in.writeTypeRef(o.typ, fields)
	case name == "args" && o.kind == "__Field":
		return in.writeArgs(o.args, fields)
	case name == "defaultValue" && o.kind == "__InputValue":
		if o.defaultValue == nil {
			return in.null()
		}
		in.writeString(printLiteral(o.defaultValue))
	default:
		return unknownField(o, name)
	}
	return nil
}

// writeArgs writes the arguments of a field or directive as __InputValues.
func (in *introspector) writeArgs(args ast.ArgumentDefinitionList, fields []*ast.Field) error {
	objs := make([]object, 0, len(args))
	for _, a := range args {
		if a != nil {
			objs = append(objs, inputMember(a.Name, a.Description, a.Type, a.DefaultValue, a.Directives))
		}
	}
	return in.writeMembers(objs, fields)
}

// writeMembers writes fields, args, enum values or input fields, leaving out
// the deprecated ones unless the field's includeDeprecated argument is true.
func (in *introspector) writeMembers(objs []object, fields []*ast.Field) error {
	v, _, err := in.boolArg(fields[0].Arguments, "includeDeprecated")
	if err != nil {
		return err
	}
	if !v {
		objs = slices.DeleteFunc(objs, func(o object) bool {
			m, ok := o.(memberObj)
			return ok && isDeprecated(m.dirs)
		})
	}
	return in.writeList(objs, fields)
}

func (in *introspector) directiveField(o directiveObj, fields []*ast.Field) error {
	switch name := fields[0].Name; name {
	case "name":
		in.writeString(o.def.Name)
	case "description":
		in.writeNullableString(o.def.Description)
	case "isRepeatable":
		in.writeBool(o.def.IsRepeatable)
	case "locations":
		in.buf.WriteByte('[')
		for i, loc := range o.def.Locations {
			if i > 0 {
				in.buf.WriteByte(',')
			}
			in.writeString(string(loc))
		}
		in.buf.WriteByte(']')
	case "args":
		return in.writeArgs(o.def.Arguments, fields)
	default:
		return unknownField(o, name)
	}
	return nil
}

func isDeprecated(dirs ast.DirectiveList) bool {
	return dirs.ForName("deprecated") != nil
}

// writeDeprecationReason writes the reason of @deprecated (its default when
// not given), or null when the element is not deprecated.
func (in *introspector) writeDeprecationReason(dirs ast.DirectiveList) {
	d := dirs.ForName("deprecated")
	if d == nil {
		in.buf.WriteString("null")
		return
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil &&
		(a.Value.Kind == ast.StringValue || a.Value.Kind == ast.BlockValue) {
		in.writeString(a.Value.Raw)
		return
	}
	reason := defaultDeprecationReason
	if def := in.api.Directives["deprecated"]; def != nil {
		if a := def.Arguments.ForName("reason"); a != nil && a.DefaultValue != nil && a.DefaultValue.Kind == ast.StringValue {
			reason = a.DefaultValue.Raw
		}
	}
	in.writeString(reason)
}

// directiveStringArg returns the string literal argument arg of the directive
// named dir, or "".
func directiveStringArg(dirs ast.DirectiveList, dir, arg string) string {
	d := dirs.ForName(dir)
	if d == nil {
		return ""
	}
	a := d.Arguments.ForName(arg)
	if a == nil || a.Value == nil || (a.Value.Kind != ast.StringValue && a.Value.Kind != ast.BlockValue) {
		return ""
	}
	return a.Value.Raw
}

// printLiteral prints a value as GraphQL literal text, the way reference
// implementations print defaultValue: strings quoted and escaped, lists as
// "[a, b]", objects as "{a: 1, b: 2}".
func printLiteral(v *ast.Value) string {
	var b strings.Builder
	writeLiteral(&b, v)
	return b.String()
}

func writeLiteral(b *strings.Builder, v *ast.Value) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case ast.Variable:
		b.WriteString("$" + v.Raw)
	case ast.StringValue, ast.BlockValue:
		writeGraphQLString(b, v.Raw)
	case ast.NullValue:
		b.WriteString("null")
	case ast.ListValue:
		b.WriteByte('[')
		for i, c := range v.Children {
			if i > 0 {
				b.WriteString(", ")
			}
			if c != nil {
				writeLiteral(b, c.Value)
			}
		}
		b.WriteByte(']')
	case ast.ObjectValue:
		b.WriteByte('{')
		for i, c := range v.Children {
			if c == nil {
				continue
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name + ": ")
			writeLiteral(b, c.Value)
		}
		b.WriteByte('}')
	default: // Int, Float, Boolean, Enum
		b.WriteString(v.Raw)
	}
}

// writeGraphQLString writes s as a GraphQL string literal: a JSON string
// (without HTML escaping) is one.
func writeGraphQLString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string into a bytes.Buffer cannot fail
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
