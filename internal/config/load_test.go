package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"HOST": "db", "EMPTY": "", "PORT": "5432"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tc := range []struct{ in, want, err string }{
		{in: "plain", want: "plain"},
		{in: "${HOST}", want: "db"},
		{in: "x-${HOST}:${PORT}/y", want: "x-db:5432/y"},
		{in: "${MISSING:-fallback}", want: "fallback"},
		{in: "${EMPTY:-fallback}", want: "fallback"},
		{in: "${HOST:-fallback}", want: "db"},
		{in: "${MISSING:-}", want: ""},
		{in: "${EMPTY}", want: ""},
		{in: "cost $5 and $${HOST}", want: "cost $5 and ${HOST}"},
		{in: "${MISSING}", err: "MISSING is not set"},
		{in: "${HOST", err: "no closing }"},
		{in: "${1X}", err: "not a variable name"},
	} {
		got, err := ExpandEnv(tc.in, lookup)
		if tc.err != "" {
			if err == nil || !errors.Is(err, ErrEnv) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got %q, %v; want error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestEnvInValues: references are expanded in every string, whatever the
// field's type, quoted or not, nested or not.
func TestEnvInValues(t *testing.T) {
	env := map[string]string{"JT_LISTEN": "127.0.0.1:9999", "JT_TIMEOUT": "7s", "JT_TOKEN": "s3cret", "JT_OFF": "false"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := parse("f.yaml", []byte(`
listen: ${JT_LISTEN}
traffic: {subgraph_timeout: "${JT_TIMEOUT}", inbound_dedupe: "${JT_OFF}"}
limits:
  max_depth: ${JT_DEPTH:-12}
subgraphs:
  accounts: {url: "http://${JT_HOST:-127.0.0.1}:4001/query"}
headers: {propagate: ["x-${JT_TOKEN}"]}
telemetry:
  tracing:
    otlp: {endpoint: "http://127.0.0.1:4318", headers: {authorization: "Bearer ${JT_TOKEN}"}}
`), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9999" || c.Traffic.SubgraphTimeout != 7*time.Second || *c.Traffic.InboundDedupe ||
		c.Limits.MaxDepth != 12 || c.Subgraphs["accounts"].URL != "http://127.0.0.1:4001/query" ||
		c.Headers.Propagate[0] != "x-s3cret" || c.Telemetry.Tracing.OTLP.Headers["authorization"] != "Bearer s3cret" {
		t.Fatalf("not expanded: %+v", c)
	}
	// A digit-only string stays a string in a string field.
	env["JT_NAME"] = "123"
	c, err = parse("f.yaml", []byte("supergraph: ${JT_NAME}\n"), lookup)
	if err != nil || c.Supergraph != "123" {
		t.Fatalf("supergraph %q, %v", c.Supergraph, err)
	}
}

// TestBadFileNamesLines: unknown keys, wrong types, unset variables and
// invalid values are all reported together, each with file, line and key.
func TestBadFileNamesLines(t *testing.T) {
	src := `listen: 127.0.0.1:4000
lisen: 127.0.0.1:1
traffic:
  subgraph_timeout: banana
  request_timeout: ${JT_UNSET_VAR}
limits: {max_depth: many}
graphql_path: nope
subgraphs:
  accounts:
    url: ftp://x
    timout: 2s
playground: maybe
telemetry:
  tracing: {sampler: 2}
  logs: {format: xml}
`
	_, err := parse("bad.yaml", []byte(src), func(string) (string, bool) { return "", false })
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want *Error", err)
	}
	var got []string
	for _, p := range ce.Problems {
		got = append(got, fmt.Sprintf("%s:%d %s", p.File, p.Line, p.Key))
	}
	want := []string{
		"bad.yaml:2 lisen",
		"bad.yaml:4 traffic.subgraph_timeout",
		"bad.yaml:5 traffic.request_timeout",
		"bad.yaml:6 limits.max_depth",
		"bad.yaml:7 graphql_path",
		"bad.yaml:10 subgraphs.accounts.url",
		"bad.yaml:11 subgraphs.accounts.timout",
		"bad.yaml:12 playground",
		"bad.yaml:14 telemetry.tracing.sampler",
		"bad.yaml:15 telemetry.logs.format",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s\nerror: %v", strings.Join(got, "\n"), strings.Join(want, "\n"), err)
	}
	for _, frag := range []string{"did you mean listen?", `"banana" is not a duration`, "JT_UNSET_VAR is not set",
		`"maybe" is not a boolean`, `"xml" is not one of text, json`, "bad.yaml:6:21: limits.max_depth"} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error lacks %q: %v", frag, err)
		}
	}
}

func TestSyntaxErrorNamesLine(t *testing.T) {
	_, err := ParseFile("s.yaml", []byte("listen: a\ntraffic:\n  x: [1, 2\n"))
	var ce *Error
	if !errors.As(err, &ce) || ce.Problems[0].Line == 0 || ce.Problems[0].File != "s.yaml" {
		t.Fatalf("got %#v", err)
	}
}

// TestSchemaCommitted regenerates the schema and compares it with the
// committed file: a config type changed without regenerating fails here.
func TestSchemaCommitted(t *testing.T) {
	committed, err := os.ReadFile("../../" + SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := Schema(); string(got) != string(committed) {
		t.Fatalf("%s is out of date with the config types; regenerate it from the repository root with:\n\n"+
			"\tgo run ./cmd/junction config schema > %s\n", SchemaFile, SchemaFile)
	}
	var v map[string]any
	if err := json.Unmarshal(committed, &v); err != nil {
		t.Fatal(err)
	}
}

// TestEveryKeyIsRead writes a file that sets every key of the schema to a
// value that is not its zero value, parses it, and checks that each value
// reached its Go field: no key of the schema is silently dropped.
func TestEveryKeyIsRead(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatal(err)
	}
	doc, leaves := sampleDoc(schema, "")
	raw, err := json.Marshal(doc) // JSON is YAML
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{}
	ck := &checker{lookup: func(string) (string, bool) { return "", false }, pos: map[string][2]int{}}
	if err := decodeChecked(raw, c, ck); err != nil || len(ck.probs) > 0 {
		t.Fatalf("sample file refused: %v %v\n%s", err, ck.probs, raw)
	}
	if len(leaves) < 30 {
		t.Fatalf("only %d keys in the schema", len(leaves))
	}
	sort.Strings(leaves)
	t.Logf("%d keys: %s", len(leaves), strings.Join(leaves, " "))
	for _, key := range leaves {
		v, ok := lookupKey(reflect.ValueOf(c).Elem(), strings.Split(key, "."))
		if !ok {
			t.Errorf("%s: no Go field", key)
			continue
		}
		if v.IsZero() {
			t.Errorf("%s: in the schema but not read (still zero)", key)
		}
	}
}

// sampleDoc builds a value for schema s, returning the dotted keys of its
// leaves. Maps get one entry "k", lists one item.
func sampleDoc(s map[string]any, path string) (any, []string) {
	if alts, ok := s["anyOf"].([]any); ok {
		s = alts[0].(map[string]any)
	}
	if en, ok := s["enum"].([]any); ok {
		return en[len(en)-1], []string{path}
	}
	switch s["type"] {
	case "object":
		out := map[string]any{}
		var leaves []string
		if props, ok := s["properties"].(map[string]any); ok {
			for k, ps := range props {
				v, l := sampleDoc(ps.(map[string]any), join(path, k))
				out[k] = v
				leaves = append(leaves, l...)
			}
			return out, leaves
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			v, l := sampleDoc(ap, join(path, "k"))
			out["k"] = v
			return out, l
		}
		return out, nil
	case "array":
		v, l := sampleDoc(s["items"].(map[string]any), path)
		return []any{v}, l
	case "string":
		if _, ok := s["pattern"]; ok { // a duration
			return "7s", []string{path}
		}
		return "http://127.0.0.1:7/x", []string{path}
	case "integer":
		return 7, []string{path}
	case "number":
		return 0.5, []string{path}
	case "boolean":
		return true, []string{path}
	}
	return nil, nil // a type that decodes itself: not sampled
}

// lookupKey follows dotted YAML keys through v (map entries by key, list
// items by their first element).
func lookupKey(v reflect.Value, keys []string) (reflect.Value, bool) {
	for _, k := range keys {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, true // zero: reported by the caller
			}
			v = v.Elem()
		}
		if v.Kind() == reflect.Slice {
			if v.Len() == 0 {
				return v, true
			}
			v = v.Index(0)
		}
		switch v.Kind() {
		case reflect.Struct:
			f, ok := structFields(v.Type())[k]
			if !ok {
				return v, false
			}
			v = v.FieldByIndex(f.Index)
		case reflect.Map:
			v = v.MapIndex(reflect.ValueOf(k))
			if !v.IsValid() {
				return reflect.Zero(reflect.TypeOf(0)), true
			}
		default:
			return v, false
		}
	}
	return v, true
}

// TestAnchorsAndMergeKeys: YAML anchors, aliases and merge keys are
// checked like any mapping; an aliased ${ENV} is expanded once.
func TestAnchorsAndMergeKeys(t *testing.T) {
	lookup := func(k string) (string, bool) { v, ok := map[string]string{"JT_T": "3s"}[k]; return v, ok }
	c, err := parse("a.yaml", []byte(`
subgraphs:
  accounts: &base {url: "http://127.0.0.1:1/q", timeout: "${JT_T}"}
  products:
    <<: *base
    url: "http://127.0.0.1:2/q"
  reviews: {url: "$${LITERAL}"}
`), lookup)
	if err == nil {
		t.Fatal("want the literal ${LITERAL} url refused as not http(s)")
	}
	if !strings.Contains(err.Error(), `"${LITERAL}" is not an http(s) URL`) {
		t.Fatalf("got %v", err)
	}
	c, err = parse("a.yaml", []byte(`
subgraphs:
  accounts: &base {url: "http://127.0.0.1:1/q", timeout: "${JT_T}"}
  products:
    <<: *base
    url: "http://127.0.0.1:2/q"
`), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Subgraphs["products"]; p.Timeout != 3*time.Second || p.URL != "http://127.0.0.1:2/q" {
		t.Fatalf("merged %+v", p)
	}
	_, err = parse("a.yaml", []byte("base: &b {timout: 1s}\n"), lookup2)
	if err == nil || !strings.Contains(err.Error(), "a.yaml:1:1: base: unknown key") {
		t.Fatalf("got %v", err)
	}
	_, err = parse("a.yaml", []byte("traffic: &t {subgraph_timeout: 1s}\nlimits:\n  <<: *t\n"), lookup2)
	if err == nil || !strings.Contains(err.Error(), "limits.subgraph_timeout: unknown key") {
		t.Fatalf("merged unknown key: got %v", err)
	}
}

func lookup2(string) (string, bool) { return "", false }
