package server

import (
	"encoding/json"
	"strings"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/jsonv"
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
// are still checked to be valid JSON). The tokens are read by jsonv's
// Scanner and strings unescaped by jsonv.Unquote, exactly as encoding/json
// unescapes them.

// maxFastDepth bounds the nesting the one-pass decoder follows (and so its
// recursion); a deeper body goes through encoding/json.
const maxFastDepth = 256

type bodyDecoder struct {
	jsonv.Scanner
	ok bool // false once anything was not handled
}

// decodeBody decodes body (trimmed, starting with '{') into req, and
// reports whether it could; on false req must be discarded.
func decodeBody(body []byte, req *gateway.Request) bool {
	d := bodyDecoder{Scanner: jsonv.Scanner{Data: body, Pos: 1, MaxDepth: maxFastDepth}, ok: true}
	var query []byte // the raw string token, quotes included; nil: absent or null
	var qflags jsonv.StrFlags
	d.SkipSpace()
	if d.Peek() == '}' {
		return false // no query (and no extensions): an error
	}
	for d.ok {
		if d.Peek() != '"' {
			return false
		}
		raw, flags, err := d.String(false)
		if err != nil || flags != 0 {
			return false // an escaped or non-ASCII key may fold onto a name
		}
		key := raw[1 : len(raw)-1]
		d.SkipSpace()
		if d.next() != ':' {
			return false
		}
		d.SkipSpace()
		switch string(key) {
		case "query":
			query, qflags = d.strOrNull()
		case "operationName":
			req.OperationName = ""
			if raw, flags := d.strOrNull(); raw != nil {
				req.OperationName = jsonv.Decoded(raw, flags)
			}
		case "variables":
			req.Variables = d.objectOrNull()
		case "extensions":
			req.Extensions = d.objectOrNull()
		case "documentId":
			req.DocumentID = ""
			if raw, flags := d.strOrNull(); raw != nil {
				req.DocumentID = jsonv.Decoded(raw, flags)
			}
		default:
			if foldsToParam(key) {
				return false
			}
			_, err := d.Skip()
			d.ok = d.ok && err == nil
		}
		d.SkipSpace()
		switch d.next() {
		case ',':
			d.SkipSpace()
			continue
		case '}':
			d.SkipSpace()
			if !d.ok || d.Pos != len(d.Data) {
				return false // trailing data
			}
			return finishBody(query, qflags, req)
		}
		return false
	}
	return false
}

// finishBody applies the checks of params.into that can still fail; query
// is the last query token, scanned with flags.
func finishBody(query []byte, flags jsonv.StrFlags, req *gateway.Request) bool {
	if query == nil {
		_, apq := req.Extensions["persistedQuery"]
		return apq || req.DocumentID != ""
	}
	req.Query = jsonv.Decoded(query, flags)
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

// next returns the next byte and moves past it.
func (d *bodyDecoder) next() byte {
	if d.Pos < len(d.Data) {
		c := d.Data[d.Pos]
		d.Pos++
		return c
	}
	d.ok = false
	return 0
}

// str returns the string token at Pos, quotes included (invalid UTF-8
// allowed: jsonv.Decoded replaces it as encoding/json does).
func (d *bodyDecoder) str() (raw []byte, flags jsonv.StrFlags) {
	raw, flags, err := d.String(false)
	d.ok = d.ok && err == nil
	return raw, flags
}

// string decodes the string token at Pos.
func (d *bodyDecoder) string() string {
	raw, flags := d.str()
	if !d.ok {
		return ""
	}
	return jsonv.Decoded(raw, flags)
}

// literal steps over lit, which must be next.
func (d *bodyDecoder) literal(lit string) {
	d.ok = d.ok && d.Literal(lit) == nil
}

// strOrNull returns the raw string token at Pos and its flags, or nil for
// null; anything else is not handled.
func (d *bodyDecoder) strOrNull() ([]byte, jsonv.StrFlags) {
	switch d.Peek() {
	case '"':
		return d.str()
	case 'n':
		d.literal("null")
		return nil, 0
	}
	d.ok = false
	return nil, 0
}

// objectOrNull decodes the object at Pos, or null (nil); anything else is
// not handled.
func (d *bodyDecoder) objectOrNull() map[string]any {
	switch d.Peek() {
	case '{':
		return d.object()
	case 'n':
		d.literal("null")
		return nil
	}
	d.ok = false
	return nil
}

// value decodes any JSON value as encoding/json decodes it into an any
// with UseNumber.
func (d *bodyDecoder) value() any {
	switch c := d.Peek(); c {
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
		n, err := d.Number()
		d.ok = d.ok && err == nil
		return json.Number(n)
	}
}

// object decodes the object at Pos ('{'); nil when not handled.
func (d *bodyDecoder) object() map[string]any {
	if d.Enter() != nil {
		d.ok = false
		return nil
	}
	defer d.Leave()
	d.Pos++
	m := map[string]any{}
	d.SkipSpace()
	if d.Peek() == '}' {
		d.Pos++
		return m
	}
	for d.ok {
		if d.Peek() != '"' {
			break
		}
		k := d.string()
		d.SkipSpace()
		if d.next() != ':' {
			break
		}
		d.SkipSpace()
		v := d.value()
		if !d.ok {
			break
		}
		m[k] = v
		d.SkipSpace()
		switch d.next() {
		case ',':
			d.SkipSpace()
			continue
		case '}':
			return m
		}
		break
	}
	d.ok = false
	return nil
}

// array decodes the array at Pos ('['); nil when not handled.
func (d *bodyDecoder) array() []any {
	if d.Enter() != nil {
		d.ok = false
		return nil
	}
	defer d.Leave()
	d.Pos++
	a := []any{}
	d.SkipSpace()
	if d.Peek() == ']' {
		d.Pos++
		return a
	}
	for d.ok {
		v := d.value()
		if !d.ok {
			break
		}
		a = append(a, v)
		d.SkipSpace()
		switch d.next() {
		case ',':
			d.SkipSpace()
			continue
		case ']':
			return a
		}
		break
	}
	d.ok = false
	return nil
}
