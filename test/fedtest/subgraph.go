package fedtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Resolver answers a root field from its arguments.
type Resolver func(args map[string]any) (any, error)

// FieldResolver answers a field of an object.
type FieldResolver func(parent map[string]any, args map[string]any) (any, error)

// Subgraph is one test subgraph.
type Subgraph struct {
	Name string
	// SDL is returned by _service { sdl }.
	SDL string
	// Schema, when set, is the subgraph's SDL (Fed 1 or Fed 2): every
	// operation is validated against it (federation directives, _entities
	// and _service added) and rejected with the validation errors, as a
	// real subgraph server would.
	Schema string
	// Query and Mutation resolve root fields by name.
	Query    map[string]Resolver
	Mutation map[string]Resolver
	// Entities resolves one representation of _entities; return nil for a
	// null entity.
	Entities func(rep map[string]any) (any, error)
	// Fields resolves "Type.field"; otherwise the field is read from the map.
	Fields map[string]FieldResolver
	// Supertypes maps an object type to the interfaces and unions it belongs
	// to, for type conditions on abstract types.
	Supertypes map[string][]string
	// Intercept, when set, sees every request first (after it is
	// recorded); returning true means it has answered. Tests of failing
	// subgraphs use it: error statuses, bodies that are not JSON, slow
	// answers, dropped connections.
	Intercept func(w http.ResponseWriter, r *http.Request, req Request) bool

	mu       sync.Mutex
	requests []Request
	loaded   schemaCache
}

// Request is one request the subgraph received.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	Header        http.Header    `json:"-"`
}

// Requests returns the requests received so far.
func (s *Subgraph) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Subgraph) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// Start serves the subgraph on loopback until the test ends.
func (s *Subgraph) Start(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// ServeHTTP executes one GraphQL POST.
func (s *Subgraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req Request
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json: "+err.Error(), http.StatusBadRequest)
		return
	}
	req.Header = r.Header.Clone()
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if s.Intercept != nil && s.Intercept(w, r, req) {
		return
	}
	if jitter > 0 {
		time.Sleep(time.Duration(rand.Int64N(int64(jitter))))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.Execute(req.Query, req.OperationName, req.Variables))
}

// jitter, from FEDTEST_JITTER_MS, delays every answer by a random time
// below it, so that a suite run with it set checks that answers do not
// depend on which subgraph answers first (the executor starts each fetch as
// soon as what it depends on is done; a missing dependency shows up as a
// wrong answer under jitter).
var jitter = func() time.Duration {
	ms, err := strconv.Atoi(os.Getenv("FEDTEST_JITTER_MS"))
	if err != nil || ms <= 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}()

// Execute runs one operation and returns the GraphQL response JSON.
func (s *Subgraph) Execute(query, opName string, vars map[string]any) []byte {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return errorsOnly(err.Error())
	}
	if msgs := s.validate(doc); len(msgs) > 0 {
		return errorsOnly(msgs...)
	}
	var op *ast.OperationDefinition
	for _, o := range doc.Operations {
		if opName == "" || o.Name == opName {
			op = o
			break
		}
	}
	if op == nil {
		return errorsOnly("no operation " + opName)
	}
	ex := &execution{sg: s, doc: doc, vars: vars}
	roots := s.Query
	typename := "Query"
	if op.Operation == ast.Mutation {
		roots, typename = s.Mutation, "Mutation"
	}
	root := map[string]any{"__typename": typename}
	var buf bytes.Buffer
	buf.WriteString(`{"data":`)
	ex.object(&buf, root, op.SelectionSet, nil, &rootFields{roots})
	if len(ex.errors) > 0 {
		raw, _ := json.Marshal(ex.errors)
		buf.WriteString(`,"errors":`)
		buf.Write(raw)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func errorsOnly(msgs ...string) []byte {
	errs := make([]any, 0, len(msgs))
	for _, m := range msgs {
		errs = append(errs, map[string]any{"message": m})
	}
	raw, _ := json.Marshal(map[string]any{"errors": errs})
	return raw
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Error is a resolver error with extensions.
type Error struct {
	Message    string
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

type execution struct {
	sg     *Subgraph
	doc    *ast.QueryDocument
	vars   map[string]any
	errors []gqlError
}

func (ex *execution) fail(path []any, err error) {
	e := gqlError{Message: err.Error(), Path: append([]any(nil), path...)}
	if fe, ok := err.(*Error); ok {
		e.Extensions = fe.Extensions
	}
	ex.errors = append(ex.errors, e)
}

type field struct {
	key string
	f   *ast.Field
	sel ast.SelectionSet // merged sub-selections
}

// collect flattens a selection set for an object of typename, in order,
// merging fields with the same response key.
func (ex *execution) collect(typename string, ss ast.SelectionSet, out []*field) []*field {
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if !ex.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			merged := false
			for _, f := range out {
				if f.key == key {
					f.sel = append(append(ast.SelectionSet{}, f.sel...), s.SelectionSet...)
					merged = true
					break
				}
			}
			if !merged {
				out = append(out, &field{key: key, f: s, sel: s.SelectionSet})
			}
		case *ast.InlineFragment:
			if ex.included(s.Directives) && ex.matches(typename, s.TypeCondition) {
				out = ex.collect(typename, s.SelectionSet, out)
			}
		case *ast.FragmentSpread:
			fr := ex.doc.Fragments.ForName(s.Name)
			if fr != nil && ex.included(s.Directives) && ex.matches(typename, fr.TypeCondition) {
				out = ex.collect(typename, fr.SelectionSet, out)
			}
		}
	}
	return out
}

func (ex *execution) matches(typename, cond string) bool {
	if cond == "" || cond == typename {
		return true
	}
	for _, st := range ex.sg.Supertypes[typename] {
		if st == cond {
			return true
		}
	}
	return false
}

func (ex *execution) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, _ := d.Arguments.ForName("if").Value.Value(ex.vars)
		b, _ := v.(bool)
		if (d.Name == "skip") == b {
			return false
		}
	}
	return true
}

func (ex *execution) args(f *ast.Field) map[string]any {
	out := map[string]any{}
	for _, a := range f.Arguments {
		v, err := a.Value.Value(ex.vars)
		if err == nil {
			out[a.Name] = v
		}
	}
	return out
}

// object writes obj's selection. roots, when set, resolves the fields of a root type.
// rootFields marks the root object and holds its resolvers.
type rootFields struct{ m map[string]Resolver }

func (ex *execution) object(buf *bytes.Buffer, obj map[string]any, ss ast.SelectionSet, path []any, roots *rootFields) {
	typename, _ := obj["__typename"].(string)
	buf.WriteByte('{')
	for i, f := range ex.collect(typename, ss, nil) {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(f.key)
		buf.Write(kb)
		buf.WriteByte(':')
		fpath := append(path, f.key)
		val, err := ex.resolve(obj, typename, f.f, roots)
		if err != nil {
			ex.fail(fpath, err)
			buf.WriteString("null")
			continue
		}
		ex.value(buf, val, f.sel, fpath)
	}
	buf.WriteByte('}')
}

func (ex *execution) resolve(obj map[string]any, typename string, f *ast.Field, roots *rootFields) (any, error) {
	switch f.Name {
	case "__typename":
		return typename, nil
	case "_service":
		return map[string]any{"__typename": "_Service", "sdl": ex.sg.SDL}, nil
	case "_entities":
		if roots == nil {
			break
		}
		reps, _ := ex.args(f)["representations"].([]any)
		out := make([]any, len(reps))
		for i, r := range reps {
			rep, _ := r.(map[string]any)
			if ex.sg.Entities == nil {
				return nil, fmt.Errorf("subgraph %s resolves no entities", ex.sg.Name)
			}
			v, err := ex.sg.Entities(rep)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	if roots != nil {
		if r, ok := roots.m[f.Name]; ok {
			return r(ex.args(f))
		}
	}
	if fr, ok := ex.sg.Fields[typename+"."+f.Name]; ok {
		return fr(obj, ex.args(f))
	}
	return obj[f.Name], nil
}

func (ex *execution) value(buf *bytes.Buffer, v any, sel ast.SelectionSet, path []any) {
	switch v := v.(type) {
	case nil:
		buf.WriteString("null")
	case map[string]any:
		if len(sel) == 0 {
			raw, _ := json.Marshal(v)
			buf.Write(raw)
			return
		}
		ex.object(buf, v, sel, path, nil)
	case []any:
		buf.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			ex.value(buf, item, sel, append(path, i))
		}
		buf.WriteByte(']')
	case []map[string]any:
		items := make([]any, len(v))
		for i := range v {
			items[i] = v[i]
		}
		ex.value(buf, items, sel, path)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			buf.WriteString("null")
			return
		}
		buf.Write(raw)
	}
}
