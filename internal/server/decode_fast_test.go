package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/junction-gateway/junction/internal/gateway"
)

// decodeBoth decodes body (as decodePOST would, after its checks) with the
// one-pass decoder and with encoding/json, and fails t when the one-pass
// decoder accepted a body that encoding/json refuses or decodes otherwise.
// It returns what decodePOST answers and whether the one-pass decoder
// handled the body.
func decodeBoth(t testing.TB, body []byte) (*gateway.Request, *requestError, bool) {
	t.Helper()
	want, wantErr := decodeParams(body)
	got := &gateway.Request{}
	if !decodeBody(body, got) {
		return want, wantErr, false
	}
	if wantErr != nil {
		t.Fatalf("decodeBody accepted %q; encoding/json: %v", body, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeBody(%q) =\n%#v\nencoding/json:\n%#v", body, got, want)
	}
	return got, nil, true
}

// TestDecodeBody: bodies the one-pass decoder handles give what the
// encoding/json path gives; the others give today's error, through that path.
func TestDecodeBody(t *testing.T) {
	num := func(s string) json.Number { return json.Number(s) }
	for _, tc := range []struct {
		name string
		body string
		fast bool // handled in one pass
		want *gateway.Request
		err  string // the error message instead
	}{
		{name: "query only", body: `{"query":"{ me { id } }"}`, fast: true,
			want: &gateway.Request{Query: "{ me { id } }"}},
		{name: "all four", body: `{"query":"query Q { a }","operationName":"Q","variables":{"n":1},"extensions":{"e":true}}`, fast: true,
			want: &gateway.Request{Query: "query Q { a }", OperationName: "Q", Variables: map[string]any{"n": num("1")}, Extensions: map[string]any{"e": true}}},
		{name: "whitespace everywhere", body: "{ \"query\" :\t\"{ a }\" ,\r\n \"variables\" : { } }", fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{}}},
		{name: "common escapes in query", body: `{"query":"query {\n  a\t\"x\" \\ \/\r\b\f\n}"}`, fast: true,
			want: &gateway.Request{Query: "query {\n  a\t\"x\" \\ /\r\b\f\n}"}},
		{name: "unicode escapes and a surrogate pair", body: `{"query":"{ a } # \u00e9 \ud83d\ude00"}`, fast: true,
			want: &gateway.Request{Query: "{ a } # é 😀"}},
		{name: "lone surrogate becomes U+FFFD", body: `{"query":"{ a } # \ud800 \udc00x"}`, fast: true,
			want: &gateway.Request{Query: "{ a } # \ufffd \ufffdx"}},
		{name: "invalid UTF-8 becomes U+FFFD", body: "{\"query\":\"{ a } # \xff\xc3\"}", fast: true,
			want: &gateway.Request{Query: "{ a } # \ufffd\ufffd"}},
		{name: "raw UTF-8 kept", body: `{"query":"{ a } # 日本"}`, fast: true,
			want: &gateway.Request{Query: "{ a } # 日本"}},
		{name: "duplicate query: last wins", body: `{"query":"{ a }","query":"{ b }"}`, fast: true,
			want: &gateway.Request{Query: "{ b }"}},
		{name: "duplicate variables: last wins", body: `{"query":"{ a }","variables":{"x":1},"variables":{"y":2}}`, fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{"y": num("2")}}},
		{name: "duplicate variables: a null last", body: `{"query":"{ a }","variables":{"x":1},"variables":null}`, fast: true,
			want: &gateway.Request{Query: "{ a }"}},
		{name: "duplicate operationName: null last", body: `{"query":"{ a }","operationName":"A","operationName":null}`, fast: true,
			want: &gateway.Request{Query: "{ a }"}},
		{name: "duplicate key inside variables: last wins", body: `{"query":"{ a }","variables":{"x":1,"x":[2]}}`, fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{"x": []any{num("2")}}}},
		{name: "a wrong type then a right one: last wins", body: `{"query":5,"query":"{ a }"}`,
			want: &gateway.Request{Query: "{ a }"}},
		{name: "unknown keys ignored", body: `{"id":"x","query":"{ a }","doc":{"a":[1,{"b":null}],"c":"\u0041"},"n":-1.5e3,"t":true,"f":false,"z":null}`, fast: true,
			want: &gateway.Request{Query: "{ a }"}},
		{name: "key in another case matches (encoding/json folds)", body: `{"Query":"{ a }","OPERATIONNAME":"A"}`,
			want: &gateway.Request{Query: "{ a }", OperationName: "A"}},
		{name: "escaped key matches", body: `{"\u0071uery":"{ a }"}`,
			want: &gateway.Request{Query: "{ a }"}},
		{name: "numbers stay json.Number", body: `{"query":"{ a }","variables":{"i":9007199254740993,"f":-0.5,"e":1E+400,"z":0,"m":-0}}`, fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{"i": num("9007199254740993"), "f": num("-0.5"), "e": num("1E+400"), "z": num("0"), "m": num("-0")}}},
		{name: "nested objects and lists", body: `{"query":"{ a }","variables":{"in":{"l":[[],{},[1,"s",true,null]],"o":{"p":{"q":"\n\u00e9"}}}}}`, fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{"in": map[string]any{
				"l": []any{[]any{}, map[string]any{}, []any{num("1"), "s", true, nil}},
				"o": map[string]any{"p": map[string]any{"q": "\né"}}}}}},
		{name: "escaped and invalid UTF-8 keys in variables", body: "{\"query\":\"{ a }\",\"variables\":{\"\\u00e9\":1,\"\xff\":2,\"a\\nb\":3}}", fast: true,
			want: &gateway.Request{Query: "{ a }", Variables: map[string]any{"é": num("1"), "\ufffd": num("2"), "a\nb": num("3")}}},
		{name: "persisted query without query", body: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`, fast: true,
			want: &gateway.Request{Extensions: map[string]any{"persistedQuery": map[string]any{"version": num("1"), "sha256Hash": "abc"}}}},
		{name: "documentId without query", body: `{"documentId":"sha256:abc","variables":{"n":1}}`, fast: true,
			want: &gateway.Request{DocumentID: "sha256:abc", Variables: map[string]any{"n": num("1")}}},
		{name: "documentId escaped", body: `{"documentId":"a\u00e9"}`, fast: true,
			want: &gateway.Request{DocumentID: "aé"}},
		{name: "documentId folded", body: `{"DOCUMENTID":"x"}`, fast: false, want: &gateway.Request{DocumentID: "x"}},
		{name: "documentId a number", body: `{"documentId":1}`, err: "the documentId parameter must be a string"},
		{name: "null for each field", body: `{"query":"{ a }","operationName":null,"variables":null,"extensions":null}`, fast: true,
			want: &gateway.Request{Query: "{ a }"}},

		{name: "null query", body: `{"query":null}`, err: "the query parameter is missing"},
		{name: "no query", body: `{"variables":{}}`, err: "the query parameter is missing"},
		{name: "empty object", body: `{}`, err: "the query parameter is missing"},
		{name: "blank query", body: `{"query":" \n\t"}`, err: "the query parameter is empty"},
		{name: "blank query by escapes", body: `{"query":"\n\u0020"}`, err: "the query parameter is empty"},
		{name: "query a number", body: `{"query":1}`, err: "the query parameter must be a string"},
		{name: "query a list", body: `{"query":["{ a }"]}`, err: "the query parameter must be a string"},
		{name: "operationName a bool", body: `{"query":"{ a }","operationName":true}`, err: "the operationName parameter must be a string"},
		{name: "variables a string", body: `{"query":"{ a }","variables":"{}"}`, err: "the variables parameter must be a JSON object"},
		{name: "variables a list", body: `{"query":"{ a }","variables":[]}`, err: "the variables parameter must be a JSON object"},
		{name: "extensions a number", body: `{"query":"{ a }","extensions":1}`, err: "the extensions parameter must be a JSON object"},
		{name: "a right type then a wrong one: last wins", body: `{"query":"{ a }","query":5}`, err: "the query parameter must be a string"},
		{name: "trailing data", body: `{"query":"{ a }"} {}`, err: "the request body is not valid JSON: unexpected data after the JSON value"},
		{name: "trailing comma", body: `{"query":"{ a }",}`, err: "the request body is not valid JSON: invalid character '}' looking for beginning of object key string"},
		{name: "unterminated", body: `{"query":"{ a }"`, err: "the request body is not valid JSON: unexpected EOF"},
		{name: "control character in a string", body: "{\"query\":\"{ a\x01 }\"}", err: "the request body is not valid JSON: invalid character '\\x01' in string literal"},
		{name: "bad escape", body: `{"query":"\x"}`, err: `the request body is not valid JSON: invalid character 'x' in string escape code`},
		{name: "short unicode escape", body: `{"query":"\u12"}`, err: `the request body is not valid JSON: invalid character '"' in \u hexadecimal character escape`},
		{name: "leading zero", body: `{"query":"{ a }","variables":{"n":01}}`, err: "the request body is not valid JSON: invalid character '1' after object key:value pair"},
		{name: "bad literal", body: `{"query":"{ a }","variables":{"n":nul}}`, err: "the request body is not valid JSON: invalid character '}' in literal null (expecting 'l')"},
		{name: "bad value in an unknown key", body: `{"query":"{ a }","x":[1,]}`, err: "the request body is not valid JSON: invalid character ']' looking for beginning of value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err, fast := decodeBoth(t, []byte(tc.body))
			if fast != tc.fast {
				t.Errorf("handled in one pass: %v, want %v", fast, tc.fast)
			}
			if tc.err != "" {
				if err == nil || err.message != tc.err {
					t.Fatalf("got %#v, %v; want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %q", err.message)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tc.want)
			}
		})
	}
}

// TestDecodeBodyDeepNesting: nesting past the one-pass decoder's bound
// goes through encoding/json, which still decodes it (or refuses it past
// its own bound).
func TestDecodeBodyDeepNesting(t *testing.T) {
	for _, n := range []int{maxFastDepth - 1, maxFastDepth + 1, 20000} {
		for _, key := range []string{"variables", "unknown"} {
			body := `{"query":"{ a }","` + key + `":{"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}`
			_, _, fast := decodeBoth(t, []byte(body))
			if want := n < maxFastDepth; fast != want {
				t.Errorf("%s nested %d deep: handled in one pass %v, want %v", key, n, fast, want)
			}
		}
	}
}

// FuzzDecodeBody: whatever the body, the one-pass decoder either gives up
// or gives exactly what the encoding/json path gives.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ me { id } }"}`,
		`{"query":"query Q($n: Int) {\n  a(n: $n)\n}","operationName":"Q","variables":{"n":1,"s":"\u00e9","l":[1.5e3,true,null,{}]},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}`,
		`{"extensions":{"persistedQuery":{}}}`,
		`{"query":"a","query":null,"Query":"b","x":{"y":[]}}`,
		`{"query":"\ud83d\ude00 \ud800","variables":{"\u0041":-0.0E-1}}`,
		"{\"query\":\"\xff\",\"variables\":{\"\xc3\":\"\xe2\x82\"}}",
		`{"query":" ","operationName":"","variables":{},"extensions":null}`,
		`{"query":"{ a }"} x`,
		`{"query":"{ a }","variables":{"a":01}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		body = bytes.TrimSpace(body)
		if len(body) == 0 || body[0] != '{' {
			return // refused before decoding
		}
		decodeBoth(t, body)
	})
}

// TestReadBody: whatever the announced length, readBody reads what io.ReadAll
// reads, one byte at a time or all at once.
func TestReadBody(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 600, readBodyHint, readBodyHint + 1, 3 * readBodyHint} {
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		for _, hint := range []int64{-1, 0, 1, int64(size) - 1, int64(size), int64(size) + 1, 10 * readBodyHint} {
			for _, oneByte := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(data)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				got, err := readBody(r, hint)
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("size %d hint %d one byte %v: %d bytes, %v", size, hint, oneByte, len(got), err)
				}
			}
		}
	}
	errRead := errors.New("read failed")
	if _, err := readBody(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errRead)), 3); err != errRead {
		t.Errorf("error %v, want %v", err, errRead)
	}
}
