package config

import (
	"embed"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// The JSON Schema of the config file is generated from the Config type by
// reflection, so a section added anywhere in this package appears in it
// without more code. Descriptions are the fields' doc comments, read from
// this package's own source, embedded for the purpose.
//
// A type may describe itself by implementing SchemaProvider; a type that
// decodes itself (yaml.Unmarshaler) without one accepts any value. A string
// field tagged `enum:"a,b"` lists its values. Every non-string value may
// also be written as an ${ENV} reference (a string).

//go:embed *.go
var sources embed.FS

// SchemaProvider is implemented by config types whose JSON Schema is not
// the one reflection would derive.
type SchemaProvider interface {
	JSONSchema() map[string]any
}

// SchemaFile is the committed schema's path from the repository root.
const SchemaFile = "junction.schema.json"

// Schema returns the JSON Schema (draft-07) of the config file, indented,
// with a final newline. Object keys are sorted: the output is stable.
func Schema() []byte {
	root := typeSchema(reflect.TypeOf(Config{}), docs())
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["$id"] = "https://github.com/junction-gateway/junction/" + SchemaFile
	root["title"] = "Junction configuration"
	root["definitions"] = map[string]any{"env": map[string]any{
		"description": "An ${ENV} or ${ENV:-default} reference, expanded when the file is read.",
		"type":        "string",
		"pattern":     `\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}`,
	}}
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return append(out, '\n')
}

var schemaProvider = reflect.TypeOf((*SchemaProvider)(nil)).Elem()

func typeSchema(t reflect.Type, doc map[string]string) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(schemaProvider) {
		return reflect.Zero(t).Interface().(SchemaProvider).JSONSchema()
	}
	if reflect.PointerTo(t).Implements(schemaProvider) {
		return reflect.New(t).Interface().(SchemaProvider).JSONSchema()
	}
	if opaque(t) {
		return map[string]any{}
	}
	orEnv := func(s map[string]any) map[string]any {
		return map[string]any{"anyOf": []any{s, map[string]any{"$ref": "#/definitions/env"}}}
	}
	if t == durationType {
		return map[string]any{
			"type":    "string",
			"pattern": `^(0|([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+|.*\$\{.*)$`,
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		props := map[string]any{}
		for key, f := range structFields(t) {
			s := typeSchema(f.Type, doc)
			if d := doc[f.Owner+"."+f.Name]; d != "" {
				s["description"] = d
			}
			if en := enum(f.StructField); en != nil {
				vals := make([]any, len(en))
				for i, v := range en {
					vals[i] = v
				}
				s["enum"] = vals
			}
			props[key] = s
		}
		out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if d := doc[t.Name()]; d != "" {
			out["description"] = d
		}
		return out
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem(), doc)}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": typeSchema(t.Elem(), doc)}
	case reflect.Bool:
		return orEnv(map[string]any{"type": "boolean"})
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return orEnv(map[string]any{"type": "integer"})
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return orEnv(map[string]any{"type": "integer", "minimum": 0})
	case reflect.Float32, reflect.Float64:
		return orEnv(map[string]any{"type": "number"})
	case reflect.String:
		return map[string]any{"type": "string"}
	}
	return map[string]any{}
}

var (
	docsOnce sync.Once
	docsMap  map[string]string
)

// docs returns the doc comments of this package's types ("Type") and
// struct fields ("Type.Field"), one line each.
func docs() map[string]string {
	docsOnce.Do(func() {
		docsMap = map[string]string{}
		names, _ := fs.Glob(sources, "*.go")
		sort.Strings(names)
		fset := token.NewFileSet()
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := sources.ReadFile(name)
			if err != nil {
				continue
			}
			file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
			if err != nil {
				continue
			}
			for _, decl := range file.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					d := ts.Doc
					if d == nil && len(gd.Specs) == 1 {
						d = gd.Doc
					}
					if s := oneLine(d); s != "" {
						docsMap[ts.Name.Name] = s
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, f := range st.Fields.List {
						text := oneLine(f.Doc)
						if text == "" {
							text = oneLine(f.Comment)
						}
						for _, n := range f.Names {
							if text != "" {
								docsMap[ts.Name.Name+"."+n.Name] = text
							}
						}
					}
				}
			}
		}
	})
	return docsMap
}

func oneLine(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.Join(strings.Fields(g.Text()), " ")
}
