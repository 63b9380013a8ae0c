package jsonv

import "unsafe"

// Kind is the JSON kind of a Value.
type Kind uint8

// The kinds of values.
const (
	Null Kind = iota
	Scalar
	Object
	List
)

// Value is one node of a small ordered JSON tree. Scalars keep their raw
// JSON token (a slice of the parsed body, so strings stay escaped exactly
// as they arrived); objects keep their fields in arrival order. A Value is
// not safe for concurrent writes: its owner serialises them.
//
// A node is 24 bytes: one pointer and a length and capacity shared by the
// three kinds (a scalar's raw token, an object's fields, a list's items),
// read and written through Raw/Fields/Items and SetRaw/SetFields/SetItems.
// Small nodes keep the tree dense in memory (walking it is most of a
// gateway's work) and give the collector one pointer per node to scan.
type Value struct {
	ptr  unsafe.Pointer
	n, c uint32
	Kind Kind
}

// Field is one field of an object.
type Field struct {
	Key string
	Val *Value
}

// MaxNodeLen bounds what one node can hold (its length is 32 bits); the
// parser refuses a body larger than this.
const MaxNodeLen = 1<<32 - 1

// NullValue is the one null node the parser returns for every null; never
// modify it.
var NullValue = &Value{Kind: Null}

// NewScalar is a new scalar node for the JSON token raw (not copied).
func NewScalar(raw []byte) *Value {
	v := &Value{Kind: Scalar}
	v.SetRaw(raw)
	return v
}

// Len is the length of a scalar's token, or the number of an object's
// fields or a list's items.
func (v *Value) Len() int { return int(v.n) }

// Raw is a scalar's JSON token (string with quotes, number, true, false).
func (v *Value) Raw() []byte { return unsafe.Slice((*byte)(v.ptr), v.n) }

// Fields are an object's fields in arrival order.
func (v *Value) Fields() []Field { return unsafe.Slice((*Field)(v.ptr), v.c)[:v.n] }

// Items are a list's items.
func (v *Value) Items() []*Value { return unsafe.Slice((**Value)(v.ptr), v.c)[:v.n] }

// SetRaw makes v hold the token b (not copied).
func (v *Value) SetRaw(b []byte) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b)), uint32(len(b))
}

// SetFields makes v hold the fields f (not copied; its capacity is kept).
func (v *Value) SetFields(f []Field) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(f)), uint32(len(f)), uint32(cap(f))
}

// SetItems makes v hold the items it (not copied; its capacity is kept).
func (v *Value) SetItems(it []*Value) {
	v.ptr, v.n, v.c = unsafe.Pointer(unsafe.SliceData(it)), uint32(len(it)), uint32(cap(it))
}

// Get returns the field named key of an object, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	fs := v.Fields()
	for i := range fs {
		if fs[i].Key == key {
			return fs[i].Val
		}
	}
	return nil
}

// Index returns the position of the field named key, or -1.
func (v *Value) Index(key string) int {
	fs := v.Fields()
	for i := range fs {
		if fs[i].Key == key {
			return i
		}
	}
	return -1
}

// Set replaces or appends the field key.
func (v *Value) Set(key string, val *Value) {
	fs := v.Fields()
	for i := range fs {
		if fs[i].Key == key {
			fs[i].Val = val
			return
		}
	}
	v.SetFields(append(fs, Field{Key: key, Val: val}))
}

// IsNull reports whether v is absent or null.
func (v *Value) IsNull() bool { return v == nil || v.Kind == Null }

// StringValue returns the unescaped string of a JSON string scalar; without
// escapes it aliases the token.
func (v *Value) StringValue() (string, bool) {
	if v == nil || v.Kind != Scalar || v.n < 2 {
		return "", false
	}
	raw := v.Raw()
	if raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			s, err := Unquote(raw)
			return s, err == nil
		}
	}
	return unsafe.String(unsafe.SliceData(inner), len(inner)), true
}

// AppendValue writes v as compact JSON.
func AppendValue(buf []byte, v *Value) []byte {
	switch {
	case v == nil || v.Kind == Null:
		return append(buf, "null"...)
	case v.Kind == Scalar:
		return append(buf, v.Raw()...)
	case v.Kind == List:
		buf = append(buf, '[')
		for i, it := range v.Items() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendValue(buf, it)
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i, f := range v.Fields() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendString(buf, f.Key)
			buf = append(buf, ':')
			buf = AppendValue(buf, f.Val)
		}
		return append(buf, '}')
	}
}
