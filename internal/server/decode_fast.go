package server

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/junction-gateway/junction/internal/gateway"
)

// One-pass decoding of a GraphQL-over-HTTP POST body.
//
// decodeBody reads the body object once, left to right, and fills the
// Request directly: the query and operationName strings, and variables and
// extensions built as map[string]any with json.Number numbers, exactly as
// encoding/json (with UseNumber) builds them. It handles only bodies that
// the encoding/json path (decodeParams) accepts, and gives the same Request
// for them; everything else (any syntax error, a wrong type, a missing or
// blank query, a top-level key that encoding/json could fold onto one of
// the four names, very deep nesting) makes it give up, and the caller
// decodes the body again with decodeParams, which gives today's error.
// FuzzDecodeBody checks this against decodeParams.
//
// Duplicate keys: the last one wins, at the top level and inside objects,
// as in encoding/json. Unknown top-level keys are ignored (their values
// are still checked to be valid JSON). Strings are unescaped by unquote,
// which hands every \u escape and invalid UTF-8 to encoding/json.

// maxFastDepth bounds the nesting the one-pass decoder follows (and so its
// recursion); a deeper body goes through encoding/json.
const maxFastDepth = 256

type bodyDecoder struct {
	b     []byte
	i     int
	depth int
	ok    bool // false once anything was not handled
}

// decodeBody decodes body (trimmed, starting with '{') into req, and
// reports whether it could; on false req must be discarded.
func decodeBody(body []byte, req *gateway.Request) bool {
	d := bodyDecoder{b: body, i: 1, ok: true}
	var query []byte // the raw string token, quotes included; nil: absent or null
	d.ws()
	if d.peek() == '}' {
		return false // no query (and no extensions): an error
	}
	for d.ok {
		if d.peek() != '"' {
			return false
		}
		raw, plain := d.str()
		if !d.ok || !plain {
			return false // an escaped or non-ASCII key may fold onto a name
		}
		key := raw[1 : len(raw)-1]
		d.ws()
		if d.next() != ':' {
			return false
		}
		d.ws()
		switch string(key) {
		case "query":
			query = d.strOrNull()
		case "operationName":
			req.OperationName = ""
			if raw := d.strOrNull(); raw != nil {
				d.ok = d.ok && unquote(raw, &req.OperationName) == nil
			}
		case "variables":
			req.Variables = d.objectOrNull()
		case "extensions":
			req.Extensions = d.objectOrNull()
		case "documentId":
			req.DocumentID = ""
			if raw := d.strOrNull(); raw != nil {
				d.ok = d.ok && unquote(raw, &req.DocumentID) == nil
			}
		default:
			if foldsToParam(key) {
				return false
			}
			d.skip()
		}
		d.ws()
		switch d.next() {
		case ',':
			d.ws()
			continue
		case '}':
			d.ws()
			if !d.ok || d.i != len(d.b) {
				return false // trailing data
			}
			return finishBody(query, req)
		}
		return false
	}
	return false
}

// finishBody applies the checks of params.into that can still fail.
func finishBody(query []byte, req *gateway.Request) bool {
	if query == nil {
		_, apq := req.Extensions["persistedQuery"]
		return apq || req.DocumentID != ""
	}
	if unquote(query, &req.Query) != nil {
		return false
	}
	return strings.TrimSpace(req.Query) != ""
}

// foldsToParam reports whether an ASCII key equals one of the parameter
// names ignoring case (encoding/json matches names that way).
func foldsToParam(key []byte) bool {
	for _, n := range [...]string{"query", "operationName", "variables", "extensions", "documentId"} {
		if strings.EqualFold(string(key), n) {
			return true
		}
	}
	return false
}

func (d *bodyDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *bodyDecoder) next() byte {
	if d.i < len(d.b) {
		c := d.b[d.i]
		d.i++
		return c
	}
	d.ok = false
	return 0
}

// ws skips JSON whitespace.
func (d *bodyDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// str scans the string token at d.i (which is '"') and returns it, quotes
// included, checked against the JSON grammar. plain reports that it has
// neither escapes nor bytes outside ASCII.
func (d *bodyDecoder) str() (raw []byte, plain bool) {
	start := d.i
	d.i++
	plain = true
	for {
		d.i = plainRun(d.b, d.i)
		if d.i >= len(d.b) {
			d.ok = false
			return nil, false
		}
		switch c := d.b[d.i]; {
		case c == '"':
			d.i++
			return d.b[start:d.i], plain
		case c == '\\':
			plain = false
			if !d.escape() {
				d.ok = false
				return nil, false
			}
		case c < 0x20:
			d.ok = false
			return nil, false
		default: // outside ASCII
			plain = false
			d.i++
		}
	}
}

// plainRun returns the index of the first byte of b at or after i that
// needs a look inside a string: '"', '\\', a control character or a byte
// outside ASCII; len(b) if none. It tests eight bytes at a time: in each
// word, the lowest byte flagged by these bit tricks is always a true one
// (a borrow only ever reaches the bytes above it).
func plainRun(b []byte, i int) int {
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

// escape checks the escape sequence at d.i and steps over it.
func (d *bodyDecoder) escape() bool {
	if d.i+1 >= len(d.b) {
		return false
	}
	switch d.b[d.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		d.i += 2
		return true
	case 'u':
		if d.i+6 > len(d.b) {
			return false
		}
		for _, h := range d.b[d.i+2 : d.i+6] {
			if !isHex(h) {
				return false
			}
		}
		d.i += 6
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// string decodes the string token at d.i.
func (d *bodyDecoder) string() string {
	raw, plain := d.str()
	if !d.ok {
		return ""
	}
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if unquote(raw, &s) != nil {
		d.ok = false
	}
	return s
}

// strOrNull returns the raw string token at d.i, or nil for null; anything
// else is not handled.
func (d *bodyDecoder) strOrNull() []byte {
	switch d.peek() {
	case '"':
		raw, _ := d.str()
		return raw
	case 'n':
		d.literal("null")
		return nil
	}
	d.ok = false
	return nil
}

// objectOrNull decodes the object at d.i, or null (nil); anything else is
// not handled.
func (d *bodyDecoder) objectOrNull() map[string]any {
	switch d.peek() {
	case '{':
		return d.object()
	case 'n':
		d.literal("null")
		return nil
	}
	d.ok = false
	return nil
}

// literal steps over lit, which must be next.
func (d *bodyDecoder) literal(lit string) {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		d.ok = false
		return
	}
	d.i += len(lit)
}

// number steps over the number at d.i and returns it, checked against the
// JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *bodyDecoder) number() []byte {
	start := d.i
	if d.peek() == '-' {
		d.i++
	}
	switch c := d.peek(); {
	case c == '0':
		d.i++
	case '1' <= c && c <= '9':
		d.digits()
	default:
		d.ok = false
		return nil
	}
	if d.peek() == '.' {
		d.i++
		if !d.digits() {
			d.ok = false
			return nil
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.i++
		if c := d.peek(); c == '+' || c == '-' {
			d.i++
		}
		if !d.digits() {
			d.ok = false
			return nil
		}
	}
	return d.b[start:d.i]
}

// digits steps over [0-9]* and reports whether there was at least one.
func (d *bodyDecoder) digits() bool {
	start := d.i
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		d.i++
	}
	return d.i > start
}

// value decodes any JSON value as encoding/json decodes it into an any
// with UseNumber.
func (d *bodyDecoder) value() any {
	switch c := d.peek(); c {
	case '{':
		if m := d.object(); m != nil {
			return m
		}
		return nil
	case '[':
		return d.array()
	case '"':
		return d.string()
	case 't':
		d.literal("true")
		return true
	case 'f':
		d.literal("false")
		return false
	case 'n':
		d.literal("null")
		return nil
	default:
		if n := d.number(); n != nil {
			return json.Number(n)
		}
		return nil
	}
}

// object decodes the object at d.i ('{'); nil when not handled.
func (d *bodyDecoder) object() map[string]any {
	if d.depth++; d.depth > maxFastDepth {
		d.ok = false
		return nil
	}
	defer func() { d.depth-- }()
	d.i++
	m := map[string]any{}
	d.ws()
	if d.peek() == '}' {
		d.i++
		return m
	}
	for d.ok {
		if d.peek() != '"' {
			break
		}
		k := d.string()
		d.ws()
		if d.next() != ':' {
			break
		}
		d.ws()
		v := d.value()
		if !d.ok {
			break
		}
		m[k] = v
		d.ws()
		switch d.next() {
		case ',':
			d.ws()
			continue
		case '}':
			return m
		}
		break
	}
	d.ok = false
	return nil
}

// array decodes the array at d.i ('['); nil when not handled.
func (d *bodyDecoder) array() []any {
	if d.depth++; d.depth > maxFastDepth {
		d.ok = false
		return nil
	}
	defer func() { d.depth-- }()
	d.i++
	a := []any{}
	d.ws()
	if d.peek() == ']' {
		d.i++
		return a
	}
	for d.ok {
		v := d.value()
		if !d.ok {
			break
		}
		a = append(a, v)
		d.ws()
		switch d.next() {
		case ',':
			d.ws()
			continue
		case ']':
			return a
		}
		break
	}
	d.ok = false
	return nil
}

// skip checks the value at d.i without building it.
func (d *bodyDecoder) skip() {
	switch c := d.peek(); c {
	case '{', '[':
		d.skipContainer(c)
	case '"':
		d.str()
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		d.number()
	}
}

func (d *bodyDecoder) skipContainer(open byte) {
	if d.depth++; d.depth > maxFastDepth {
		d.ok = false
		return
	}
	defer func() { d.depth-- }()
	closing := byte('}')
	if open == '[' {
		closing = ']'
	}
	d.i++
	d.ws()
	if d.peek() == closing {
		d.i++
		return
	}
	for d.ok {
		if open == '{' {
			if d.peek() != '"' {
				break
			}
			d.str()
			d.ws()
			if d.next() != ':' {
				break
			}
			d.ws()
		}
		d.skip()
		if !d.ok {
			break
		}
		d.ws()
		switch d.next() {
		case ',':
			d.ws()
			continue
		case closing:
			return
		}
		break
	}
	d.ok = false
}
