package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
)

// fetchPolicy is what the hints say of one fetch's selection: the policy
// of a root fetch, or of each entity type of an entity fetch, and the
// types its root fields return (purge tags).
type fetchPolicy struct {
	root      Policy
	entities  map[string]Policy
	rootTypes []string
	ok        bool // false: the operation could not be read; nothing is cached
}

// analyses caches fetchPolicy by fetch (service and operation text) for
// one supergraph, bounded.
type analyses struct {
	mu sync.RWMutex
	m  map[string]*fetchPolicy
}

const maxAnalyses = 4096

func (a *analyses) get(h *Hints, f *planner.Fetch) *fetchPolicy {
	k := f.Service + "\x00" + f.Operation
	a.mu.RLock()
	fp := a.m[k]
	a.mu.RUnlock()
	if fp != nil {
		return fp
	}
	fp = analyze(h, f)
	a.mu.Lock()
	if a.m == nil || len(a.m) >= maxAnalyses {
		a.m = map[string]*fetchPolicy{}
	}
	a.m[k] = fp
	a.mu.Unlock()
	return fp
}

// analyze reads the fetch's operation against the supergraph schema.
func analyze(h *Hints, f *planner.Fetch) *fetchPolicy {
	fp := &fetchPolicy{}
	if f.OperationKind != ast.Query {
		return fp
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: f.Operation})
	if err != nil || len(doc.Operations) != 1 {
		return fp
	}
	op := doc.Operations[0]
	query := h.schema.Query
	if query == nil {
		return fp
	}
	if f.Requires == nil {
		h.Selection(&fp.root, op.SelectionSet, query, true, doc.Fragments, nil)
		for _, s := range op.SelectionSet {
			if fl, ok := s.(*ast.Field); ok {
				if fd := query.Fields.ForName(fl.Name); fd != nil {
					fp.rootTypes = append(fp.rootTypes, fd.Type.Name())
				}
			}
		}
		slices.Sort(fp.rootTypes)
		fp.rootTypes = slices.Compact(fp.rootTypes)
		fp.ok = true
		return fp
	}
	fp.entities = map[string]Policy{}
	for _, s := range op.SelectionSet {
		fl, ok := s.(*ast.Field)
		if !ok || fl.Name != "_entities" {
			return fp
		}
		for _, es := range fl.SelectionSet {
			switch es := es.(type) {
			case *ast.InlineFragment:
				def := h.schema.Types[es.TypeCondition]
				if def == nil {
					continue
				}
				var p Policy
				h.entity(&p, def.Name)
				h.Selection(&p, es.SelectionSet, def, false, doc.Fragments, nil)
				if prev, seen := fp.entities[def.Name]; seen {
					p.restrict(prev.MaxAge)
					p.Private = p.Private || prev.Private
				}
				fp.entities[def.Name] = p
			case *ast.Field:
				if es.Name != "__typename" {
					return fp // a selection outside a type condition: unknown type
				}
			}
		}
	}
	fp.ok = true
	return fp
}

// generations is a fingerprint per subgraph of every type it declares (the
// type's definition in the supergraph, hints included): keys carry their
// subgraph's, so a new supergraph that changes what a subgraph serves
// misses every entry of the old one for that subgraph (they age out),
// while the other subgraphs' entries stay.
func generations(sg *schema.Supergraph) map[string]string {
	byName := map[string]*sha256Writer{}
	names := make([]string, 0, len(sg.Types))
	for n := range sg.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, s := range sg.Subgraphs {
		byName[s.Name] = newSHA()
	}
	for _, n := range names {
		t := sg.Types[n]
		def := sg.Schema.Types[n]
		if def == nil {
			continue
		}
		text := printDefinition(def)
		for _, s := range t.Subgraphs {
			if w := byName[s]; w != nil {
				w.WriteString(text)
			}
		}
	}
	out := make(map[string]string, len(byName))
	for n, w := range byName {
		out[n] = w.sum()[:12]
	}
	return out
}

type sha256Writer struct{ b strings.Builder }

func newSHA() *sha256Writer                  { return &sha256Writer{} }
func (w *sha256Writer) WriteString(s string) { w.b.WriteString(s); w.b.WriteByte(0) }
func (w *sha256Writer) sum() string {
	h := sha256.Sum256([]byte(w.b.String()))
	return hex.EncodeToString(h[:])
}

// printDefinition is a stable text of a type definition: fields, their
// types and arguments, and every directive with its arguments.
func printDefinition(d *ast.Definition) string {
	var b strings.Builder
	b.WriteString(string(d.Kind) + " " + d.Name)
	writeDirectives(&b, d.Directives)
	for _, f := range d.Fields {
		b.WriteString("\n" + f.Name + ":" + f.Type.String())
		for _, a := range f.Arguments {
			b.WriteString(" " + a.Name + ":" + a.Type.String())
			if a.DefaultValue != nil {
				b.WriteString("=" + a.DefaultValue.String())
			}
		}
		writeDirectives(&b, f.Directives)
	}
	for _, v := range d.EnumValues {
		b.WriteString("\n" + v.Name)
	}
	for _, t := range d.Types {
		b.WriteString("|" + t)
	}
	return b.String()
}

func writeDirectives(b *strings.Builder, ds ast.DirectiveList) {
	for _, d := range ds {
		b.WriteString(" @" + d.Name)
		for _, a := range d.Arguments {
			b.WriteString(" " + a.Name + "=" + a.Value.String())
		}
	}
}

// repTypename reads a representation's __typename: at once when it comes
// first, as the executor writes it; else by decoding.
func repTypename(rep string) string {
	const pre = `{"__typename":"`
	if strings.HasPrefix(rep, pre) {
		rest := rep[len(pre):]
		if i := strings.IndexByte(rest, '"'); i >= 0 && !strings.Contains(rest[:i], `\`) {
			return rest[:i]
		}
	}
	var v struct {
		Typename string `json:"__typename"`
	}
	_ = json.Unmarshal([]byte(rep), &v)
	return v.Typename
}

// repInfo reads a representation's __typename and its key fields (the
// type's keys in the subgraph) as canonical JSON, for the type+key tag.
func repInfo(sg *schema.Supergraph, service, rep string) (typename, key string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(rep), &m); err != nil {
		return "", ""
	}
	var tn string
	if err := json.Unmarshal(m["__typename"], &tn); err != nil {
		return "", ""
	}
	t := sg.Types[tn]
	if t == nil {
		return tn, ""
	}
	names := map[string]bool{}
	for _, k := range t.Keys {
		if k.Subgraph != service {
			continue
		}
		for _, s := range k.Selection {
			if f, ok := s.(*ast.Field); ok {
				names[f.Name] = true
			}
		}
	}
	return tn, canonicalKey(m, names)
}

// canonicalKey writes the members of m named in names (all but __typename
// when names is empty) as JSON with sorted keys, values compacted.
func canonicalKey(m map[string]json.RawMessage, names map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k == "__typename" || (len(names) > 0 && !names[k]) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var v any
		if err := json.Unmarshal(m[k], &v); err == nil {
			vb, _ := json.Marshal(v) // maps marshal with sorted keys
			b.Write(vb)
		}
	}
	b.WriteByte('}')
	return b.String()
}
