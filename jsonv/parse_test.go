package jsonv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeStd decodes data as encoding/json does, numbers as json.Number.
func decodeStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// parseAll parses data as one value with nothing after it.
func parseAll(data []byte, a *Arena) (*Value, error) {
	p := NewParser(data, a)
	defer p.Release()
	v, err := p.Value()
	if err != nil {
		return nil, err
	}
	if p.SkipSpace(); p.Pos != len(data) {
		return nil, p.Fail("trailing data")
	}
	return v, nil
}

// FuzzParse: the parser accepts exactly the JSON that encoding/json
// accepts, less invalid UTF-8 in strings and nesting past the bound, and
// its tree written out decodes to what encoding/json decodes (duplicate
// keys kept in the tree, the last one winning in both).
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"data":{"a":[1,2.5,-0,1e3,true,false,null,"x\n\u00e9"]}}`, `[]`, `{}`, `{"a":1,"a":2}`,
		`{"k\u0041":{"":[[],{}]}}`, ` "s" `, `01`, `[1,]`, `{"a"}`, "\"\xff\"", `1 2`, `[` + strings.Repeat(`[`, 600) + `]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, a := range []*Arena{nil, new(Arena)} {
			v, err := parseAll(data, a)
			want, wantErr := decodeStd(data)
			if err != nil {
				deep := bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) > DefaultMaxDepth
				if wantErr == nil && utf8.Valid(data) && !deep {
					t.Fatalf("%q: parser refuses (%v) what encoding/json accepts", data, err)
				}
				continue
			}
			if wantErr != nil {
				t.Fatalf("%q: parser accepts what encoding/json refuses (%v)", data, wantErr)
			}
			out := AppendValue(nil, v)
			got, err := decodeStd(out)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: tree writes %q, which decodes to %#v (%v), want %#v", data, out, got, err, want)
			}
			if a != nil {
				a.Release()
			}
		}
	})
}

// TestArenaParse parses an answer larger than a pooled slab (a list
// longer than itemChunk, an object wider than FieldChunk, more nodes than
// valueChunk) into an arena, checks the tree, then checks that Release
// hands back zeroed slabs.
func TestArenaParse(t *testing.T) {
	var items, fields []string
	for i := range itemChunk*2 + 3 {
		items = append(items, fmt.Sprintf(`{"id":"%d","n":[%d,null,{}]}`, i, i))
	}
	for i := range FieldChunk + 5 {
		fields = append(fields, fmt.Sprintf(`"f%d":%d`, i, i))
	}
	body := `{"list":[` + strings.Join(items, ",") + `],"wide":{` + strings.Join(fields, ",") + `},"e":[],"o":{}}`
	for round := range 3 {
		var a Arena
		data, err := parseAll([]byte(body), &a)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(AppendValue(nil, data)); got != body {
			t.Fatalf("round %d: tree differs from the input:\n%.200s\nwant\n%.200s", round, got, body)
		}
		if len(a.values) < 2 || len(a.items) < 1 || len(a.fields) < 1 {
			t.Fatalf("round %d: slabs %d/%d/%d, want pooled slabs in use", round, len(a.values), len(a.fields), len(a.items))
		}
		var r Arena
		r.Adopt(&a)
		r.Release()
		for range 4 {
			for class := range 2 {
				c := valuePools[class].Get().(*[]Value)
				for i := range *c {
					if v := (*c)[i]; v.Kind != 0 || v.ptr != nil || v.n != 0 || v.c != 0 {
						t.Fatalf("round %d: a released value slab (class %d) is not zeroed at %d", round, class, i)
					}
				}
				valuePools[class].Put(c)
				f := fieldPools[class].Get().(*[]Field)
				for i := range *f {
					if (*f)[i] != (Field{}) {
						t.Fatalf("round %d: a released field slab (class %d) is not zeroed at %d", round, class, i)
					}
				}
				fieldPools[class].Put(f)
			}
		}
	}
}

// TestValueAccess: Get, Index, Set and StringValue on a parsed object.
func TestValueAccess(t *testing.T) {
	v, err := parseAll([]byte(`{"a":"x\"y","b":1,"c":"plain"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := v.Get("a").StringValue(); !ok || s != `x"y` {
		t.Errorf("a = %q %v", s, ok)
	}
	if s, ok := v.Get("c").StringValue(); !ok || s != "plain" {
		t.Errorf("c = %q %v", s, ok)
	}
	if _, ok := v.Get("b").StringValue(); ok {
		t.Error("a number is a string")
	}
	if v.Get("zz") != nil || v.Index("b") != 1 || v.Index("zz") != -1 || !v.Get("zz").IsNull() {
		t.Error("Get/Index of absent or present keys")
	}
	v.Set("b", NullValue)
	v.Set("d", NewScalar([]byte("true")))
	if got := string(AppendValue(nil, v)); got != `{"a":"x\"y","b":null,"c":"plain","d":true}` {
		t.Errorf("after Set: %s", got)
	}
}
