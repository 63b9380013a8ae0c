package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong with a config file.
type Problem struct {
	// File is the file's name ("" for bytes given to Parse).
	File string
	// Line and Column locate the value (or the key) in the file; 0 when
	// the problem has no place in it (a bad default, an env override).
	Line, Column int
	// Key is the dotted path of the key ("traffic.subgraph_timeout",
	// "subgraphs.accounts.url"); "" for the file as a whole.
	Key     string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
		}
		b.WriteString(": ")
	} else if p.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", p.Line, p.Column)
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error lists every problem of a config file, in file order (problems
// without a line last). It wraps ErrInvalid.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return ErrInvalid.Error() + ": " + strings.Join(parts, "; ")
}

func (e *Error) Unwrap() error { return ErrInvalid }

// invalid turns Validate's "key: message" strings into an *Error.
func invalid(probs []string) error {
	e := &Error{}
	for _, s := range probs {
		p := Problem{Message: s}
		if k, msg, ok := strings.Cut(s, ": "); ok && !strings.ContainsAny(k, " \"") {
			p.Key, p.Message = k, msg
		}
		e.Problems = append(e.Problems, p)
	}
	return e
}

// Load reads the YAML file at path: ${ENV} references expanded, unknown
// keys and wrong types refused, JUNCTION_* env overrides and defaults
// applied, validated. Every problem of the file is reported at once, each
// with its line and key (see *Error).
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseFile(path, raw)
}

// Parse is Load on bytes.
func Parse(raw []byte) (*Config, error) { return ParseFile("", raw) }

// ParseFile is Load on bytes read from the file name (used in messages).
func ParseFile(name string, raw []byte) (*Config, error) {
	return parse(name, raw, os.LookupEnv)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func parse(name string, raw []byte, lookup func(string) (string, bool)) (*Config, error) {
	c := &Config{}
	ck := &checker{file: name, lookup: lookup, pos: map[string][2]int{}}
	if err := decodeChecked(raw, c, ck); err != nil {
		return nil, err
	}
	c.applyEnv(lookup)
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		var ve *Error
		if !errors.As(err, &ve) {
			return nil, err
		}
		for _, p := range ve.Problems {
			if ck.reported(p.Key) {
				continue // the value was refused already; its zero value is not news
			}
			p.File = name
			if pos, ok := ck.position(p.Key); ok {
				p.Line, p.Column = pos[0], pos[1]
			}
			ck.probs = append(ck.probs, p)
		}
	}
	if len(ck.probs) > 0 {
		sort.SliceStable(ck.probs, func(i, j int) bool {
			a, b := ck.probs[i], ck.probs[j]
			if (a.Line == 0) != (b.Line == 0) {
				return b.Line == 0
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, &Error{Problems: ck.probs}
	}
	return c, nil
}

// decodeChecked decodes raw into c, ck refusing unknown keys and wrong
// types (its problems). The error is a syntax error: nothing decoded.
func decodeChecked(raw []byte, c *Config, ck *checker) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		p := Problem{File: ck.file, Message: err.Error()}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Column, p.Message = 1, m[2]
		}
		return &Error{Problems: []Problem{p}}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	ck.node(root, reflect.TypeOf(c).Elem(), "")
	if err := root.Decode(c); err != nil && len(ck.probs) == 0 {
		// The checker found nothing but the decoder did: report the
		// decoder's own messages.
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return &Error{Problems: []Problem{{File: ck.file, Message: err.Error()}}}
		}
		for _, s := range te.Errors {
			p := Problem{File: ck.file, Message: s}
			if m := typeErrLine.FindStringSubmatch(s); m != nil {
				p.Line, _ = strconv.Atoi(m[1])
				p.Column, p.Message = 1, m[2]
			}
			ck.probs = append(ck.probs, p)
		}
	}
	return nil
}

var typeErrLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// checker walks a YAML tree beside the Go type it is decoded into: it
// expands ${ENV} references in scalars, refuses unknown keys and values of
// the wrong type (every one, not only the first), and records where each
// key is, for Validate's messages.
type checker struct {
	file   string
	lookup func(string) (string, bool)
	probs  []Problem
	pos    map[string][2]int // dotted key -> line, column of its value
	bad    map[string]bool   // keys whose value was refused
	// expanded holds the scalars whose references were expanded.
	expanded map[*yaml.Node]bool
}

func (ck *checker) fail(n *yaml.Node, key, format string, a ...any) {
	ck.probs = append(ck.probs, Problem{File: ck.file, Line: n.Line, Column: n.Column, Key: key, Message: fmt.Sprintf(format, a...)})
	if ck.bad == nil {
		ck.bad = map[string]bool{}
	}
	ck.bad[key] = true
}

// reported reports whether key or one of its parents was refused already.
func (ck *checker) reported(key string) bool {
	for k := key; k != ""; k = parentKey(k) {
		if ck.bad[k] {
			return true
		}
	}
	return false
}

// position finds key, or its nearest parent, in the file.
func (ck *checker) position(key string) ([2]int, bool) {
	for k := key; k != ""; k = parentKey(k) {
		if p, ok := ck.pos[k]; ok {
			return p, true
		}
	}
	return [2]int{}, false
}

func parentKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i]
	}
	return ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var (
	durationType    = reflect.TypeOf(time.Duration(0))
	unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
)

// opaque reports whether t decodes itself (its shape is its own business).
func opaque(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t.Kind() == reflect.Interface
}

func (ck *checker) node(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if path != "" {
		ck.pos[path] = [2]int{n.Line, n.Column}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // null is every type's zero value
	}
	if opaque(t) {
		ck.expandAll(n, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			ck.fail(n, path, "expected a mapping with keys %s, got %s", strings.Join(yamlKeys(t), ", "), describe(n))
			return
		}
		fields := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if ck.merge(k, v, t, path) {
				continue
			}
			f, ok := fields[k.Value]
			if !ok {
				key := join(path, k.Value)
				ck.pos[key] = [2]int{k.Line, k.Column}
				ck.fail(k, key, "unknown key%s (known here: %s)", suggest(k.Value, t), strings.Join(yamlKeys(t), ", "))
				continue
			}
			key := join(path, k.Value)
			ck.node(v, f.Type, key)
			if en := enum(f.StructField); en != nil && v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" &&
				!ck.bad[key] && !contains(en, v.Value) {
				ck.fail(v, key, "%q is not one of %s", v.Value, strings.Join(en, ", "))
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			ck.fail(n, path, "expected a mapping, got %s", describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if ck.merge(k, v, t, path) {
				continue
			}
			if k.Kind != yaml.ScalarNode {
				ck.fail(k, path, "a key must be a string, got %s", describe(k))
				continue
			}
			ck.node(v, t.Elem(), join(path, k.Value))
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			ck.fail(n, path, "expected a list, got %s", describe(n))
			return
		}
		for i, v := range n.Content {
			ck.node(v, t.Elem(), path+"["+strconv.Itoa(i)+"]")
		}
	default:
		ck.scalar(n, t, path)
	}
}

// merge checks a YAML merge key (<<: *anchor, or a list of them) against
// t, the type of the mapping it is merged into; false for any other key.
func (ck *checker) merge(k, v *yaml.Node, t reflect.Type, path string) bool {
	if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!merge" {
		return false
	}
	if v.Kind == yaml.SequenceNode {
		for _, m := range v.Content {
			ck.node(m, t, path)
		}
		return true
	}
	ck.node(v, t, path)
	return true
}

// scalar expands n's env references and checks that the result decodes
// into t, with yaml's own rules.
func (ck *checker) scalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		ck.fail(n, path, "expected %s, got %s", typeWord(t), describe(n))
		return
	}
	if !ck.expand(n, path) {
		return
	}
	if n.Tag == "" && t.Kind() == reflect.String {
		n.Tag = "!!str" // an expanded "123" is still a string here
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		ck.fail(n, path, "%q is not %s", n.Value, typeWord(t))
	}
}

// expand replaces n's env references; false when one cannot be expanded.
func (ck *checker) expand(n *yaml.Node, path string) bool {
	if !strings.Contains(n.Value, "${") || ck.expanded[n] {
		return true // (an anchored value is reached once per alias: expand it once)
	}
	if ck.expanded == nil {
		ck.expanded = map[*yaml.Node]bool{}
	}
	ck.expanded[n] = true
	v, err := ExpandEnv(n.Value, ck.lookup)
	if err != nil {
		ck.fail(n, path, "%v", err)
		return false
	}
	n.Value = v
	// The value is resolved again, quoted or not ("${PORT}" is quoted in a
	// flow mapping): it may be an int or a bool now.
	n.Tag, n.Style = "", 0
	return true
}

// expandAll expands every scalar value under n (for types that decode
// themselves).
func (ck *checker) expandAll(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.ScalarNode:
		ck.expand(n, path)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			ck.expandAll(n.Content[i+1], join(path, n.Content[i].Value))
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			ck.expandAll(v, path+"["+strconv.Itoa(i)+"]")
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func typeWord(t reflect.Type) string {
	if t == durationType {
		return "a duration (e.g. 500ms, 30s, 1m30s)"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + t.String()
}

func suggest(key string, t reflect.Type) string {
	best, bestD := "", 3
	for _, k := range yamlKeys(t) {
		if d := levenshtein.ComputeDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// field is one YAML key of a struct.
type field struct {
	reflect.StructField
	Key string
	// Owner names the struct that declares the field (an inlined one for
	// its fields).
	Owner string
}

// structFields returns t's YAML keys (inline structs flattened), as
// yaml.v3 decodes them.
func structFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range structFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = field{StructField: f, Key: name, Owner: t.Name()}
	}
	return out
}

// yamlKeys returns t's YAML keys, sorted.
func yamlKeys(t reflect.Type) []string {
	fs := structFields(t)
	keys := make([]string, 0, len(fs))
	for k := range fs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// enum returns the allowed values of a string field declared with an
// `enum:"a,b"` struct tag, or nil.
func enum(f reflect.StructField) []string {
	if s := f.Tag.Get("enum"); s != "" {
		return strings.Split(s, ",")
	}
	return nil
}
