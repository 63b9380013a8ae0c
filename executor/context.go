package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// Contextual arguments (planner.ContextArgument): an entity fetch whose
// fields take arguments from enclosing objects. For each object at the
// Flatten path the values are read from its enclosing object at
// Flatten.Path[:Level] (found again from the root along the object's own
// response path) and appended to its representation's key after a NUL
// (which never appears in JSON text), one NUL before each value; objects
// whose representation and values are equal are one key. The call groups
// its keys by their values, in order of first appearance, and sends one
// request: with one set of values, the fetch's Operation with
// $representations and the values as $__junction_ctx_<i>; with several,
// ContextOperation(n), set k's representations in $__junction_reps_<k>
// and its values in $__junction_ctx_<i>_<k>, answered under the alias _<k>.
// The answer is put back in key order, error paths renamed to _entities
// and the key's index, so the Flatten merges it as any other. The entity
// cache is not used for these fetches (an entity's answer depends on its
// context values).

// appendContext appends to a representation key the context values of the
// object at steps (a target of a Flatten at path below root). ok is false
// when a non-null argument has no value (its enclosing object's field is
// null, its fetch having failed): the object is not sent, as one missing a
// key field is not, and its field answers null.
func (e *Executor) appendContext(buf []byte, root *value, path []string, steps []int32, f *planner.Fetch) ([]byte, bool) {
	for _, c := range f.Context {
		buf = append(buf, 0)
		start := len(buf)
		found := false
		for _, src := range c.From {
			anc := ancestor(root, path, steps, src.Level)
			if anc == nil || anc.Kind != kindObject {
				continue
			}
			if out, ok := e.appendContextValue(buf, anc, src.Selection); ok {
				buf, found = out, true
				break
			}
		}
		if !found {
			buf = append(buf, "null"...)
		}
		if strings.HasSuffix(c.Type, "!") && string(buf[start:]) == "null" {
			return buf, false
		}
	}
	return buf, true
}

// ancestor returns the object at path[:level] on the way from root to the
// object whose response path is steps (see target), or nil.
func ancestor(root *value, path []string, steps []int32, level int) *value {
	v := root
	for _, s := range steps {
		if v.IsNull() {
			return nil
		}
		if s < 0 {
			i := int(-s - 1)
			if i >= level {
				return v
			}
			if v.Kind != kindObject {
				return nil
			}
			v = v.Get(path[i])
			continue
		}
		if v.Kind != kindList || int(s) >= v.Len() {
			return nil
		}
		v = v.Items()[s]
	}
	return nil
}

// appendContextValue writes the value sel selects on obj: the first field
// (or the first fragment that applies to obj's type); false when none.
func (e *Executor) appendContextValue(buf []byte, obj *value, sel ast.SelectionSet) ([]byte, bool) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			return e.appendContextField(buf, obj.Get(key), s.SelectionSet), true
		case *ast.InlineFragment:
			tn, _ := typenameOf(obj)
			if s.TypeCondition == "" || e.typeApplies(s.TypeCondition, tn) {
				if out, ok := e.appendContextValue(buf, obj, s.SelectionSet); ok {
					return out, true
				}
			}
		}
	}
	return buf, false
}

// appendContextField writes a selected field's value: a leaf as it is,
// lists item by item, an object through its sub-selection.
func (e *Executor) appendContextField(buf []byte, v *value, sub ast.SelectionSet) []byte {
	switch {
	case v.IsNull():
		return append(buf, "null"...)
	case v.Kind == kindList:
		buf = append(buf, '[')
		for i, it := range v.Items() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = e.appendContextField(buf, it, sub)
		}
		return append(buf, ']')
	case len(sub) == 0:
		return jsonv.AppendValue(buf, v)
	case v.Kind == kindObject:
		if out, ok := e.appendContextValue(buf, v, sub); ok {
			return out
		}
	}
	return append(buf, "null"...)
}

// contextSet is the keys of one call that share their context values.
type contextSet struct {
	values string // the keys' common suffix (NUL-separated values)
	at     []int  // indexes in the call's keys
}

// contextSets groups keys by their context values, in order of first
// appearance; reps are the keys without them.
func contextSets(ks []string) (sets []*contextSet, reps []string) {
	reps = make([]string, len(ks))
	idx := map[string]int{}
	for i, k := range ks {
		j := strings.IndexByte(k, 0)
		if j < 0 {
			j = len(k)
		}
		reps[i] = k[:j]
		vals := k[j:]
		n, ok := idx[vals]
		if !ok {
			n = len(sets)
			idx[vals] = n
			sets = append(sets, &contextSet{values: vals})
		}
		sets[n].at = append(sets[n].at, i)
	}
	return sets, reps
}

// contextBody builds the request body of a contextual fetch for sets.
func (r *run) contextBody(f *planner.Fetch, sets []*contextSet, reps []string) ([]byte, error) {
	buf := append([]byte(nil), `{"query":`...)
	buf = jsonv.AppendString(buf, f.ContextOperation(len(sets)))
	if f.OperationName != "" {
		buf = append(buf, `,"operationName":`...)
		buf = jsonv.AppendString(buf, f.OperationName)
	}
	buf = append(buf, `,"variables":{`...)
	for k, s := range sets {
		if k > 0 {
			buf = append(buf, ',')
		}
		suffix := ""
		name := "representations"
		if len(sets) > 1 {
			suffix = "_" + strconv.Itoa(k)
			name = "__junction_reps" + suffix
		}
		buf = jsonv.AppendString(buf, name)
		buf = append(buf, `:[`...)
		for j, i := range s.at {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, reps[i]...)
		}
		buf = append(buf, ']')
		vals := strings.Split(s.values, "\x00")[1:]
		if len(vals) != len(f.Context) {
			return nil, fmt.Errorf("%w: %d context values for %d context variables", errMalformed, len(vals), len(f.Context))
		}
		for i, c := range f.Context {
			buf = append(buf, ',')
			buf = jsonv.AppendString(buf, c.Variable+suffix)
			buf = append(buf, ':')
			buf = append(buf, vals[i]...)
		}
	}
	for _, name := range f.Variables {
		v, ok := r.req.Variables[name]
		if !ok {
			continue
		}
		buf = append(buf, ',')
		buf = jsonv.AppendString(buf, name)
		buf = append(buf, ':')
		var err error
		if buf, err = appendAny(buf, v); err != nil {
			return nil, err
		}
	}
	return append(buf, '}', '}'), nil
}

// loadContextEntities is loadEntities for a fetch with context variables.
func (r *run) loadContextEntities(ctx context.Context, f *planner.Fetch, ks []string, b *entityBatch) []*value {
	out := make([]*value, len(ks))
	sets, reps := contextSets(ks)
	body, err := r.contextBody(f, sets, reps)
	if err != nil {
		b.err = err
		return out
	}
	data := r.callEntities(ctx, f, body, b)
	if data == nil && b.err != nil {
		return out
	}
	ok := true
	for k, s := range sets {
		alias := "_entities"
		if len(sets) > 1 {
			alias = "_" + strconv.Itoa(k)
		}
		items, setOK, err := entityList(data, alias, len(s.at), len(b.errs) > 0)
		if err != nil {
			b.err = err
			return out
		}
		ok = ok && setOK
		for j, e := range items {
			out[s.at[j]] = e
		}
	}
	b.ok = ok
	if len(sets) > 1 {
		for i := range b.errs {
			b.errs[i].Path = contextErrorPath(b.errs[i].Path, sets)
		}
	}
	return out
}

// contextErrorPath renames an error path under the alias _<k> to
// _entities and the key's index in the call.
func contextErrorPath(p []json.RawMessage, sets []*contextSet) []json.RawMessage {
	if len(p) < 2 {
		return p
	}
	var alias string
	var j int
	if json.Unmarshal(p[0], &alias) != nil || json.Unmarshal(p[1], &j) != nil || !strings.HasPrefix(alias, "_") {
		return p
	}
	k, err := strconv.Atoi(alias[1:])
	if err != nil || k < 0 || k >= len(sets) || j < 0 || j >= len(sets[k].at) {
		return p
	}
	out := append([]json.RawMessage{json.RawMessage(`"_entities"`), json.RawMessage(strconv.Itoa(sets[k].at[j]))}, p[2:]...)
	return out
}
