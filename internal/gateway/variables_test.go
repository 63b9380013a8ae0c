package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const varsSchema = `
type Query { f(i: In, l: [Int!], e: Color, n: [[Float]], s: JSON): Int }
enum Color { RED GREEN }
input In { a: Int!, b: String = "dflt", c: [In!], d: Color }
scalar JSON
`

func coerce(t *testing.T, query, vars string) (string, string) {
	t.Helper()
	api := gqlparser.MustLoadSchema(&ast.Source{Input: varsSchema})
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if vars != "" {
		if err := decodeNumbers(vars, &v); err != nil {
			t.Fatal(err)
		}
	}
	out, gerr := coerceVariables(api, doc.Operations[0], v)
	if gerr != nil {
		if gerr.Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("code %v", gerr.Extensions["code"])
		}
		return "", gerr.Message
	}
	b, _ := json.Marshal(out)
	return string(b), ""
}

func decodeNumbers(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}

func TestCoerceVariables(t *testing.T) {
	for _, tc := range []struct {
		query, vars, want, err string
	}{
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1}}`, `{"i":{"a":1,"b":"dflt"}}`, ``},
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1,"b":null,"d":"RED"}}`, `{"i":{"a":1,"b":null,"d":"RED"}}`, ``},
		{`query($i: In) { f(i: $i) }`, `{"i":{"b":"x"}}`, ``, `Variable "$i" got invalid value {"b":"x"}; Field "a" of required type "Int!" was not provided.`},
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1,"z":2}}`, ``, `Variable "$i" got invalid value {"a":1,"z":2}; Field "z" is not defined by type "In".`},
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1,"c":[{"a":"x"}]}}`, ``, `Variable "$i" got invalid value "x" at "i.c[0].a"; Int cannot represent non-integer value: "x"`},
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1,"c":{"a":2}}}`, `{"i":{"a":1,"b":"dflt","c":[{"a":2,"b":"dflt"}]}}`, ``},
		{`query($i: In) { f(i: $i) }`, `{"i":{"a":1,"d":"BLUE"}}`, ``, `Variable "$i" got invalid value "BLUE" at "i.d"; Value does not exist in "Color" enum.`},
		{`query($i: In) { f(i: $i) }`, `{"i":[1]}`, ``, `Variable "$i" got invalid value [1]; Expected type "In" to be an object.`},
		{`query($l: [Int!]) { f(l: $l) }`, `{"l":3}`, `{"l":[3]}`, ``},
		{`query($l: [Int!]) { f(l: $l) }`, `{"l":[1,null]}`, ``, `Variable "$l" got invalid value null at "l[1]"; Expected non-nullable type "Int!" not to be null.`},
		{`query($n: [[Float]]) { f(n: $n) }`, `{"n":[[1.5,2],null,3]}`, `{"n":[[1.5,2],null,[3]]}`, ``},
		{`query($n: [[Float]]) { f(n: $n) }`, `{"n":[["1"]]}`, ``, `Variable "$n" got invalid value "1" at "n[0][0]"; Float cannot represent non numeric value: "1"`},
		{`query($e: Color = GREEN) { f(e: $e) }`, ``, `{"e":"GREEN"}`, ``},
		{`query($e: Color = GREEN) { f(e: $e) }`, `{"e":null}`, `{"e":null}`, ``},
		{`query($e: Color) { f(e: $e) }`, `{"e":"red"}`, ``, `Variable "$e" got invalid value "red"; Value does not exist in "Color" enum.`},
		{`query($s: JSON) { f(s: $s) }`, `{"s":{"any":[1,"x",{"y":null}]}}`, `{"s":{"any":[1,"x",{"y":null}]}}`, ``},
		{`query($e: Color) { f(e: $e) }`, `{}`, `{}`, ``},
	} {
		got, err := coerce(t, tc.query, tc.vars)
		if got != tc.want || err != tc.err {
			t.Errorf("%s %s\n got %s %s\nwant %s %s", tc.query, tc.vars, got, err, tc.want, tc.err)
		}
	}
}
