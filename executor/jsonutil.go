package executor

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// unquote decodes a JSON string token (with quotes).
func unquote(raw []byte) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: %v", errSyntax, err)
	}
	return s, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping only what JSON requires
// (<, > and & stay as they are: the output is not HTML); invalid UTF-8
// becomes U+FFFD.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	// Most strings (response keys, type names) need no escaping: find the
	// first byte that might, and copy everything before it at once.
	start := 0
	i0 := 0
	for i0 < len(s) && !strSpecial[s[i0]] {
		i0++
	}
	if i0 == len(s) {
		buf = append(buf, s...)
		return append(buf, '"')
	}
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

// appendAny writes a Go value (coerced variables) as JSON.
func appendAny(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case string:
		return appendString(buf, x), nil
	case bool:
		if x {
			return append(buf, "true"...), nil
		}
		return append(buf, "false"...), nil
	case json.RawMessage:
		return append(buf, x...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, fmt.Errorf("executor: encode variable: %w", err)
	}
	return append(buf, b...), nil
}
