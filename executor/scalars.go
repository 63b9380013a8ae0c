package executor

import (
	"bytes"
	"math"
	"strconv"
)

// validBuiltinScalar reports whether a subgraph value fits a built-in
// scalar of the API schema, as the other gateways check a response: String
// is a string; Boolean is true or false; Int is an integral number within
// 32 bits; Float is a finite number; ID is a string or an integral number.
// A value that does not fit becomes null with an error at its path, rather
// than reaching the client as, say, a string in a Boolean field or a 1e999
// that JSON parsers read as infinity.
func validBuiltinScalar(b builtin, v *value) bool {
	if v.Kind != kindScalar || v.Len() == 0 {
		return false
	}
	raw := v.Raw()
	switch b {
	case builtinString:
		return raw[0] == '"'
	case builtinBoolean:
		return string(raw) == "true" || string(raw) == "false"
	case builtinInt:
		if shortInteger(raw) {
			return true
		}
		n, ok := integralNumber(raw)
		return ok && n >= math.MinInt32 && n <= math.MaxInt32
	case builtinFloat:
		if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' {
			return false
		}
		if len(raw) <= 15 && bytes.IndexAny(raw, "eE") < 0 {
			return true // a number token of 15 characters without exponent is finite
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case builtinID:
		if raw[0] == '"' {
			return true
		}
		_, ok := integralNumber(raw)
		return ok
	}
	return true
}

// builtin names a built-in scalar.
type builtin uint8

const (
	notBuiltin builtin = iota
	builtinString
	builtinBoolean
	builtinInt
	builtinFloat
	builtinID
)

func builtinScalar(name string) builtin {
	switch name {
	case "String":
		return builtinString
	case "Boolean":
		return builtinBoolean
	case "Int":
		return builtinInt
	case "Float":
		return builtinFloat
	case "ID":
		return builtinID
	}
	return notBuiltin
}

// shortInteger reports whether a number token is an integer of at most
// nine digits (so within 32 bits) with no fraction or exponent.
func shortInteger(raw []byte) bool {
	d := raw
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 9 {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// integralNumber parses a JSON number token with an integral value that
// fits in 64 bits.
func integralNumber(raw []byte) (int64, bool) {
	if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
