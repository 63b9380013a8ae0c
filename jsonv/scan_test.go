package jsonv

import (
	"bytes"
	"strconv"
	"testing"
	"unicode/utf8"
)

// special is the byte-at-a-time definition of what PlainRun stops at.
func special(c byte) bool { return c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' }

// TestPlainRun: the word-at-a-time scan stops where a byte-at-a-time one
// does, for every byte value at every offset in a word, alone and followed
// by another byte that stops the scan, from several starting offsets.
func TestPlainRun(t *testing.T) {
	naive := func(b []byte, i int) int {
		for ; i < len(b) && !special(b[i]); i++ {
		}
		return i
	}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 20; pos++ {
			for _, fill := range []byte{'a', '~', ' '} {
				for _, after := range []int{-1, 1, 2, 7} {
					b := bytes.Repeat([]byte{fill}, 27)
					b[pos] = byte(c)
					if after > 0 && pos+after < len(b) {
						b[pos+after] = 0x01
					}
					for start := 0; start < 3; start++ {
						if got, want := PlainRun(b, start), naive(b, start); got != want {
							t.Fatalf("byte %#x at %d (fill %q, then %d): PlainRun from %d = %d, want %d", c, pos, fill, after, start, got, want)
						}
					}
				}
			}
		}
	}
}

// FuzzScanString: the string scanner agrees with a byte-by-byte reference
// on where a string ends, what it holds and whether it is valid, strict
// and not.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"\u00e9tait"`, "\"caf\xc3\xa9\"", "\"\x01\"", `"unterminated`, `"0123456789abcdef\\n"`, "\"bad \xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		for _, strict := range []bool{false, true} {
			end, flags, problem := ScanString(data, 0, strict)
			wantEnd, wantFlags, wantProblem := referenceScan(data, strict)
			if end != wantEnd || flags != wantFlags || problem != wantProblem {
				t.Fatalf("%q strict %v: %d %b %q, reference %d %b %q", data, strict, end, flags, problem, wantEnd, wantFlags, wantProblem)
			}
		}
	})
}

// referenceScan is ScanString one byte at a time.
func referenceScan(data []byte, strict bool) (end int, flags StrFlags, problem string) {
	i := 1
	for {
		for i < len(data) && !special(data[i]) {
			i++
		}
		if i >= len(data) {
			return i, 0, "unterminated string"
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, flags, ""
		case c == '\\':
			flags |= Escaped
			if i+1 >= len(data) {
				return i, 0, "unterminated string"
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !IsHex(data[i+2]) || !IsHex(data[i+3]) || !IsHex(data[i+4]) || !IsHex(data[i+5]) {
					return i, 0, "invalid unicode escape"
				}
				i += 6
			default:
				return i, 0, "invalid escape"
			}
		case c >= utf8.RuneSelf:
			flags |= NonASCII
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				if strict {
					return i, 0, "invalid UTF-8 in string"
				}
				flags |= BadUTF8
			}
			i += size
		default:
			return i, 0, "control character in string"
		}
	}
}

// FuzzSkip: Skip accepts exactly what the parser accepts, stops at the
// same offset and fails with the same message: a skipped value is checked
// as a parsed one is.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"d"}`, `[1,`, `{"a" 1}`, `{"a":1,}`, `[1 2]`, `"\q"`, `-01`, `tru`, "\"\xff\"", `{`, `[[[[]]]]`, ` 12.5e+3 `, `{"a":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Scanner{Data: data}
		raw, skipErr := s.Skip()
		p := NewParser(data, nil)
		defer p.Release()
		_, parseErr := p.Value()
		if (skipErr == nil) != (parseErr == nil) || (skipErr != nil && skipErr.Error() != parseErr.Error()) {
			t.Fatalf("%q: Skip %v, parser %v", data, skipErr, parseErr)
		}
		if skipErr == nil && (s.Pos != p.Pos || !bytes.Equal(raw, bytes.TrimLeft(data[:s.Pos], " \t\r\n"))) {
			t.Fatalf("%q: Skip ends at %d (%q), parser at %d", data, s.Pos, raw, p.Pos)
		}
	})
}

// TestScannerDepth: nesting beyond the bound is refused, by Skip and by the
// parser, with the offset of the first bracket too many.
func TestScannerDepth(t *testing.T) {
	for _, limit := range []int{0, 3} {
		want := limit
		if want == 0 {
			want = DefaultMaxDepth
		}
		ok := bytes.Repeat([]byte("["), want)
		ok = append(ok, bytes.Repeat([]byte("]"), want)...)
		s := Scanner{Data: ok, MaxDepth: limit}
		if _, err := s.Skip(); err != nil {
			t.Fatalf("limit %d: %d levels refused: %v", limit, want, err)
		}
		deep := append([]byte("["), ok...)
		deep = append(deep, ']')
		s = Scanner{Data: deep, MaxDepth: limit}
		_, err := s.Skip()
		if msg := "invalid JSON: nesting too deep at offset " + strconv.Itoa(want); err == nil || err.Error() != msg {
			t.Fatalf("limit %d: %v, want %s", limit, err, msg)
		}
	}
}
