package executor

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// TestSkipPlain checks the eight-bytes-at-a-time scan against the byte
// table for every byte value at every offset of a word, alone and after
// other special bytes: it never skips a word holding a byte that ends the
// fast scan, and always skips words that hold none.
func TestSkipPlain(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 24; pos++ {
			for _, fill := range []byte{'a', '~', ' '} {
				data := bytes.Repeat([]byte{fill}, 27)
				data[pos] = byte(c)
				got := skipPlain(data, 0)
				want := 0
				for want+8 <= len(data) && !anySpecial(data[want:want+8]) {
					want += 8
				}
				if got != want {
					t.Fatalf("byte %#x at %d (fill %q): skipPlain = %d, want %d", c, pos, fill, got, want)
				}
			}
		}
	}
}

func anySpecial(b []byte) bool {
	for _, c := range b {
		if strSpecial[c] {
			return true
		}
	}
	return false
}

// FuzzScanString: the string scanner agrees with a byte-by-byte reference
// on where a string ends and whether it is valid.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"\u00e9tait"`, "\"caf\xc3\xa9\"", "\"\x01\"", `"unterminated`, `"0123456789abcdef\\n"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		p := &jsonParser{data: data}
		esc, err := p.scanString()
		wantEnd, wantEsc, wantErr := referenceScan(data)
		if (err != nil) != wantErr {
			t.Fatalf("%q: err %v, reference error %v", data, err, wantErr)
		}
		if err == nil && (p.pos != wantEnd || esc != wantEsc) {
			t.Fatalf("%q: end %d escaped %v, reference %d %v", data, p.pos, esc, wantEnd, wantEsc)
		}
	})
}

// referenceScan is scanString as it was before skipPlain: one byte at a
// time.
func referenceScan(data []byte) (end int, escaped, bad bool) {
	i := 1
	for {
		for i < len(data) && !strSpecial[data[i]] {
			i++
		}
		if i >= len(data) {
			return 0, false, true
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, escaped, false
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				return 0, false, true
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return 0, false, true
				}
				i += 6
			default:
				return 0, false, true
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return 0, false, true
			}
			i += size
		default:
			return 0, false, true
		}
	}
}

// FuzzAppendString: what appendString writes is one JSON string that
// decodes to the input (invalid UTF-8 becoming U+FFFD, as encoding/json
// does).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "id", "a\"b", "tab\there", "\x00\x1f", "café", "\xff", "\u2028", `back\slash`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendString([]byte("x"), s)
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
	})
}
