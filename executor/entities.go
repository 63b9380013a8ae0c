package executor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// target is one object found at a Flatten path, with its response path.
type target struct {
	obj  *value
	path ast.Path
}

// entityBatch is what the batch function of one Flatten learned.
type entityBatch struct {
	err  error
	errs []subgraphError
	// ok: _entities was a list of the right length.
	ok bool
}

// flatten runs an entity fetch on every object at fl.Path: collect,
// build and dedupe representations, one _entities call through a
// dataloader sized to dispatch at once, merge back by index.
func (r *run) flatten(ctx context.Context, fl *planner.Flatten, sink *errSink) {
	f, ok := fl.Node.(*planner.Fetch)
	if !ok {
		r.node(ctx, fl.Node, sink)
		return
	}
	r.mu.Lock()
	targets := collect(r.root, fl.Path)
	keys := make([]string, 0, len(targets))
	owners := make([][]int, 0, len(targets))
	index := make(map[string]int, len(targets))
	var buf []byte
	for ti, t := range targets {
		var ok bool
		buf, ok = r.representation(t.obj, f, buf[:0])
		if !ok {
			continue
		}
		if i, dup := index[string(buf)]; dup {
			owners[i] = append(owners[i], ti)
			continue
		}
		k := string(buf)
		index[k] = len(keys)
		keys = append(keys, k)
		owners = append(owners, []int{ti})
	}
	r.mu.Unlock()
	if len(keys) == 0 {
		return
	}

	var batch entityBatch
	loader := dataloader.NewBatchedLoader(
		func(ctx context.Context, ks []string) []*dataloader.Result[*value] {
			return r.entityCall(ctx, f, ks, &batch)
		},
		dataloader.WithBatchCapacity[string, *value](len(keys)),
		dataloader.WithInputCapacity[string, *value](len(keys)),
		dataloader.WithWait[string, *value](time.Second),
		dataloader.WithCache[string, *value](&dataloader.NoCache[string, *value]{}),
	)
	thunks := make([]dataloader.Thunk[*value], len(keys))
	for i, k := range keys {
		thunks[i] = loader.Load(ctx, k)
	}
	entities := make([]*value, len(keys))
	for i, th := range thunks {
		entities[i], _ = th()
	}

	prefix := flattenPrefix(fl.Path)
	if batch.err != nil {
		sink.add(fetchFailure(f.Service, batch.err, prefix))
		for _, t := range targets {
			sink.cover(t.path)
		}
		return
	}
	for i := range batch.errs {
		se := &batch.errs[i]
		p := decodePath(se.Path)
		if len(p) >= 2 && p[0] == ast.PathName("_entities") {
			if idx, isIdx := p[1].(ast.PathIndex); isIdx && int(idx) >= 0 && int(idx) < len(owners) {
				for _, ti := range owners[idx] {
					tp := targets[ti].path
					full := make(ast.Path, 0, len(tp)+len(p)-2)
					full = append(append(full, tp...), p[2:]...)
					sink.add(toClientError(f.Service, se, full))
				}
				continue
			}
		}
		sink.add(toClientError(f.Service, se, prefix))
	}
	if !batch.ok {
		for _, t := range targets {
			sink.cover(t.path)
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, ent := range entities {
		if ent == nil || ent.kind != kindObject {
			continue
		}
		for _, rw := range f.OutputRewrites {
			r.ex.rewrite(ent, rw.Path, rw)
		}
		for _, ti := range owners[i] {
			mergeInto(targets[ti].obj, ent)
		}
	}
}

// entityCall is the batch function: one _entities request for ks.
func (r *run) entityCall(ctx context.Context, f *planner.Fetch, ks []string, b *entityBatch) []*dataloader.Result[*value] {
	out := make([]*dataloader.Result[*value], len(ks))
	results := make([]dataloader.Result[*value], len(ks))
	for i := range out {
		out[i] = &results[i]
	}
	body, err := r.body(f, ks)
	if err != nil {
		b.err = err
		return out
	}
	data, errs, err := r.call(ctx, f, body)
	if err != nil {
		b.err = err
		return out
	}
	b.errs = errs
	ents := data.get("_entities")
	switch {
	case ents != nil && ents.kind == kindList && len(ents.items) == len(ks):
		b.ok = true
		for i, it := range ents.items {
			results[i].Data = it
		}
	case ents.isNull() && len(errs) > 0:
		// The fetch failed as a whole; its errors say why.
	default:
		b.err = fmt.Errorf("%w: _entities has %d items for %d representations", errMalformed, lenItems(ents), len(ks))
	}
	return out
}

func lenItems(v *value) int {
	if v == nil || v.kind != kindList {
		return 0
	}
	return len(v.items)
}

// flattenPrefix is the client path of a Flatten up to its first list step:
// the nearest real response path covering every object it fetches for.
func flattenPrefix(path []string) ast.Path {
	p := make(ast.Path, 0, len(path))
	for _, el := range path {
		if el == "@" || strings.HasPrefix(el, "... on ") {
			break
		}
		p = append(p, ast.PathName(el))
	}
	return p
}

// collector finds every object at a Flatten path below a value ("@" steps
// into a list; nulls are skipped; a list met without "@" is stepped into
// as well). Paths of the targets share one arena; names are boxed once.
type collector struct {
	path  []string
	names []ast.PathElement // path[i] boxed as ast.PathName
	cur   ast.Path
	arena ast.Path
	out   []target
}

func collect(root *value, path []string) []target {
	c := &collector{path: path, names: make([]ast.PathElement, len(path)), cur: make(ast.Path, 0, 8)}
	for i, el := range path {
		c.names[i] = ast.PathName(el)
	}
	c.walk(root, 0)
	return c.out
}

func (c *collector) walk(v *value, i int) {
	if v.isNull() {
		return
	}
	if v.kind == kindList {
		next := i
		if next < len(c.path) && c.path[next] == "@" {
			next++
		}
		for j, it := range v.items {
			c.cur = append(c.cur, ast.PathIndex(j))
			c.walk(it, next)
			c.cur = c.cur[:len(c.cur)-1]
		}
		return
	}
	if i == len(c.path) {
		if v.kind == kindObject {
			c.arena = append(c.arena, c.cur...)
			n := len(c.arena)
			c.out = append(c.out, target{obj: v, path: c.arena[n-len(c.cur) : n : n]})
		}
		return
	}
	el := c.path[i]
	if el == "@" {
		c.walk(v, i+1)
		return
	}
	if cond, ok := strings.CutPrefix(el, "... on "); ok {
		if tn, _ := v.get("__typename").stringValue(); tn == cond {
			c.walk(v, i+1)
		}
		return
	}
	if v.kind != kindObject {
		return
	}
	c.cur = append(c.cur, c.names[i])
	c.walk(v.get(el), i+1)
	c.cur = c.cur[:len(c.cur)-1]
}

// representation writes the representation of obj for fetch f into buf.
// ok is false when obj has no matching fragment or lacks a key field.
func (r *run) representation(obj *value, f *planner.Fetch, buf []byte) ([]byte, bool) {
	tn, _ := obj.get("__typename").stringValue()
	var sel ast.SelectionSet
	for _, s := range f.Requires {
		switch s := s.(type) {
		case *ast.InlineFragment:
			if sel == nil && r.ex.typeApplies(s.TypeCondition, tn) {
				sel = s.SelectionSet
			}
		case *ast.Field:
			sel = f.Requires
		}
	}
	if sel == nil {
		return buf, false
	}
	rep := &value{kind: kindObject, fields: make([]field, 0, len(sel))}
	keys := r.ex.keyFields[tn+"\x00"+f.Service]
	if !r.ex.buildSelection(obj, sel, rep, keys, true) {
		return buf, false
	}
	for _, rw := range f.InputRewrites {
		r.ex.rewrite(rep, rw.Path, rw)
	}
	return appendValue(buf, rep), true
}

// typeApplies reports whether a fragment on cond applies to an object of
// concrete type tn.
func (e *Executor) typeApplies(cond, tn string) bool {
	if cond == "" || cond == tn {
		return true
	}
	return tn != "" && e.possible[cond][tn]
}

// buildSelection copies the fields of sel from src into dst, keyed by field
// name and read by response key. A missing field fails; a null key field at
// the top fails (keys nil: every top-level field counts as a key).
func (e *Executor) buildSelection(src *value, sel ast.SelectionSet, dst *value, keys map[string]bool, top bool) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			rk := s.Alias
			if rk == "" {
				rk = s.Name
			}
			v := src.get(rk)
			if v == nil {
				return false
			}
			if v.kind == kindNull {
				if top && (keys == nil || keys[s.Name]) {
					return false
				}
				dst.fields = append(dst.fields, field{key: s.Name, val: nullValue})
				continue
			}
			if len(s.SelectionSet) == 0 {
				dst.fields = append(dst.fields, field{key: s.Name, val: v})
				continue
			}
			c, ok := e.buildNested(v, s.SelectionSet)
			if !ok {
				return false
			}
			dst.fields = append(dst.fields, field{key: s.Name, val: c})
		case *ast.InlineFragment:
			tn, _ := src.get("__typename").stringValue()
			if e.typeApplies(s.TypeCondition, tn) && !e.buildSelection(src, s.SelectionSet, dst, nil, false) {
				return false
			}
		}
	}
	return true
}

func (e *Executor) buildNested(v *value, sel ast.SelectionSet) (*value, bool) {
	switch v.kind {
	case kindNull:
		return nullValue, true
	case kindList:
		out := &value{kind: kindList, items: make([]*value, len(v.items))}
		for i, it := range v.items {
			c, ok := e.buildNested(it, sel)
			if !ok {
				return nil, false
			}
			out.items[i] = c
		}
		return out, true
	case kindObject:
		out := &value{kind: kindObject}
		if !e.buildSelection(v, sel, out, nil, false) {
			return nil, false
		}
		return out, true
	}
	return nil, false
}

// rewrite applies one input/output rewrite to v (lists are stepped into).
func (e *Executor) rewrite(v *value, path []string, rw planner.Rewrite) {
	if v == nil {
		return
	}
	if v.kind == kindList {
		for _, it := range v.items {
			e.rewrite(it, path, rw)
		}
		return
	}
	if len(path) == 0 || v.kind != kindObject {
		return
	}
	el := path[0]
	if cond, ok := strings.CutPrefix(el, "... on "); ok {
		tn, _ := v.get("__typename").stringValue()
		if e.typeApplies(cond, tn) {
			e.rewrite(v, path[1:], rw)
		}
		return
	}
	if len(path) > 1 {
		e.rewrite(v.get(el), path[1:], rw)
		return
	}
	if rw.RenameKeyTo != "" {
		for i := range v.fields {
			if v.fields[i].key == el {
				v.fields[i].key = rw.RenameKeyTo
			}
		}
		return
	}
	v.set(el, &value{kind: kindScalar, raw: appendString(nil, rw.SetValueTo)})
}

// mergeInto deep-merges src into dst (both objects): objects merge field by
// field, lists of equal length merge item by item, a null never replaces a
// value, anything else is replaced.
func mergeInto(dst, src *value) {
	for _, f := range src.fields {
		i := -1
		for j := range dst.fields {
			if dst.fields[j].key == f.key {
				i = j
				break
			}
		}
		if i < 0 {
			dst.fields = append(dst.fields, f)
			continue
		}
		dst.fields[i].val = mergeValue(dst.fields[i].val, f.val)
	}
}

func mergeValue(d, s *value) *value {
	switch {
	case s.isNull():
		if d == nil {
			return nullValue
		}
		return d
	case d.isNull():
		return s
	case d.kind == kindObject && s.kind == kindObject:
		mergeInto(d, s)
		return d
	case d.kind == kindList && s.kind == kindList && len(d.items) == len(s.items):
		for i := range d.items {
			d.items[i] = mergeValue(d.items[i], s.items[i])
		}
		return d
	}
	return s
}
