package jsonv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"unicode/utf8"
)

// ErrSyntax is the sentinel of every JSON syntax error this package
// reports.
var ErrSyntax = errors.New("invalid JSON")

// StrFlags say what a scanned string token holds beyond plain ASCII.
type StrFlags uint8

const (
	// Escaped: the string holds at least one backslash escape.
	Escaped StrFlags = 1 << iota
	// NonASCII: the string holds bytes from 0x80.
	NonASCII
	// BadUTF8: some of those bytes are not valid UTF-8 (encoding/json
	// decodes each such byte as U+FFFD; raw output must refuse them).
	BadUTF8
)

// Scanner reads JSON tokens from Data left to right; Pos is the offset of
// the next byte. It checks everything against the JSON grammar (RFC 8259)
// and never reads outside Data. The zero value with Data set scans from
// the start.
type Scanner struct {
	Data []byte
	Pos  int
	// MaxDepth bounds the nesting Skip follows (0: DefaultMaxDepth).
	MaxDepth int
	depth    int
}

// DefaultMaxDepth is the nesting bound when none is set: deeper input is
// a syntax error ("nesting too deep").
const DefaultMaxDepth = 512

// Fail returns the syntax error what at the current position.
func (s *Scanner) Fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, s.Pos)
}

// SkipSpace moves past JSON whitespace.
func (s *Scanner) SkipSpace() {
	for s.Pos < len(s.Data) {
		switch s.Data[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek returns the next byte, or 0 at the end.
func (s *Scanner) Peek() byte {
	if s.Pos < len(s.Data) {
		return s.Data[s.Pos]
	}
	return 0
}

// Expect skips whitespace and moves past c, which must come next.
func (s *Scanner) Expect(c byte) error {
	s.SkipSpace()
	if s.Pos >= len(s.Data) || s.Data[s.Pos] != c {
		return s.Fail(fmt.Sprintf("expected %q", c))
	}
	s.Pos++
	return nil
}

// Literal moves past lit (null, true or false), which must come next.
func (s *Scanner) Literal(lit string) error {
	if len(s.Data)-s.Pos < len(lit) || string(s.Data[s.Pos:s.Pos+len(lit)]) != lit {
		return s.Fail("invalid literal")
	}
	s.Pos += len(lit)
	return nil
}

// String moves past the string token at Pos (which is '"') and returns it,
// quotes included, with what it holds. Invalid UTF-8 is an error when
// strict, else it is reported in the flags (encoding/json replaces it).
func (s *Scanner) String(strict bool) (raw []byte, flags StrFlags, err error) {
	end, flags, problem := ScanString(s.Data, s.Pos, strict)
	if problem != "" {
		s.Pos = end
		return nil, 0, s.Fail(problem)
	}
	raw = s.Data[s.Pos:end]
	s.Pos = end
	return raw, flags, nil
}

// Number moves past the number token at Pos and returns it.
func (s *Scanner) Number() ([]byte, error) {
	start := s.Pos
	end, ok := ScanNumber(s.Data, start)
	s.Pos = end
	if !ok {
		return nil, s.Fail("invalid number")
	}
	return s.Data[start:end], nil
}

// Enter counts one more level of nesting and fails past MaxDepth; Leave
// undoes it.
func (s *Scanner) Enter() error {
	if s.depth >= s.MaxDepth && (s.MaxDepth > 0 || s.depth >= DefaultMaxDepth) {
		return s.Fail("nesting too deep")
	}
	s.depth++
	return nil
}

// Leave ends a level of nesting opened by Enter.
func (s *Scanner) Leave() { s.depth-- }

// Skip moves past one value (whitespace before it included), checking it,
// and returns its bytes.
func (s *Scanner) Skip() ([]byte, error) {
	s.SkipSpace()
	start := s.Pos
	if err := s.skip(); err != nil {
		return nil, err
	}
	return s.Data[start:s.Pos], nil
}

func (s *Scanner) skip() error {
	switch c := s.Peek(); {
	case c == '{' || c == '[':
		return s.skipContainer(c)
	case c == '"':
		_, _, err := s.String(true)
		return err
	case c == 'n':
		return s.Literal("null")
	case c == 't':
		return s.Literal("true")
	case c == 'f':
		return s.Literal("false")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.Number()
		return err
	case s.Pos >= len(s.Data):
		return s.Fail("unexpected end")
	default:
		return s.Fail("unexpected character")
	}
}

func (s *Scanner) skipContainer(open byte) error {
	if err := s.Enter(); err != nil {
		return err
	}
	closing := byte('}')
	if open == '[' {
		closing = ']'
	}
	s.Pos++
	s.SkipSpace()
	if s.Peek() == closing {
		s.Pos++
		s.Leave()
		return nil
	}
	for {
		if open == '{' {
			s.SkipSpace()
			if s.Peek() != '"' {
				return s.Fail("expected object key")
			}
			if err := s.skip(); err != nil {
				return err
			}
			if err := s.Expect(':'); err != nil {
				return err
			}
		}
		s.SkipSpace()
		if err := s.skip(); err != nil {
			return err
		}
		s.SkipSpace()
		switch s.Peek() {
		case ',':
			s.Pos++
		case closing:
			s.Pos++
			s.Leave()
			return nil
		default:
			return s.endFail(closing)
		}
	}
}

// endFail is the error where a container should go on or close.
func (s *Scanner) endFail(closing byte) error {
	switch {
	case s.Pos < len(s.Data) && closing == '}':
		return s.Fail("expected ',' or '}'")
	case s.Pos < len(s.Data):
		return s.Fail("expected ',' or ']'")
	case closing == '}':
		return s.Fail("unterminated object")
	default:
		return s.Fail("unterminated list")
	}
}

// PlainRun returns the offset of the first byte of b at or after i that
// needs a look inside a string: '"', '\\', a control character or a byte
// from 0x80; len(b) if none. It tests eight bytes at a time (SWAR) with
// the classic tests "some byte is below n" (x-n*ones) and "some byte is
// zero" (on x xored with '"' and with '\\'); in each word the lowest byte
// they flag is always a true one (a borrow only ever reaches the bytes
// above it), so TrailingZeros finds it.
func PlainRun(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		quote, backslash := w^('"'*ones), w^('\\'*ones)
		t := ((w-0x20*ones)|w)&highs | // below 0x20 or from 0x80
			(quote-ones)&^quote&highs | // a '"'
			(backslash-ones)&^backslash&highs // a '\\'
		if t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return i
		}
	}
	return i
}

// ScanString checks the string token starting at data[i] (which must be
// '"') and returns the offset just past its closing quote and what it
// holds. On a syntax error problem says what is wrong and end is where.
// Invalid UTF-8 is such an error when strict (raw output must not carry
// it), else it sets BadUTF8.
func ScanString(data []byte, i int, strict bool) (end int, flags StrFlags, problem string) {
	i++ // past the opening quote
	for {
		i = PlainRun(data, i)
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

// ScanNumber checks the number token starting at data[i] against
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns the offset
// just past it; when it is not one, ok is false and end is where it fails.
func ScanNumber(data []byte, i int) (end int, ok bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case digits() == 0:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if digits() == 0 {
			return i, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return i, false
		}
	}
	return i, true
}

// IsHex reports whether c is a hexadecimal digit.
func IsHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
