package server

import (
	"encoding/json"
	"testing"
)

// TestUnquoteMatchesEncodingJSON: the fast path gives exactly what
// encoding/json gives, for every escape and for non-strings.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`""`, `"{ me { id } }"`, `"query Q {\n  a\n}\n"`, `"a\tb\r\nc"`, `"q\"uote\" and \\ and \/"`,
		`"\b\f"`, `"é \u00e9 \ud83d\ude00"`, `"\u0000"`, `"trailing\\"`, `"\n"`, `"\\n"`,
		`"mixed \n then \u0041 then \t"`, `"bad \ud800 surrogate"`, `"<\u003c>"`,
		"\"bad \xff utf-8\"", "\"bad \xc3 then \\n\"",
		`42`, `null`, `{"a":1}`, `["x"]`, `true`,
	} {
		var want, got string
		wantErr := json.Unmarshal([]byte(raw), &want)
		gotErr := unquote(json.RawMessage(raw), &got)
		if (wantErr == nil) != (gotErr == nil) || got != want {
			t.Errorf("unquote(%s) = %q, %v; encoding/json: %q, %v", raw, got, gotErr, want, wantErr)
		}
	}
}
