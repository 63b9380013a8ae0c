package persisted

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Format is the manifest's format field (Apollo's persisted query list).
const Format = "apollo-persisted-query-manifest"

// maxManifestBytes bounds the manifest file read.
const maxManifestBytes = 64 << 20

// Operation is one entry of a manifest.
type Operation struct {
	ID   string `json:"id"`
	Body string `json:"body"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Manifest is a loaded, checked manifest.
type Manifest struct {
	Path   string
	byID   map[string]*Operation
	byBody map[string]*Operation
}

// Len is the number of distinct operations.
func (m *Manifest) Len() int { return len(m.byID) }

// ByID returns the operation with id ("sha256:" prefix optional), or nil.
func (m *Manifest) ByID(id string) *Operation {
	if op, ok := m.byID[id]; ok {
		return op
	}
	if rest, ok := strings.CutPrefix(id, "sha256:"); ok {
		return m.byID[rest]
	}
	return nil
}

// ByBody returns the operation whose body is exactly body, or nil.
func (m *Manifest) ByBody(body string) *Operation { return m.byBody[body] }

// Load reads and checks the manifest at path. Every error names the file
// and, for an entry, its index and id.
func Load(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("persisted documents: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("persisted documents: %w", err)
	}
	if st.Size() > maxManifestBytes {
		return nil, fmt.Errorf("persisted documents: %s: %d bytes, over the %d bytes a manifest may hold", path, st.Size(), maxManifestBytes)
	}
	var raw struct {
		Format     *string         `json:"format"`
		Version    *int            `json:"version"`
		Operations json.RawMessage `json:"operations"`
	}
	dec := json.NewDecoder(f)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("persisted documents: %s: not a JSON manifest: %w", path, err)
	}
	return parse(path, raw.Format, raw.Version, raw.Operations)
}

func parse(path string, format *string, version *int, ops json.RawMessage) (*Manifest, error) {
	switch {
	case format == nil || *format != Format:
		got := "missing"
		if format != nil {
			got = fmt.Sprintf("%q", *format)
		}
		return nil, fmt.Errorf("persisted documents: %s: format is %s, want %q", path, got, Format)
	case version == nil || *version != 1:
		return nil, fmt.Errorf("persisted documents: %s: version must be 1", path)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(ops, &list); err != nil || list == nil {
		return nil, fmt.Errorf("persisted documents: %s: operations must be a list", path)
	}
	m := &Manifest{Path: path, byID: make(map[string]*Operation, len(list)), byBody: make(map[string]*Operation, len(list))}
	for i, r := range list {
		var op Operation
		if err := json.Unmarshal(r, &op); err != nil {
			return nil, fmt.Errorf("persisted documents: %s: operations[%d]: %w", path, i, err)
		}
		if err := check(&op); err != nil {
			return nil, fmt.Errorf("persisted documents: %s: operations[%d] (id %q): %w", path, i, op.ID, err)
		}
		if prev, dup := m.byID[op.ID]; dup {
			if prev.Body != op.Body {
				return nil, fmt.Errorf("persisted documents: %s: operations[%d] (id %q): the id is given to another body earlier", path, i, op.ID)
			}
			continue
		}
		m.byID[op.ID] = &op
		if _, dup := m.byBody[op.Body]; !dup {
			m.byBody[op.Body] = &op
		}
	}
	return m, nil
}

// check validates one entry: an id, a body that parses, a known type
// matching the body's operation.
func check(op *Operation) error {
	if op.ID == "" {
		return errors.New("id is empty")
	}
	if strings.TrimSpace(op.Body) == "" {
		return errors.New("body is empty")
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: op.Body})
	if err != nil {
		return fmt.Errorf("body does not parse: %v", err)
	}
	if len(doc.Operations) == 0 {
		return errors.New("body holds no operation")
	}
	switch op.Type {
	case "":
	case "query", "mutation", "subscription":
		if o := doc.Operations.ForName(op.Name); o != nil && string(o.Operation) != op.Type {
			return fmt.Errorf("type %q, but the body's operation %q is a %s", op.Type, op.Name, o.Operation)
		}
	default:
		return fmt.Errorf("type %q is not query, mutation or subscription", op.Type)
	}
	return nil
}
