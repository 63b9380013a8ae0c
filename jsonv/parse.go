package jsonv

import (
	"sync"
	"unsafe"
)

// Parser decodes JSON into Value nodes. Object keys without escapes and
// scalar tokens alias the input, which must not be modified afterwards.
// Its Scanner reads the tokens; the nesting bound is DefaultMaxDepth.
type Parser struct {
	Scanner
	slab []Value
	// stack holds the fields of the objects being parsed; each object's
	// fields are copied out into an exactly sized slice from fslab.
	stack []Field
	fslab []Field
	items []*Value
	islab []*Value
	// arena, when set, supplies pooled slabs (see arena.go).
	arena *Arena
}

// parsers keep their scratch stacks (the fields and items of the objects
// and lists being parsed) between parses: grown anew for every subgraph
// answer they were a tenth of the executor's allocations.
var parsers = sync.Pool{New: func() any { return new(Parser) }}

// NewParser returns a parser of data whose nodes come from a's pooled
// slabs (a nil: plain allocations). Release it when done.
func NewParser(data []byte, a *Arena) *Parser {
	p := parsers.Get().(*Parser)
	*p = Parser{Scanner: Scanner{Data: data}, arena: a, stack: p.stack[:0], items: p.items[:0]}
	return p
}

// Release records in the arena how much of its slabs the parse used,
// clears the scratch stacks (they point into the parsed tree and its body)
// and gives the parser back; p must not be used afterwards. The tree stays
// valid.
func (p *Parser) Release() {
	if p.arena != nil {
		p.arena.Finish(len(p.slab), len(p.fslab), len(p.islab))
	}
	if cap(p.stack) > 1024 || cap(p.items) > 1024 {
		return // an outsized answer: let its stacks go
	}
	clear(p.stack[:cap(p.stack)])
	clear(p.items[:cap(p.items)])
	*p = Parser{stack: p.stack[:0], items: p.items[:0]}
	parsers.Put(p)
}

// slabSize sizes the next slab from the bytes left to parse (about one
// node per perByte bytes), so that the many small subgraph answers do not
// each pay for a large, mostly unused slab.
func (p *Parser) slabSize(perByte, least, most int) int {
	return min(max((len(p.Data)-p.Pos)/perByte, least), most)
}

// small reports whether little input is left: the next pooled slab is a
// small one.
func (p *Parser) small() bool { return len(p.Data)-p.Pos < smallBytes }

func (p *Parser) alloc() *Value {
	if len(p.slab) == 0 {
		if p.arena != nil {
			p.slab = p.arena.value(len(p.slab), p.small())
		} else {
			p.slab = make([]Value, p.slabSize(16, 8, 256))
		}
	}
	v := &p.slab[0]
	p.slab = p.slab[1:]
	return v
}

// takeFields moves the fields above base off the stack into their own
// slice (full capacity, so a later append by a merge reallocates instead of
// overwriting a neighbour).
func (p *Parser) takeFields(base int) []Field {
	n := len(p.stack) - base
	switch {
	case len(p.fslab) >= n:
	case p.arena == nil:
		p.fslab = make([]Field, max(n, p.slabSize(16, 8, 512)))
	case n <= FieldChunk:
		p.fslab = p.arena.Fields(len(p.fslab), p.small() && n <= FieldChunk/smallDiv)
	default: // larger than a pooled slab: its own slice, the slab stays
		out := make([]Field, n)
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

func (p *Parser) takeItems(base int) []*Value {
	n := len(p.items) - base
	switch {
	case len(p.islab) >= n:
	case p.arena == nil:
		p.islab = make([]*Value, max(n, p.slabSize(64, 8, 256)))
	case n <= itemChunk:
		p.islab = p.arena.item(len(p.islab), p.small() && n <= itemChunk/smallDiv)
	default: // larger than a pooled slab: its own slice, the slab stays
		out := make([]*Value, n)
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

// scalar is a new scalar node for the token from start to Pos.
func (p *Parser) scalar(start int) *Value {
	v := p.alloc()
	v.Kind = Scalar
	v.SetRaw(p.Data[start:p.Pos])
	return v
}

// Value parses one value (whitespace before it included). Strings must be
// valid UTF-8: their tokens are written out as they are.
func (p *Parser) Value() (*Value, error) {
	p.SkipSpace()
	if p.Pos >= len(p.Data) {
		return nil, p.Fail("unexpected end")
	}
	switch c := p.Data[p.Pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.list()
	case c == '"':
		start := p.Pos
		end, _, problem := ScanString(p.Data, start, true)
		if problem != "" {
			p.Pos = end
			return nil, p.Fail(problem)
		}
		p.Pos = end
		return p.scalar(start), nil
	case c == 'n':
		if err := p.Literal("null"); err != nil {
			return nil, err
		}
		return NullValue, nil
	case c == 't' || c == 'f':
		start := p.Pos
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		if err := p.Literal(lit); err != nil {
			return nil, err
		}
		return p.scalar(start), nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.Pos
		if _, err := p.Number(); err != nil {
			return nil, err
		}
		return p.scalar(start), nil
	default:
		return nil, p.Fail("unexpected character")
	}
}

// Key parses an object key (whitespace before it included); without
// escapes it aliases the input.
func (p *Parser) Key() (string, error) {
	p.SkipSpace()
	if p.Pos >= len(p.Data) || p.Data[p.Pos] != '"' {
		return "", p.Fail("expected object key")
	}
	start := p.Pos
	end, flags, problem := ScanString(p.Data, start, true)
	if problem != "" {
		p.Pos = end
		return "", p.Fail(problem)
	}
	p.Pos = end
	if flags&Escaped != 0 {
		return Decoded(p.Data[start:end], flags), nil
	}
	inner := p.Data[start+1 : end-1]
	return unsafe.String(unsafe.SliceData(inner), len(inner)), nil
}

func (p *Parser) object() (*Value, error) {
	if err := p.Enter(); err != nil {
		return nil, err
	}
	p.Pos++ // {
	v := p.alloc()
	v.Kind = Object
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == '}' {
		p.Pos++
		p.Leave()
		return v, nil
	}
	base := len(p.stack)
	for {
		key, err := p.Key()
		if err != nil {
			return nil, err
		}
		if err := p.Expect(':'); err != nil {
			return nil, err
		}
		val, err := p.Value()
		if err != nil {
			return nil, err
		}
		p.stack = append(p.stack, Field{Key: key, Val: val})
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return nil, p.Fail("unterminated object")
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case '}':
			p.Pos++
			v.SetFields(p.takeFields(base))
			p.Leave()
			return v, nil
		default:
			return nil, p.Fail("expected ',' or '}'")
		}
	}
}

func (p *Parser) list() (*Value, error) {
	if err := p.Enter(); err != nil {
		return nil, err
	}
	p.Pos++ // [
	v := p.alloc()
	v.Kind = List
	p.SkipSpace()
	if p.Pos < len(p.Data) && p.Data[p.Pos] == ']' {
		p.Pos++
		v.SetItems([]*Value{})
		p.Leave()
		return v, nil
	}
	base := len(p.items)
	for {
		item, err := p.Value()
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, item)
		p.SkipSpace()
		if p.Pos >= len(p.Data) {
			return nil, p.Fail("unterminated list")
		}
		switch p.Data[p.Pos] {
		case ',':
			p.Pos++
		case ']':
			p.Pos++
			v.SetItems(p.takeItems(base))
			p.Leave()
			return v, nil
		default:
			return nil, p.Fail("expected ',' or ']'")
		}
	}
}
