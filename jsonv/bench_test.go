package jsonv

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchBody is a subgraph-like answer: 200 entities with strings (a few
// escaped), numbers, booleans, nulls and nested lists, about 40 KB.
func benchBody() []byte {
	var b strings.Builder
	b.WriteString(`{"data":{"_entities":[`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"__typename":"Product","upc":"%d","name":"Product number %d","price":%d.99,"inStock":%v,`+
			`"reviews":[{"id":"r%d","body":"Line one\nsaid \"great\" \u00e9","author":{"name":"User %d","username":"user%d"}},{"id":"s%d","body":null}]}`,
			i, i, i, i%2 == 0, i, i, i, i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkParse measures building the tree of benchBody, with pooled
// slabs (as the executor parses) and with plain allocations.
func BenchmarkParse(b *testing.B) {
	body := benchBody()
	for _, pooled := range []bool{true, false} {
		b.Run(fmt.Sprintf("pooled=%v", pooled), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var a *Arena
				if pooled {
					a = new(Arena)
				}
				if _, err := parseAll(body, a); err != nil {
					b.Fatal(err)
				}
				if a != nil {
					a.Release()
				}
			}
		})
	}
}

// BenchmarkSkip measures checking benchBody without building anything.
func BenchmarkSkip(b *testing.B) {
	body := benchBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		s := Scanner{Data: body}
		if _, err := s.Skip(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnquote measures a query-sized string token with the escapes
// of a pretty-printed query, and one with \u escapes; encoding/json
// (where the server's unquote used to send every \u escape) is the
// baseline.
func BenchmarkUnquote(b *testing.B) {
	q := `"query Q($n: Int) {\n  me {\n    id\n    reviews(first: $n) {\n      body\n      product { upc name price }\n    }\n  }\n}\n"`
	for _, c := range []struct{ name, raw string }{
		{"query", q},
		{"unicode", `"caf\u00e9 \ud83d\ude00 na\u00efve r\u00e9sum\u00e9 and more plain text"`},
	} {
		name, raw := c.name, c.raw
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Unquote([]byte(raw)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/encoding-json", func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				var s string
				if err := json.Unmarshal([]byte(raw), &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
