package executor

import (
	"encoding/json"
	"fmt"
	"sync"
	"unsafe"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/executor/introspection"
	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// maxPooledBuf is the largest response buffer kept for reuse.
const maxPooledBuf = 1 << 20

var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// shaper writes the client's response from the merged tree: fields in the
// client's selection order (CollectFields), @skip/@include applied,
// __typename answered locally, values checked against their types, and
// nulls propagated to the nearest nullable parent. Writing goes straight
// into one buffer; propagating a null truncates the buffer back to the
// nullable field's start.
type shaper struct {
	ex   *Executor
	req  *Request
	buf  []byte
	path []pathStep // the current response path, boxed into ast.Path only for errors
	sink *errSink
	// groups caches CollectFields per (selection set, concrete type);
	// recent is a small direct-mapped cache in front of it (the same few
	// selection sets come back for every item of a list).
	groups map[shapeKey][]group
	recent [64]recentGroups
	// keys holds the quoted response keys ("key":) of the groups.
	keys []byte
	// dynamic: the collection under way met a directive (see shared).
	dynamic bool
	// filter and scratch serve collect (no allocation per collection).
	filter  shapeFilter
	scratch []schema.FieldGroup
	// extra holds errors found while shaping, appended after the fetch errors.
	extra gqlerror.List
	// deferred holds the @defer directive offsets of the fragments left out
	// (delivered later in their own payloads); nil in a one-part response.
	deferred map[int]bool
	// nulled collects the paths null propagation nulled (see run.nulled).
	nulled []ast.Path
}

// pathStep is one element of the current path: a key, or an index when key is "".
type pathStep struct {
	key string
	idx int
}

type shapeKey struct {
	sel      *ast.Selection
	n        int
	static   *ast.Definition
	concrete string // empty when static is an object type
}

type recentGroups struct {
	k shapeKey
	g []group
}

// astPath boxes the current path.
func (s *shaper) astPath() ast.Path {
	p := make(ast.Path, len(s.path))
	for i, st := range s.path {
		if st.key == "" {
			p[i] = ast.PathIndex(st.idx)
		} else {
			p[i] = ast.PathName(st.key)
		}
	}
	return p
}

// group is one response key of a collected selection.
type group struct {
	key    string
	fields []*ast.Field
	// def is the named type of the field (nil for __typename / unknown).
	def *ast.Definition
	// quoted is the JSON member name ("key":), scalar the built-in scalar
	// def is (0 for other types), both set by resolve.
	quoted []byte
	scalar builtin
}

func (r *run) shape(sink *errSink) *Result {
	return r.shapeInto(sink, false)
}

// bodyPrefix starts a whole response document: the shaper writes the data
// entry after it, so that a response with nothing but data is written to
// the client in one piece (Result.Body), never copied.
const bodyPrefix = `{"data":`

// shapeInto shapes the response. With keep false the pooled buffer goes
// with the Result (given back by Result.Release); with keep true (@defer,
// whose tree outlives the call) Data is a copy and the buffer is returned
// at once.
func (r *run) shapeInto(sink *errSink, keep bool) *Result {
	// (The initial payload of @defer is a part of the answers: no hint,
	// nothing learnt.)
	hint := 0
	if !keep {
		hint = r.expectedSize()
	}
	s, release := r.newShaper(sink, hint)
	s.buf = append(s.buf, bodyPrefix...)
	rootType := r.ex.sg.API.Types[r.rootTypeName()]
	if rootType == nil {
		rootType = &ast.Definition{Kind: ast.Object, Name: r.rootTypeName()}
	}
	res := &Result{}
	if s.object(r.root, rootType, r.req.Operation.SelectionSet, true, false) {
		s.buf = append(s.buf, '}')
		if !keep && r.answerBytes > 0 {
			r.ex.respPerAnswer.Store(int64(len(s.buf)) * 1024 / int64(r.answerBytes))
		}
		if keep {
			res.Data = append(json.RawMessage(nil), s.buf[len(bodyPrefix):len(s.buf)-1]...)
			release()
		} else {
			res.Body = s.buf
			res.Data = s.buf[len(bodyPrefix) : len(s.buf)-1 : len(s.buf)-1]
			res.release = release
		}
	} else {
		release()
		res.Data = json.RawMessage("null")
		s.nulled = append(s.nulled, ast.Path{})
	}
	r.nulled = append(r.nulled, s.nulled...)
	res.Errors = append(sink.errs, s.extra...)
	return res
}

// expectedSize is the response size to expect from the answers decoded
// so far (0: no idea).
func (r *run) expectedSize() int {
	per := r.ex.respPerAnswer.Load()
	if per == 0 || r.answerBytes == 0 {
		return 0
	}
	return int(min(int64(r.answerBytes)*per/1024, maxPooledBuf))
}

// newShaper returns a shaper writing into a pooled buffer; release returns
// the buffer (copy what you keep first); call it once. hint is the
// expected size of what will be written (0: unknown).
func (r *run) newShaper(sink *errSink, hint int) (*shaper, func()) {
	bp := bufPool.Get().(*[]byte)
	switch {
	case hint > cap(*bp):
		// Start at the expected size (plus a margin) rather than doubling
		// up to it. The smaller buffer is dropped: put back, it would come
		// out again for the next large response, and the pool would fill
		// with buffers too small to use.
		*bp = make([]byte, 0, hint+hint/8)
	case cap(*bp) == 0:
		*bp = make([]byte, 0, 16<<10)
	}
	s := &shaper{ex: r.ex, req: r.req, buf: (*bp)[:0], path: make([]pathStep, 0, 16), sink: sink, deferred: r.deferred}
	return s, func() {
		if cap(s.buf) <= maxPooledBuf {
			*bp = s.buf[:0]
			bufPool.Put(bp)
		}
	}
}

func (r *run) rootTypeName() string {
	api := r.ex.sg.API
	switch r.req.Operation.Operation {
	case ast.Mutation:
		if api.Mutation != nil {
			return api.Mutation.Name
		}
		return "Mutation"
	case ast.Subscription:
		if api.Subscription != nil {
			return api.Subscription.Name
		}
		return "Subscription"
	}
	if api.Query != nil {
		return api.Query.Name
	}
	return "Query"
}

// concreteType decides the object's type: the static type when it is an
// object type, else the data's __typename when it is a possible type.
func (s *shaper) concreteType(obj *value, static *ast.Definition) string {
	if static.Kind == ast.Object {
		return static.Name
	}
	tn, _ := typenameOf(obj)
	if tn != "" && s.ex.conds.Possible(static.Name, tn) {
		return tn
	}
	return ""
}

// object writes obj with sel; false means the object must become null.
func (s *shaper) object(obj *value, static *ast.Definition, sel ast.SelectionSet, root, merged bool) bool {
	concrete := s.concreteType(obj, static)
	groups := s.collected(sel, concrete, static, merged)
	s.buf = append(s.buf, '{')
	// next: where the following group's field most likely is (subgraphs
	// answer in selection order), tried before a search.
	next := 0
	for i, g := range groups {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, g.quoted...)
		f := g.fields[0]
		s.path = append(s.path, pathStep{key: g.key})
		ok := true
		switch {
		case f.Definition != nil && (s.req.Denied != nil || (s.req.Plan != nil && s.req.Plan.Unresolved != nil)) && s.deny(g, f, concrete, static.Name):
			// Before __typename and introspection: a denied __schema/__type
			// answers null too; __typename is String!, its null propagates.
			ok = f.Name != "__typename" && s.nullable(f.Definition.Type)
		case f.Name == "__typename":
			if concrete == "" {
				s.addErr(fmt.Sprintf("Cannot determine the concrete type of %s", static.Name), CodeInvalidValue)
				ok = false // __typename is String!
			} else {
				s.buf = jsonv.AppendString(s.buf, concrete)
			}
		case root && (f.Name == "__schema" || f.Name == "__type"):
			ok = s.introspect(g.fields)
		case f.Definition == nil:
			s.buf = append(s.buf, "null"...)
		default:
			var v *value
			if fs := obj.Fields(); next < len(fs) && fs[next].Key == g.key {
				v = fs[next].Val
				next++
			} else if j := obj.Index(g.key); j >= 0 {
				v = fs[j].Val
				next = j + 1
			}
			ok = s.field(v, f.Definition.Type, g, f)
		}
		s.path = s.path[:len(s.path)-1]
		if !ok {
			return false
		}
	}
	s.buf = append(s.buf, '}')
	return true
}

// introspect answers a root __schema or __type: the fields of its response
// key merged, fragments by the executor's type conditions.
func (s *shaper) introspect(fields []*ast.Field) bool {
	f := fields[0]
	raw, err := introspection.Fields(s.ex.sg.API, s.ex.conds, fields, s.req.Variables)
	if err != nil {
		s.addErr(fmt.Sprintf("introspection failed: %v", err), CodeIntrospection)
		if f.Definition == nil {
			return s.nullable(nil)
		}
		return s.nullable(f.Definition.Type)
	}
	s.buf = append(s.buf, raw...)
	return true
}

// nullable writes null for a nullable type and reports false for a
// non-null one (the error is already recorded).
func (s *shaper) nullable(t *ast.Type) bool {
	if t != nil && t.NonNull {
		return false
	}
	s.buf = append(s.buf, "null"...)
	return true
}

// deny reports whether a field of group g was denied (Request.Denied) or
// left out of the plan as unresolvable (Plan.Unresolved), and records its
// error at the current path.
func (s *shaper) deny(g group, f *ast.Field, concrete, static string) bool {
	e, ok := s.denied(f, concrete, static)
	if !ok {
		for _, o := range g.fields[1:] {
			if e, ok = s.denied(o, concrete, static); ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	p := s.astPath()
	if s.sink.covers(p) {
		return true
	}
	cp := *e
	cp.Path = p
	if e.Extensions != nil {
		cp.Extensions = make(map[string]any, len(e.Extensions))
		for k, v := range e.Extensions {
			cp.Extensions[k] = v
		}
	}
	s.extra = append(s.extra, &cp)
	s.sink.cover(p)
	return true
}

// denied finds f's error: denied, or unresolved at objects of the concrete
// type (or of the static type, where the planner could not tell it).
func (s *shaper) denied(f *ast.Field, concrete, static string) (*gqlerror.Error, bool) {
	if e, ok := s.req.Denied[f]; ok {
		return e, true
	}
	if s.req.Plan == nil || s.req.Plan.Unresolved == nil || f.Position == nil {
		return nil, false
	}
	if concrete != "" {
		if e, ok := s.req.Plan.Unresolved[planner.FieldAt{Offset: f.Position.Start, Type: concrete}]; ok {
			return e, true
		}
	}
	e, ok := s.req.Plan.Unresolved[planner.FieldAt{Offset: f.Position.Start, Type: static}]
	return e, ok
}

// addErr records an error at the current path unless one covers it.
func (s *shaper) addErr(msg, code string) {
	p := s.astPath()
	if s.sink.covers(p) {
		return
	}
	err := &gqlerror.Error{Message: msg, Path: p, Extensions: map[string]any{"code": code}}
	s.extra = append(s.extra, err)
	s.sink.cover(p)
}

// field writes v as a value of type t; false means "null, propagate".
func (s *shaper) field(v *value, t *ast.Type, g group, f *ast.Field) bool {
	if v.IsNull() || hiddenEnumValue(v, t, g) {
		if t.NonNull {
			s.addErr(fmt.Sprintf("Cannot return null for non-nullable field %s.%s", parentName(f), f.Name), CodeNonNull)
			return false
		}
		s.buf = append(s.buf, "null"...)
		return true
	}
	mark := len(s.buf)
	if s.inner(v, t, g, f) {
		return true
	}
	if t.NonNull {
		return false
	}
	s.buf = append(s.buf[:mark], "null"...)
	s.nulled = append(s.nulled, s.astPath())
	return true
}

// hiddenEnumValue reports whether v, at a position of enum type t (not a
// list), is a name the API schema does not have: an @inaccessible value, or
// one only some subgraph knows. Such a value does not exist for the client,
// so it is treated as null (as Apollo Router and Hive Gateway do): a plain
// null at a nullable position, a non-null violation otherwise. A value that
// is not a string at all is an invalid value (see inner).
func hiddenEnumValue(v *value, t *ast.Type, g group) bool {
	if t.Elem != nil || g.def == nil || g.def.Kind != ast.Enum {
		return false
	}
	str, ok := v.StringValue()
	return ok && g.def.EnumValues.ForName(str) == nil
}

// invalidValue records that the subgraph value at the current path does not
// fit f's type in the API schema (Apollo Router's message and code).
func (s *shaper) invalidValue(f *ast.Field) {
	s.addErr(fmt.Sprintf("Invalid value found for field %s.%s", parentName(f), f.Name), CodeResponseValidation)
}

func parentName(f *ast.Field) string {
	if f.ObjectDefinition != nil {
		return f.ObjectDefinition.Name
	}
	return "?"
}

// inner writes a non-null v of type t (nullability ignored).
func (s *shaper) inner(v *value, t *ast.Type, g group, f *ast.Field) bool {
	if t.Elem != nil {
		if v.Kind != kindList {
			s.invalidValue(f)
			return false
		}
		s.buf = append(s.buf, '[')
		for i, it := range v.Items() {
			if i > 0 {
				s.buf = append(s.buf, ',')
			}
			s.path = append(s.path, pathStep{idx: i})
			ok := s.field(it, t.Elem, g, f)
			s.path = s.path[:len(s.path)-1]
			if !ok {
				return false
			}
		}
		s.buf = append(s.buf, ']')
		return true
	}
	def := g.def
	if def == nil {
		s.addErr(fmt.Sprintf("Unknown type %s", t.NamedType), CodeInvalidValue)
		return false
	}
	switch def.Kind {
	case ast.Scalar:
		if g.scalar != notBuiltin && !validBuiltinScalar(g.scalar, v) {
			s.invalidValue(f)
			return false
		}
		s.buf = jsonv.AppendValue(s.buf, v)
		return true
	case ast.Enum:
		str, ok := v.StringValue()
		if !ok || def.EnumValues.ForName(str) == nil {
			s.invalidValue(f)
			return false
		}
		s.buf = append(s.buf, v.Raw()...)
		return true
	case ast.Object, ast.Interface, ast.Union:
		if v.Kind != kindObject || !s.runtimeTypeFits(v, def) {
			s.invalidValue(f)
			return false
		}
		sel, merged := f.SelectionSet, false
		if len(g.fields) > 1 {
			sel, merged = nil, true
			for _, gf := range g.fields {
				sel = append(sel, gf.SelectionSet...)
			}
		}
		return s.object(v, def, sel, false, merged)
	}
	s.addErr(fmt.Sprintf("Invalid output type %s", def.Name), CodeInvalidValue)
	return false
}

// runtimeTypeFits reports whether the __typename a subgraph gave an object
// at an abstract position may stand there: a possible type of it, or the
// name of an interface (an @interfaceObject subgraph answers with the
// interface's name; the concrete type is fetched elsewhere when needed).
// An unknown name, or a type that is not a member (an @inaccessible one, a
// subgraph's corrupt answer), makes the object invalid: it becomes null with
// an error rather than leak or half-render, as Apollo Router does. Objects
// without __typename are left to the selection.
func (s *shaper) runtimeTypeFits(v *value, def *ast.Definition) bool {
	if def.Kind == ast.Object {
		return true
	}
	tn, ok := typenameOf(v)
	if !ok || tn == "" || s.ex.conds.Possible(def.Name, tn) {
		return true
	}
	t := s.ex.sg.API.Types[tn]
	return t != nil && t.Kind == ast.Interface
}

// collected returns the grouped fields of sel for an object, cached for
// selection sets of the document (merged ones are built afresh).
func (s *shaper) collected(sel ast.SelectionSet, concrete string, static *ast.Definition, merged bool) []group {
	if merged || len(sel) == 0 {
		return s.resolve(s.collect(sel, concrete, static.Name))
	}
	k := shapeKey{sel: &sel[0], n: len(sel), static: static}
	if static.Kind != ast.Object {
		k.concrete = concrete
	}
	slot := &s.recent[(uintptr(unsafe.Pointer(k.sel))>>4)%uintptr(len(s.recent))]
	if slot.g != nil && slot.k == k {
		return slot.g
	}
	g, ok := s.groups[k]
	if !ok {
		g = s.shared(k, sel, concrete, static)
		if s.groups == nil {
			s.groups = make(map[shapeKey][]group, 16)
		}
		s.groups[k] = g
	}
	slot.k, slot.g = k, g
	return g
}

// shared returns the groups of a selection set of the (cached) document
// from the executor's cache when they do not depend on the request (no
// @skip/@include met, no deferred fragment), collecting and caching them
// otherwise. The key holds pointers into the document, which the cache
// keeps alive: a pointer never comes to name another selection set. The
// cache is bounded like the per-fetch caches.
func (s *shaper) shared(k shapeKey, sel ast.SelectionSet, concrete string, static *ast.Definition) []group {
	if len(s.deferred) == 0 {
		if v, ok := s.ex.shapes.Load(k); ok {
			return v.([]group)
		}
	}
	s.dynamic = false
	groups := s.collect(sel, concrete, static.Name)
	if s.dynamic || len(s.deferred) > 0 {
		return s.resolveInto(groups, &s.keys)
	}
	var own []byte // the cached groups' member names live apart from this request's
	groups = s.resolveInto(groups, &own)
	if s.ex.shapeCount.Add(1) > maxShapeCache {
		s.ex.shapes.Clear()
		s.ex.shapeCount.Store(1)
	}
	s.ex.shapes.Store(k, groups)
	return groups
}

// resolve sets each group's named type definition, built-in scalar and
// quoted member name.
func (s *shaper) resolve(groups []group) []group {
	return s.resolveInto(groups, &s.keys)
}

// resolveInto is resolve with the quoted names appended to *keys.
func (s *shaper) resolveInto(groups []group, keys *[]byte) []group {
	for i := range groups {
		g := &groups[i]
		if d := g.fields[0].Definition; d != nil && g.fields[0].Name != "__typename" {
			g.def = s.ex.sg.API.Types[d.Type.Name()]
			if g.def != nil && g.def.Kind == ast.Scalar {
				g.scalar = builtinScalar(g.def.Name)
			}
		}
		start := len(*keys)
		*keys = append(jsonv.AppendString(*keys, g.key), ':')
		g.quoted = (*keys)[start:len(*keys):len(*keys)]
	}
	return groups
}

// collect is the spec's CollectFields (schema.CollectFields) of sel for an
// object of type concrete (or, when that is unknown, static): @skip/@include
// evaluated, deferred fragments left out.
func (s *shaper) collect(sel ast.SelectionSet, concrete, static string) []group {
	s.filter = shapeFilter{s: s, concrete: concrete, static: static}
	var frags ast.FragmentDefinitionList
	if s.req.Document != nil {
		frags = s.req.Document.Fragments
	}
	if s.scratch == nil {
		s.scratch = make([]schema.FieldGroup, 0, 16) // grown at most once or twice per response
	}
	s.scratch = schema.CollectFields(&s.filter, frags, s.scratch[:0], sel)
	groups := make([]group, len(s.scratch))
	for i, fg := range s.scratch {
		groups[i] = group{key: fg.Key, fields: fg.Fields}
	}
	return groups
}

// shapeFilter is the shaper's schema.FieldFilter for one collection.
type shapeFilter struct {
	s                *shaper
	concrete, static string
}

func (f *shapeFilter) Include(_ ast.Selection, dirs ast.DirectiveList) bool {
	return len(dirs) == 0 || (f.s.included(dirs) && !f.s.isDeferred(dirs))
}

func (f *shapeFilter) Applies(cond string) bool { return f.s.applies(cond, f.concrete, f.static) }

// applies reports whether a fragment on cond applies to an object of type
// concrete, or, when that is unknown (""), whether cond is the static type.
func (s *shaper) applies(cond, concrete, static string) bool {
	if cond == "" || cond == static {
		return true
	}
	if concrete == "" {
		return false
	}
	// The client's fragments: by the API schema's possible types.
	return s.ex.conds.Satisfies(concrete, cond)
}

// isDeferred reports whether a fragment with these directives is delivered
// in a later payload of this response.
func (s *shaper) isDeferred(dirs ast.DirectiveList) bool {
	if len(s.deferred) == 0 {
		return false
	}
	d := dirs.ForName("defer")
	return d != nil && d.Position != nil && s.deferred[d.Position.Start]
}

// included evaluates @skip and @include (schema.Included; a validated
// document has no unreadable if).
func (s *shaper) included(dirs ast.DirectiveList) bool {
	if len(dirs) == 0 {
		return true
	}
	s.dynamic = true // conservatively: any directive makes the collection the request's own
	ok, _ := schema.Included(dirs, s.req.Variables)
	return ok
}
