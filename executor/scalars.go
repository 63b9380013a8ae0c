package executor

import (
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
func validBuiltinScalar(name string, v *value) bool {
	if v.kind != kindScalar || v.n == 0 {
		return false
	}
	raw := v.raw()
	switch name {
	case "String":
		return raw[0] == '"'
	case "Boolean":
		return string(raw) == "true" || string(raw) == "false"
	case "Int":
		n, ok := integralNumber(raw)
		return ok && n >= math.MinInt32 && n <= math.MaxInt32
	case "Float":
		if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' {
			return false
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case "ID":
		if raw[0] == '"' {
			return true
		}
		_, ok := integralNumber(raw)
		return ok
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
