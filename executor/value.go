package executor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// kind is the JSON kind of a value node.
type kind uint8

const (
	kindNull kind = iota
	kindScalar
	kindObject
	kindList
)

// value is one node of the response tree: a small ordered JSON tree.
// Scalars keep their raw JSON token (a slice of the subgraph body, so
// strings stay escaped exactly as they arrived); objects keep their fields
// in arrival order. Values are only mutated under the executor's tree lock.
//
// A node is 24 bytes: one pointer and a length and capacity shared by the
// three kinds (a scalar's raw token, an object's fields, a list's items),
// read and written through raw/fields/items and setRaw/setFields/setItems.
// Small nodes keep the tree dense in memory (walking it is most of the
// executor's work) and give the collector one pointer per node to scan.
type value struct {
	ptr  unsafe.Pointer
	n, c uint32
	kind kind
}

// maxNodeLen bounds what one node can hold (its length is 32 bits); the
// parser refuses a body larger than this.
const maxNodeLen = 1<<32 - 1

// raw is a scalar's JSON token (string with quotes, number, true, false).
func (v *value) raw() []byte { return unsafe.Slice((*byte)(v.ptr), v.n) }

// fields are an object's fields in arrival order.
func (v *value) fields() []field { return unsafe.Slice((*field)(v.ptr), v.c)[:v.n] }

// items are a list's items.
func (v *value) items() []*value { return unsafe.Slice((**value)(v.ptr), v.c)[:v.n] }

func (v *value) setRaw(b []byte) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b)), uint32(len(b))
}

func (v *value) setFields(f []field) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(f)), uint32(len(f)), uint32(cap(f))
}

func (v *value) setItems(it []*value) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(it)), uint32(len(it)), uint32(cap(it))
}

// scalarValue is a new scalar node for the JSON token raw.
func scalarValue(raw []byte) *value {
	v := &value{kind: kindScalar}
	v.setRaw(raw)
	return v
}

type field struct {
	key string
	val *value
}

var nullValue = &value{kind: kindNull}

// get returns the field named key of an object, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	fs := v.fields()
	for i := range fs {
		if fs[i].key == key {
			return fs[i].val
		}
	}
	return nil
}

// index returns the position of the field named key, or -1.
func (v *value) index(key string) int {
	fs := v.fields()
	for i := range fs {
		if fs[i].key == key {
			return i
		}
	}
	return -1
}

// set replaces or appends the field key.
func (v *value) set(key string, val *value) {
	fs := v.fields()
	for i := range fs {
		if fs[i].key == key {
			fs[i].val = val
			return
		}
	}
	v.setFields(append(fs, field{key: key, val: val}))
}

// typenameOf returns the __typename the planner fetched for obj: under
// "__junction___typename" when the client uses the key "__typename" for
// another field at that object (see planner internal fields), else under
// "__typename".
// typenameAlias is the response key under which the planner asks for a
// __typename it needs for itself.
const typenameAlias = "__junction___typename"

func typenameOf(obj *value) (string, bool) {
	if tn, ok := obj.get(typenameAlias).stringValue(); ok {
		return tn, true
	}
	return obj.get("__typename").stringValue()
}

func (v *value) isNull() bool { return v == nil || v.kind == kindNull }

// stringValue returns the unescaped string of a JSON string scalar.
func (v *value) stringValue() (string, bool) {
	if v == nil || v.kind != kindScalar || v.n < 2 {
		return "", false
	}
	raw := v.raw()
	if raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			s, err := unquote(raw)
			return s, err == nil
		}
	}
	return unsafe.String(unsafe.SliceData(inner), len(inner)), true
}

// errSyntax is the sentinel of every JSON parse failure.
var errSyntax = errors.New("invalid JSON")

// jsonParser decodes JSON into value nodes. Object keys without escapes and
// scalar tokens alias the input, which must not be modified afterwards.
type jsonParser struct {
	data  []byte
	pos   int
	depth int
	slab  []value
	// stack holds the fields of the objects being parsed; each object's
	// fields are copied out into an exactly sized slice from fslab.
	stack []field
	fslab []field
	items []*value
	islab []*value
	// arena, when set, supplies pooled slabs (see arena.go).
	arena *arena
}

const maxDepth = 512

// parsers keep their scratch stacks (the fields and items of the objects
// and lists being parsed) between parses: grown anew for every subgraph
// answer they were a tenth of the executor's allocations.
var parsers = sync.Pool{New: func() any { return new(jsonParser) }}

func newParser(data []byte, a *arena) *jsonParser {
	p := parsers.Get().(*jsonParser)
	*p = jsonParser{data: data, arena: a, stack: p.stack[:0], items: p.items[:0]}
	return p
}

// release clears the scratch stacks (they point into the parsed tree and
// its body) and gives the parser back; p must not be used afterwards.
func (p *jsonParser) release() {
	if cap(p.stack) > 1024 || cap(p.items) > 1024 {
		return // an outsized answer: let its stacks go
	}
	clear(p.stack[:cap(p.stack)])
	clear(p.items[:cap(p.items)])
	*p = jsonParser{stack: p.stack[:0], items: p.items[:0]}
	parsers.Put(p)
}

// slabSize sizes the next slab from the bytes left to parse (about one
// node per perByte bytes), so that the many small subgraph answers do not
// each pay for a large, mostly unused slab.
func (p *jsonParser) slabSize(perByte, least, most int) int {
	return min(max((len(p.data)-p.pos)/perByte, least), most)
}

// small reports whether little input is left: the next pooled slab is a
// small one.
func (p *jsonParser) small() bool { return len(p.data)-p.pos < smallBytes }

func (p *jsonParser) alloc() *value {
	if len(p.slab) == 0 {
		if p.arena != nil {
			p.slab = p.arena.value(len(p.slab), p.small())
		} else {
			p.slab = make([]value, p.slabSize(16, 8, 256))
		}
	}
	v := &p.slab[0]
	p.slab = p.slab[1:]
	return v
}

// takeFields moves the fields above base off the stack into their own
// slice (full capacity, so a later append by a merge reallocates instead of
// overwriting a neighbour).
func (p *jsonParser) takeFields(base int) []field {
	n := len(p.stack) - base
	switch {
	case len(p.fslab) >= n:
	case p.arena == nil:
		p.fslab = make([]field, max(n, p.slabSize(16, 8, 512)))
	case n <= fieldChunk:
		p.fslab = p.arena.field(len(p.fslab), p.small() && n <= fieldChunk/smallDiv)
	default: // larger than a pooled slab: its own slice, the slab stays
		out := make([]field, n)
		copy(out, p.stack[base:])
		p.stack = p.stack[:base]
		return out
	}
	out := p.fslab[:n:n]
	p.fslab = p.fslab[n:]
	copy(out, p.stack[base:])
	p.stack = p.stack[:base]
	return out
}

func (p *jsonParser) takeItems(base int) []*value {
	n := len(p.items) - base
	switch {
	case len(p.islab) >= n:
	case p.arena == nil:
		p.islab = make([]*value, max(n, p.slabSize(64, 8, 256)))
	case n <= itemChunk:
		p.islab = p.arena.item(len(p.islab), p.small() && n <= itemChunk/smallDiv)
	default: // larger than a pooled slab: its own slice, the slab stays
		out := make([]*value, n)
		copy(out, p.items[base:])
		p.items = p.items[:base]
		return out
	}
	out := p.islab[:n:n]
	p.islab = p.islab[n:]
	copy(out, p.items[base:])
	p.items = p.items[:base]
	return out
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errSyntax, what, p.pos)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) parseValue() (*value, error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.parseObject()
	case c == '[':
		return p.parseList()
	case c == '"':
		start := p.pos
		if _, err := p.scanString(); err != nil {
			return nil, err
		}
		v := p.alloc()
		v.kind = kindScalar
		v.setRaw(p.data[start:p.pos])
		return v, nil
	case c == 'n':
		if err := p.literal("null"); err != nil {
			return nil, err
		}
		return nullValue, nil
	case c == 't' || c == 'f':
		start := p.pos
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		if err := p.literal(lit); err != nil {
			return nil, err
		}
		v := p.alloc()
		v.kind = kindScalar
		v.setRaw(p.data[start:p.pos])
		return v, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		if err := p.scanNumber(); err != nil {
			return nil, err
		}
		v := p.alloc()
		v.kind = kindScalar
		v.setRaw(p.data[start:p.pos])
		return v, nil
	default:
		return nil, p.fail("unexpected character")
	}
}

func (p *jsonParser) literal(lit string) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	return nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber moves past -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) scanNumber() error {
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		p.pos = i
		return p.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return p.fail("invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return p.fail("invalid number")
		}
	}
	p.pos = i
	return nil
}

// strSpecial marks the bytes that end the fast scan of a string.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true // checked as UTF-8
	}
	return t
}()

// skipPlain returns the offset of the first 8-byte word at or after i that
// holds a byte ending the fast scan (strSpecial): '"', '\\', a control
// character or a non-ASCII byte. It reads eight bytes at a time (SWAR)
// with the classic exact tests "some byte is below n" ((x-n*ones)&^x) and
// "some byte is zero" (on x xored with '"' and '\\'); the byte loop after
// it finds the byte itself.
func skipPlain(data []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		q := x ^ ('"' * ones)
		b := x ^ ('\\' * ones)
		if ((x-0x20*ones)&^x|(q-ones)&^q|(b-ones)&^b|x)&highs != 0 {
			return i
		}
		i += 8
	}
	return i
}

// scanString moves past a JSON string starting at p.pos and reports whether
// it contains escapes.
func (p *jsonParser) scanString() (escaped bool, err error) {
	data, i := p.data, p.pos+1 // past the opening quote
	for {
		i = skipPlain(data, i)
		for i < len(data) && !strSpecial[data[i]] {
			i++
		}
		if i >= len(data) {
			p.pos = i
			return false, p.fail("unterminated string")
		}
		switch c := data[i]; {
		case c == '"':
			p.pos = i + 1
			return escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				p.pos = i
				return false, p.fail("unterminated string")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					p.pos = i
					return false, p.fail("invalid unicode escape")
				}
				i += 6
			default:
				p.pos = i
				return false, p.fail("invalid escape")
			}
		case c >= utf8.RuneSelf:
			// Raw strings reach the client as they are: invalid UTF-8
			// would make the whole response invalid JSON.
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				p.pos = i
				return false, p.fail("invalid UTF-8 in string")
			}
			i += size
		default:
			p.pos = i
			return false, p.fail("control character in string")
		}
	}
}

func (p *jsonParser) parseKey() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return "", p.fail("expected object key")
	}
	start := p.pos
	escaped, err := p.scanString()
	if err != nil {
		return "", err
	}
	if escaped {
		return unquote(p.data[start:p.pos])
	}
	inner := p.data[start+1 : p.pos-1]
	return unsafe.String(unsafe.SliceData(inner), len(inner)), nil
}

func (p *jsonParser) expect(c byte) error {
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != c {
		return p.fail(fmt.Sprintf("expected %q", c))
	}
	p.pos++
	return nil
}

func (p *jsonParser) parseObject() (*value, error) {
	if p.depth >= maxDepth {
		return nil, p.fail("nesting too deep")
	}
	p.depth++
	p.pos++ // {
	v := p.alloc()
	v.kind = kindObject
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return v, nil
	}
	base := len(p.stack)
	for {
		key, err := p.parseKey()
		if err != nil {
			return nil, err
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		val, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		p.stack = append(p.stack, field{key: key, val: val})
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.setFields(p.takeFields(base))
			p.depth--
			return v, nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *jsonParser) parseList() (*value, error) {
	if p.depth >= maxDepth {
		return nil, p.fail("nesting too deep")
	}
	p.depth++
	p.pos++ // [
	v := p.alloc()
	v.kind = kindList
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		v.setItems([]*value{})
		p.depth--
		return v, nil
	}
	base := len(p.items)
	for {
		item, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, item)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unterminated list")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.setItems(p.takeItems(base))
			p.depth--
			return v, nil
		default:
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

// skipValue moves past one value and returns its raw bytes.
func (p *jsonParser) skipValue() ([]byte, error) {
	p.skipSpace()
	start := p.pos
	if _, err := p.parseValue(); err != nil {
		return nil, err
	}
	return p.data[start:p.pos], nil
}

// appendValue writes v as compact JSON.
func appendValue(buf []byte, v *value) []byte {
	switch {
	case v == nil || v.kind == kindNull:
		return append(buf, "null"...)
	case v.kind == kindScalar:
		return append(buf, v.raw()...)
	case v.kind == kindList:
		buf = append(buf, '[')
		for i, it := range v.items() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, it)
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i, f := range v.fields() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, f.key)
			buf = append(buf, ':')
			buf = appendValue(buf, f.val)
		}
		return append(buf, '}')
	}
}
