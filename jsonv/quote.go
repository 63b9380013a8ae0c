package jsonv

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Unquote decodes the JSON string token raw (quotes included, nothing
// around it) exactly as encoding/json decodes it into a string: escapes
// undone, a \u escape of a lone or mismatched surrogate and every byte of
// invalid UTF-8 as U+FFFD. Anything but one string token is an ErrSyntax
// error. The result never aliases raw.
func Unquote(raw []byte) (string, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("%w: not a string", ErrSyntax)
	}
	end, flags, problem := ScanString(raw, 0, false)
	switch {
	case problem != "":
		return "", fmt.Errorf("%w: %s at offset %d", ErrSyntax, problem, end)
	case end != len(raw):
		return "", fmt.Errorf("%w: data after the string at offset %d", ErrSyntax, end)
	}
	return Decoded(raw, flags), nil
}

// Decoded is the string of the token raw, which ScanString accepted with
// flags (not strict): Unquote without checking raw again. It never aliases
// raw.
func Decoded(raw []byte, flags StrFlags) string {
	in := raw[1 : len(raw)-1]
	if flags&(Escaped|BadUTF8) == 0 {
		return string(in)
	}
	var b strings.Builder // one allocation: String does not copy
	b.Grow(len(in))
	for i := 0; i < len(in); {
		// Valid UTF-8 needs a look only at escapes: IndexByte finds them
		// fastest.
		var j int
		if flags&BadUTF8 == 0 {
			if j = bytes.IndexByte(in[i:], '\\'); j < 0 {
				j = len(in)
			} else {
				j += i
			}
		} else {
			j = PlainRun(in, i)
		}
		b.Write(in[i:j])
		if i = j; i >= len(in) {
			break
		}
		c := in[i]
		if c != '\\' { // from 0x80 (the scan let nothing else through)
			r, size := utf8.DecodeRune(in[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.Write(in[i : i+size])
			}
			i += size
			continue
		}
		switch c := in[i+1]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			r := hex4(in[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair decodes to one rune; anything else is U+FFFD and
				// what follows is decoded on its own.
				r2 := rune(-1)
				if i+6 <= len(in) && in[i] == '\\' && in[i+1] == 'u' {
					r2 = hex4(in[i+2 : i+6])
				}
				if r = utf16.DecodeRune(r, r2); r != utf8.RuneError {
					i += 6
				}
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(c)
		}
		i += 2
	}
	return b.String()
}

// hex4 is the value of four hexadecimal digits (checked by ScanString).
func hex4(h []byte) rune {
	var r rune
	for _, c := range h[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

const hexDigits = "0123456789abcdef"

// AppendString writes s as a JSON string, escaping only what JSON requires
// (<, > and & stay as they are: the output is not HTML); invalid UTF-8
// becomes U+FFFD.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	// Most strings (response keys, type names) need no escaping: find the
	// first byte that might, and copy everything before it at once.
	i0 := PlainRun(unsafe.Slice(unsafe.StringData(s), len(s)), 0)
	if i0 == len(s) {
		buf = append(buf, s...)
		return append(buf, '"')
	}
	start := 0
	for i := i0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
