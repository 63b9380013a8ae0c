package jsonv

import (
	"bytes"
	"encoding/json"
	"testing"
)

var unquoteCases = []string{
	`""`, `"{ me { id } }"`, `"query Q {\n  a\n}\n"`, `"a\tb\r\nc"`, `"q\"uote\" and \\ and \/"`,
	`"\b\f"`, `"é \u00e9 \ud83d\ude00"`, `"\u0000"`, `"trailing\\"`, `"\n"`, `"\\n"`,
	`"mixed \n then \u0041 then \t"`, `"bad \ud800 surrogate"`, `"<\u003c>"`, `"\ud800\ud800\udc00"`,
	`"\udc00\ud800"`, `"\ud83d\u0041"`, `"\ud83d\"`, `"\ud83d\u12"`, `"\uD83D\uDE00 upper"`,
	"\"bad \xff utf-8\"", "\"bad \xc3 then \\n\"", "\"\xed\xa0\x80 encoded surrogate\"",
	`42`, `null`, `{"a":1}`, `["x"]`, `true`, `"a"b"`, `"unterminated`, `"ctl` + "\x01" + `"`, `"\x"`, ``,
}

// TestUnquote: Unquote gives exactly what encoding/json gives for every
// escape, surrogate and invalid byte, and refuses what is not one string
// token (encoding/json's null, which leaves a string alone, included).
func TestUnquote(t *testing.T) {
	for _, raw := range unquoteCases {
		checkUnquote(t, []byte(raw))
	}
}

// FuzzUnquote: TestUnquote on any input.
func FuzzUnquote(f *testing.F) {
	for _, raw := range unquoteCases {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkUnquote(t, raw)
	})
}

func checkUnquote(t *testing.T, raw []byte) {
	t.Helper()
	got, gotErr := Unquote(raw)
	var want string
	wantErr := json.Unmarshal(raw, &want)
	if trimmed := bytes.TrimSpace(raw); wantErr == nil && (len(trimmed) != len(raw) || raw[0] != '"') {
		want, wantErr = "", errNotToken // space around the token, or null
	}
	if (gotErr == nil) != (wantErr == nil) || (wantErr == nil && got != want) {
		t.Fatalf("Unquote(%q) = %q, %v; encoding/json: %q, %v", raw, got, gotErr, want, wantErr)
	}
	if len(raw) > 0 && raw[0] == '"' {
		if end, flags, problem := ScanString(raw, 0, false); problem == "" && end == len(raw) {
			if d := Decoded(raw, flags); d != got {
				t.Fatalf("Decoded(%q) = %q, Unquote %q", raw, d, got)
			}
		}
	}
}

var errNotToken = json.Unmarshal([]byte(`x`), new(string))

// FuzzAppendString: what AppendString writes is one JSON string that
// decodes to the input (invalid UTF-8 becoming U+FFFD, as encoding/json
// does), and Unquote takes it back.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "id", "a\"b", "tab\there", "\x00\x1f", "café", "\xff", "\u2028", `back\slash`, "0123456789abcdef\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString([]byte("x"), s)
		if out[0] != 'x' {
			t.Fatal("prefix lost")
		}
		var got string
		if err := json.Unmarshal(out[1:], &got); err != nil {
			t.Fatalf("%q: %s is not a JSON string: %v", s, out[1:], err)
		}
		// encoding/json's own round trip is the oracle (it replaces each
		// invalid byte with U+FFFD).
		enc, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(enc, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q: decodes to %q, want %q", s, got, want)
		}
		if back, err := Unquote(out[1:]); err != nil || back != want {
			t.Fatalf("%q: Unquote gives %q, %v; want %q", s, back, err, want)
		}
	})
}
