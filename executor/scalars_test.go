package executor

import (
	"testing"

	"github.com/junction-gateway/junction/jsonv"
)

// TestValidBuiltinScalar covers the checks of subgraph values against the
// built-in scalars, on both sides of the shortcuts (short integers, short
// floats without exponent) and the full parse behind them.
func TestValidBuiltinScalar(t *testing.T) {
	for _, c := range []struct {
		b    builtin
		raw  string
		want bool
	}{
		{builtinInt, `0`, true},
		{builtinInt, `-7`, true},
		{builtinInt, `999999999`, true},
		{builtinInt, `2147483647`, true},
		{builtinInt, `-2147483648`, true},
		{builtinInt, `2147483648`, false},
		{builtinInt, `-2147483649`, false},
		{builtinInt, `12.0`, true},
		{builtinInt, `12.5`, false},
		{builtinInt, `1e3`, true},
		{builtinInt, `"12"`, false},
		{builtinInt, `true`, false},
		{builtinFloat, `1.5`, true},
		{builtinFloat, `-0.25`, true},
		{builtinFloat, `123456789012345`, true},
		{builtinFloat, `1e308`, true},
		{builtinFloat, `1e999`, false},
		{builtinFloat, `-1E999`, false},
		{builtinFloat, `1234567890123456789012345678901234567890`, true},
		{builtinFloat, `"1.5"`, false},
		{builtinFloat, `false`, false},
		{builtinString, `"x"`, true},
		{builtinString, `1`, false},
		{builtinBoolean, `true`, true},
		{builtinBoolean, `"true"`, false},
		{builtinID, `"a"`, true},
		{builtinID, `42`, true},
		{builtinID, `4.5`, false},
		{notBuiltin, `{"any":"thing"}`, true},
	} {
		if got := validBuiltinScalar(c.b, jsonv.NewScalar([]byte(c.raw))); got != c.want {
			t.Errorf("builtin %d, %s: %v, want %v", c.b, c.raw, got, c.want)
		}
	}
}
