package executor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
)

// target is one object found at a Flatten path. Its response path is kept
// compact (see collector) and boxed into an ast.Path only for errors.
type target struct {
	obj   *value
	steps []int32
}

// entityBatch is what the one _entities call of a Flatten learned.
type entityBatch struct {
	err  error
	errs []subgraphError
	// ok: _entities was a list of the right length.
	ok bool
}

// flatten runs an entity fetch on every object at fl.Path: collect,
// build and dedupe representations, one _entities call (loadEntities),
// merge back by index. A Flatten in a round (planner.Round) shares that
// call with the round's other members through the round's dataloader
// (joinRound, loader.go): its representations are deduplicated with theirs, and what
// concerns the call as a whole (a failure, an error naming no entity) is
// reported once, by member 0.
func (r *run) flatten(ctx context.Context, fl *planner.Flatten, sink *errSink) {
	f, ok := fl.Node.(*planner.Fetch)
	if !ok {
		r.node(ctx, fl.Node, sink)
		return
	}
	rd, member := fl.Round()
	joined := false
	if rd != nil {
		// The round's other members wait for this one: it is queued
		// whatever happens, and a panic of its own ends here (reported as
		// the branch would) so that the steps after it in its branch,
		// members of later rounds, still run.
		defer func() {
			if p := recover(); p != nil {
				sink.add(internalError(fmt.Sprintf("executor: internal error: %v", p)))
			}
			if !joined {
				r.joinRound(ctx, rd, member, f, nil, false)
			}
		}()
	}
	r.mu.Lock()
	locked := true
	defer func() {
		if locked { // a panic while collecting
			r.mu.Unlock()
		}
	}()
	c, targets := collectPooled(r.root, fl.Path)
	defer c.release()
	keys := c.keys[:0]
	// repOf[ti] is the index in keys of target ti's representation, or -1.
	repOf := slices.Grow(c.repOf[:0], len(targets))[:len(targets)]
	index, seen := c.index, c.seen
	var (
		buf = c.buf[:0]
		rb  repBuilder
	)
	defer func() { c.keys, c.repOf, c.buf = keys, repOf, buf }()
	for ti, t := range targets {
		repOf[ti] = -1
		// The same object can be reached twice (an entity merged into two
		// owners shares its subtree): its representation is the same.
		if i, ok := seen[t.obj]; ok {
			repOf[ti] = i
			continue
		}
		var ok bool
		buf, ok = rb.representation(r.ex, t.obj, f, buf[:0])
		if !ok {
			seen[t.obj] = -1
			continue
		}
		if len(f.Context) > 0 {
			if buf, ok = r.ex.appendContext(buf, r.root, fl.Path, t.steps, f); !ok { // context.go
				seen[t.obj] = -1
				continue
			}
		}
		i, dup := index[string(buf)]
		if !dup {
			i = int32(len(keys))
			k := string(buf)
			index[k] = i
			keys = append(keys, k)
		}
		repOf[ti] = i
		seen[t.obj] = i
	}
	locked = false
	r.mu.Unlock()

	var (
		batch    *entityBatch
		entities []*value
		// union[i] is the index in the call's representations (and
		// entities) of keys[i]; nil: i itself (a Flatten alone).
		union []int32
		// first: this Flatten reports what concerns the call as a whole
		// (a failure, errors without an entity index): the only one, or
		// the round's member 0.
		first = true
		// prepared: the entities are ready for merging (a round's call
		// prepares them once for all members).
		prepared bool
	)
	if rd != nil {
		call, u, err := r.joinRound(ctx, rd, member, f, keys, true)
		joined = true
		switch {
		case err == errRoundEnded:
			return // the request ended (timeout) before the round's call
		case err != nil:
			batch = &entityBatch{err: err}
		case call != nil:
			batch, entities, union, prepared = &call.batch, call.entities, u, true
		default:
			batch = &entityBatch{}
		}
		first = member == 0
	} else {
		if len(keys) == 0 {
			return
		}
		// Nothing to coalesce: the call goes straight.
		batch = &entityBatch{}
		entities = r.loadEntitiesCached(ctx, f, keys, batch)
	}
	if len(keys) == 0 && !first {
		return
	}
	at := func(i int32) int32 { // index in entities of keys[i]
		if union == nil {
			return i
		}
		return union[i]
	}

	// (flattenPrefix: the path of what concerns the call as a whole, made
	// only when there is such an error.)
	if batch.err != nil {
		if first {
			sink.add(fetchFailure(f.Service, batch.err, flattenPrefix(fl.Path)))
		}
		for _, t := range targets {
			sink.cover(t.path(fl.Path))
		}
		return
	}
	for i := range batch.errs {
		se := &batch.errs[i]
		p := unalias(decodePath(se.Path), f)
		if len(p) >= 2 && p[0] == ast.PathName("_entities") {
			if idx, isIdx := p[1].(ast.PathIndex); isIdx && int(idx) >= 0 && int(idx) < len(entities) {
				for ti, t := range targets {
					if repOf[ti] < 0 || at(repOf[ti]) != int32(idx) {
						continue
					}
					tp := t.path(fl.Path)
					full := make(ast.Path, 0, len(tp)+len(p)-2)
					full = append(append(full, tp...), p[2:]...)
					sink.add(toClientError(f.Service, se, full))
				}
				continue
			}
		}
		if first {
			sink.add(toClientError(f.Service, se, flattenPrefix(fl.Path)))
		}
	}
	if !batch.ok {
		for _, t := range targets {
			sink.cover(t.path(fl.Path))
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !prepared {
		prepareEntities(r.ex, f, entities)
	}
	// Each object is merged once, even when reached by several paths
	// (seen marks the merged ones with -2).
	for ti, t := range targets {
		i := repOf[ti]
		if i < 0 || seen[t.obj] == -2 {
			continue
		}
		seen[t.obj] = -2
		switch ent := entities[at(i)]; {
		case ent != nil && ent.Kind == kindObject:
			r.mergeInto(t.obj, ent)
		case ent != nil && ent.Kind != kindNull:
			// A string or a list where an entity (or null) belongs.
			sink.add(fetchFailure(f.Service, fmt.Errorf("%w: _entities item %d is not an object", errMalformed, at(i)), t.path(fl.Path)))
		}
	}
}

// prepareEntities readies the entities of one _entities answer for
// merging, once per answer (under run.mu): only the fields the fetch
// selected, its output rewrites applied, and an interface's name as
// __typename dropped.
func prepareEntities(ex *Executor, f *planner.Fetch, entities []*value) {
	for _, ent := range entities {
		if ent == nil || ent.Kind != kindObject {
			continue
		}
		keepSelected(f, ent)
		for _, rw := range f.OutputRewrites {
			ex.rewrite(ent, rw.Path, rw)
		}
		// An @interfaceObject subgraph names the interface as __typename;
		// the object already has its own (its representation needed it),
		// possibly the concrete type another subgraph gave: keep that.
		if tn, ok := ent.Get("__typename").StringValue(); ok {
			if d := ex.sg.API.Types[tn]; d != nil && d.Kind == ast.Interface {
				if i := ent.Index("__typename"); i >= 0 {
					fs := ent.Fields()
					ent.SetFields(append(fs[:i:i], fs[i+1:]...))
				}
			}
		}
	}
}

// loadEntities sends one _entities call for ks and decodes the answer:
// entity i is item i of the answer's _entities.
func (r *run) loadEntities(ctx context.Context, f *planner.Fetch, ks []string, b *entityBatch) []*value {
	if len(f.Context) > 0 {
		return r.loadContextEntities(ctx, f, ks, b) // context.go
	}
	out := make([]*value, len(ks))
	body, err := r.body(f, ks)
	if err != nil {
		b.err = err
		return out
	}
	data := r.callEntities(ctx, f, body, b)
	if data == nil && b.err != nil {
		return out
	}
	items, ok, err := entityList(data, "_entities", len(ks), len(b.errs) > 0)
	b.ok, b.err = ok, err
	copy(out, items)
	return out
}

// callEntities sends an _entities body for f and decodes the answer,
// keeping its errors in b; on a failed call b.err says why and the data is
// nil.
func (r *run) callEntities(ctx context.Context, f *planner.Fetch, body []byte, b *entityBatch) *value {
	data, errs, err := r.decode(ctx, f, r.send(ctx, f, body))
	if err != nil {
		b.err = err
		return nil
	}
	b.errs = errs
	return data
}

// entityList reads the list at alias of an _entities answer for n
// representations: its items and ok; not ok and no error when the fetch
// failed as a whole (null, with errors that say why); otherwise a
// malformed-answer error.
func entityList(data *value, alias string, n int, withErrors bool) ([]*value, bool, error) {
	ents := data.Get(alias)
	switch {
	case ents != nil && ents.Kind == kindList && ents.Len() == n:
		return ents.Items(), true, nil
	case ents.IsNull() && withErrors:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("%w: %s has %d items for %d representations", errMalformed, alias, lenItems(ents), n)
}

func lenItems(v *value) int {
	if v == nil || v.Kind != kindList {
		return 0
	}
	return v.Len()
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

// path boxes a target's response path: a step s >= 0 is a list index, a
// step s < 0 is the field named by flatten path element -s-1.
func (t target) path(flat []string) ast.Path {
	p := make(ast.Path, len(t.steps))
	for i, s := range t.steps {
		if s >= 0 {
			p[i] = ast.PathIndex(int(s))
		} else {
			p[i] = ast.PathName(flat[-s-1])
		}
	}
	return p
}

// collector finds every object at a Flatten path below a value ("@" steps
// into a list; nulls are skipped; a list met without "@" is stepped into
// as well). The paths of the targets share one arena of int32 steps
// (pointer-free, so the GC never scans it).
type collector struct {
	path  []string
	cur   []int32
	arena []int32
	out   []target
	// The rest is a Flatten's scratch, kept with the collector for reuse:
	// its representations (keys), which one each target has (repOf), the
	// index of each distinct representation and of each object met, and
	// the buffer representations are written in.
	keys  []string
	repOf []int32
	index map[string]int32
	seen  map[*value]int32
	buf   []byte
}

func collect(root *value, path []string) []target {
	c := &collector{path: path, cur: make([]int32, 0, 2*len(path)+2)}
	c.walk(root, 0)
	return c.out
}

// collectors are reused by Flattens: a request collects a dozen times,
// and growing the target and step slices anew each time was a tenth of
// the bytes it allocated.
var collectors = sync.Pool{New: func() any { return new(collector) }}

// collectPooled is collect with reused slices; the targets are valid until
// c.release.
func collectPooled(root *value, path []string) (*collector, []target) {
	c := collectors.Get().(*collector)
	if c.index == nil {
		c.index, c.seen = map[string]int32{}, map[*value]int32{}
	}
	c.path = path
	c.walk(root, 0)
	return c, c.out
}

// release clears what the targets point at (no dead tree stays reachable
// from the pool) and gives the collector back.
func (c *collector) release() {
	if len(c.index) > 4096 || cap(c.buf) > 64<<10 {
		return // an outsized Flatten: let its scratch go
	}
	clear(c.out)
	clear(c.keys)
	clear(c.index)
	clear(c.seen)
	c.path, c.out, c.arena, c.cur, c.keys = nil, c.out[:0], c.arena[:0], c.cur[:0], c.keys[:0]
	collectors.Put(c)
}

func (c *collector) walk(v *value, i int) {
	if v.IsNull() {
		return
	}
	if v.Kind == kindList {
		next := i
		if next < len(c.path) && c.path[next] == "@" {
			next++
		}
		for j, it := range v.Items() {
			c.cur = append(c.cur, int32(j))
			c.walk(it, next)
			c.cur = c.cur[:len(c.cur)-1]
		}
		return
	}
	if i == len(c.path) {
		if v.Kind == kindObject {
			if c.arena == nil {
				c.arena = make([]int32, 0, 16*len(c.cur))
			}
			c.arena = append(c.arena, c.cur...)
			n := len(c.arena)
			c.out = append(c.out, target{obj: v, steps: c.arena[n-len(c.cur) : n : n]})
		}
		return
	}
	el := c.path[i]
	if el == "@" {
		c.walk(v, i+1)
		return
	}
	if cond, ok := strings.CutPrefix(el, "... on "); ok {
		if tn, _ := typenameOf(v); tn == cond {
			c.walk(v, i+1)
		}
		return
	}
	if v.Kind != kindObject {
		return
	}
	c.cur = append(c.cur, int32(-i-1))
	c.walk(v.Get(el), i+1)
	c.cur = c.cur[:len(c.cur)-1]
}

// repBuilder writes representations; it remembers the key fields of the
// last type it met (a Flatten's objects are nearly always of one type).
type repBuilder struct {
	looked bool
	tn     string
	svc    string
	keys   map[string]bool
}

// representation writes the representation of obj for fetch f into buf.
// ok is false when obj has no matching fragment or lacks a key field.
func (b *repBuilder) representation(e *Executor, obj *value, f *planner.Fetch, buf []byte) ([]byte, bool) {
	tn, _ := typenameOf(obj)
	// Every fragment that applies contributes (an object sent to an
	// @interfaceObject subgraph matches its concrete type's fragment with
	// the key and the interface's fragment with the @requires fields);
	// buildSelection keeps the first value of a repeated field.
	var sel ast.SelectionSet
	matched := 0
	for _, s := range f.Requires {
		switch s := s.(type) {
		case *ast.InlineFragment:
			if e.typeApplies(s.TypeCondition, tn) {
				if matched == 0 {
					sel = s.SelectionSet
				} else {
					sel = append(append(ast.SelectionSet(nil), sel...), s.SelectionSet...)
				}
				matched++
			}
		case *ast.Field:
			sel = f.Requires
			matched = 1
		}
		if _, isField := s.(*ast.Field); isField {
			break
		}
	}
	if sel == nil {
		return buf, false
	}
	if !b.looked || b.tn != tn || b.svc != f.Service {
		b.looked, b.tn, b.svc = true, tn, f.Service
		b.keys = e.keyFields[tn+"\x00"+f.Service] // nil: every top-level field counts
	}
	keys := b.keys
	if len(f.InputRewrites) == 0 && matched <= 1 {
		// Fast path: write the JSON directly, same bytes as below (one
		// fragment: no repeated field to skip).
		mark := len(buf)
		buf = append(buf, '{')
		n := 0
		buf, ok := e.writeSelection(buf, obj, sel, keys, true, &n)
		if !ok {
			return buf[:mark], false
		}
		return append(buf, '}'), true
	}
	rep := &value{Kind: kindObject}
	rep.SetFields(make([]field, 0, len(sel)))
	if !e.buildSelection(obj, sel, rep, keys, true) {
		return buf, false
	}
	for _, rw := range f.InputRewrites {
		e.rewrite(rep, rw.Path, rw)
	}
	return jsonv.AppendValue(buf, rep), true
}

// writeSelection writes, as JSON object members, what buildSelection would
// copy into an object; n counts the members written so far.
func (e *Executor) writeSelection(buf []byte, src *value, sel ast.SelectionSet, keys map[string]bool, top bool, n *int) ([]byte, bool) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			rk := s.Alias
			if rk == "" {
				rk = s.Name
			}
			v := src.Get(rk)
			if v == nil {
				if !nullWhenMissing(s, keys, top) {
					return buf, false
				}
				v = nullValue
			}
			if v.Kind == kindNull && top && (keys == nil || keys[s.Name]) {
				return buf, false
			}
			if *n > 0 {
				buf = append(buf, ',')
			}
			*n++
			buf = jsonv.AppendString(buf, s.Name)
			buf = append(buf, ':')
			if v.Kind == kindNull || len(s.SelectionSet) == 0 {
				buf = jsonv.AppendValue(buf, v)
				continue
			}
			var ok bool
			if buf, ok = e.writeNested(buf, v, s.SelectionSet); !ok {
				return buf, false
			}
		case *ast.InlineFragment:
			tn, _ := typenameOf(src)
			if e.typeApplies(s.TypeCondition, tn) {
				var ok bool
				if buf, ok = e.writeSelection(buf, src, s.SelectionSet, nil, false, n); !ok {
					return buf, false
				}
			}
		}
	}
	return buf, true
}

// nullWhenMissing reports whether a representation field absent from the
// data is sent as null: a nullable field that is not a key (a @requires
// field whose fetch failed), as Apollo does. A missing key or non-null
// field (or one whose definition the plan does not carry) skips the object.
func nullWhenMissing(s *ast.Field, keys map[string]bool, top bool) bool {
	if s.Definition == nil || s.Definition.Type == nil || s.Definition.Type.NonNull {
		return false
	}
	return !top || (keys != nil && !keys[s.Name])
}

// writeNested writes what buildNested would build.
func (e *Executor) writeNested(buf []byte, v *value, sel ast.SelectionSet) ([]byte, bool) {
	switch v.Kind {
	case kindNull:
		return append(buf, "null"...), true
	case kindList:
		buf = append(buf, '[')
		for i, it := range v.Items() {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			if buf, ok = e.writeNested(buf, it, sel); !ok {
				return buf, false
			}
		}
		return append(buf, ']'), true
	case kindObject:
		buf = append(buf, '{')
		n := 0
		buf, ok := e.writeSelection(buf, v, sel, nil, false, &n)
		if !ok {
			return buf, false
		}
		return append(buf, '}'), true
	}
	return buf, false
}

// typeApplies reports whether a fragment on cond in a representation
// applies to an object of concrete type tn, by the supergraph's possible
// types (a runtime type @inaccessible in the API still has its fields
// sent).
func (e *Executor) typeApplies(cond, tn string) bool {
	return e.supConds.Satisfies(tn, cond)
}

// buildSelection copies the fields of sel from src into dst, keyed by field
// name and read by response key. A missing field fails; a null key field at
// the top fails (keys nil: every top-level field counts as a key).
func (e *Executor) buildSelection(src *value, sel ast.SelectionSet, dst *value, keys map[string]bool, top bool) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if dst.Get(s.Name) != nil {
				continue // already taken from an earlier fragment
			}
			rk := s.Alias
			if rk == "" {
				rk = s.Name
			}
			v := src.Get(rk)
			if v == nil {
				if !nullWhenMissing(s, keys, top) {
					return false
				}
				v = nullValue
			}
			if v.Kind == kindNull {
				if top && (keys == nil || keys[s.Name]) {
					return false
				}
				dst.SetFields(append(dst.Fields(), field{Key: s.Name, Val: nullValue}))
				continue
			}
			if len(s.SelectionSet) == 0 {
				dst.SetFields(append(dst.Fields(), field{Key: s.Name, Val: v}))
				continue
			}
			c, ok := e.buildNested(v, s.SelectionSet)
			if !ok {
				return false
			}
			dst.SetFields(append(dst.Fields(), field{Key: s.Name, Val: c}))
		case *ast.InlineFragment:
			tn, _ := typenameOf(src)
			if e.typeApplies(s.TypeCondition, tn) && !e.buildSelection(src, s.SelectionSet, dst, nil, false) {
				return false
			}
		}
	}
	return true
}

func (e *Executor) buildNested(v *value, sel ast.SelectionSet) (*value, bool) {
	switch v.Kind {
	case kindNull:
		return nullValue, true
	case kindList:
		items := make([]*value, v.Len())
		for i, it := range v.Items() {
			c, ok := e.buildNested(it, sel)
			if !ok {
				return nil, false
			}
			items[i] = c
		}
		out := &value{Kind: kindList}
		out.SetItems(items)
		return out, true
	case kindObject:
		out := &value{Kind: kindObject}
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
	if v.Kind == kindList {
		for _, it := range v.Items() {
			e.rewrite(it, path, rw)
		}
		return
	}
	if len(path) == 0 || v.Kind != kindObject {
		return
	}
	el := path[0]
	if cond, ok := strings.CutPrefix(el, "... on "); ok {
		tn, _ := typenameOf(v)
		if e.typeApplies(cond, tn) {
			e.rewrite(v, path[1:], rw)
		}
		return
	}
	if len(path) > 1 {
		e.rewrite(v.Get(el), path[1:], rw)
		return
	}
	if rw.RenameKeyTo != "" {
		fs := v.Fields()
		for i := range fs {
			if fs[i].Key == el {
				fs[i].Key = rw.RenameKeyTo
			}
		}
		return
	}
	v.Set(el, jsonv.NewScalar(jsonv.AppendString(nil, rw.SetValueTo)))
}

// mergeInto deep-merges src into dst (both objects): objects merge field by
// field, lists of equal length merge item by item, a null never replaces a
// value, anything else is replaced, except that a concrete __typename is
// never replaced by the name of an interface it implements: an
// @interfaceObject subgraph answers with the interface's name, also for
// objects whose concrete type an earlier fetch already resolved.
func (r *run) mergeInto(dst, src *value) {
	e := r.ex
	sfs := src.Fields()
	for k, f := range sfs {
		i := dst.Index(f.Key)
		if i >= 0 {
			dfs := dst.Fields()
			if (f.Key == "__typename" || f.Key == typenameAlias) && e.keepTypename(dfs[i].Val, f.Val) {
				continue
			}
			dfs[i].Val = r.mergeValue(dfs[i].Val, f.Val)
			continue
		}
		dfs := dst.Fields()
		if len(dfs) == cap(dfs) {
			// Grow once for every key still to come rather than by
			// append doubling (parsed objects have no spare capacity).
			grown := r.growFields(len(dfs) + len(sfs) - k)[:len(dfs)]
			copy(grown, dfs)
			dfs = grown
		}
		dst.SetFields(append(dfs, f))
	}
}

// growFields returns an empty field slice of capacity n for a merged
// object, from the run's pooled merge slabs (given back with the tree).
// Callers hold r.mu.
func (r *run) growFields(n int) []field {
	if n > jsonv.FieldChunk {
		return make([]field, 0, n)
	}
	if len(r.mfields) < n {
		r.mfields = r.marena.Fields(len(r.mfields), false)
	}
	out := r.mfields[:0:n]
	r.mfields = r.mfields[n:]
	return out
}

// keepTypename reports whether d names a concrete type that implements the
// interface s names.
func (e *Executor) keepTypename(d, s *value) bool {
	dn, ok := d.StringValue()
	if !ok {
		return false
	}
	sn, ok := s.StringValue()
	return ok && dn != sn && e.conds.Possible(sn, dn)
}

func (r *run) mergeValue(d, s *value) *value {
	switch {
	case d == s:
		return d // a shared subtree merged into itself: nothing to do
	case s.IsNull():
		if d == nil {
			return nullValue
		}
		return d
	case d.IsNull():
		return s
	case d.Kind == kindObject && s.Kind == kindObject:
		r.mergeInto(d, s)
		return d
	case d.Kind == kindList && s.Kind == kindList && d.Len() == s.Len():
		dis, sis := d.Items(), s.Items()
		for i := range dis {
			dis[i] = r.mergeValue(dis[i], sis[i])
		}
		return d
	}
	return s
}
