package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrEnv wraps every problem with an environment reference in a config
// string (an unset variable without a default, a malformed reference).
var ErrEnv = errors.New("environment reference")

// ExpandEnv replaces the environment references in s:
//
//	${NAME}           the value of NAME; an error when NAME is not set
//	${NAME:-default}  the value of NAME, or default when NAME is unset or empty
//	$${               a literal "${"
//
// NAME is [A-Za-z_][A-Za-z0-9_]*. A "$" not followed by "{" is kept as is.
// lookup is os.LookupEnv outside tests. Every string value of a config
// file goes through ExpandEnv when it is parsed (keys do not).
func ExpandEnv(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			// "$${" is an escaped "${".
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return "", fmt.Errorf("%w: %q has no closing }", ErrEnv, s[i:])
		}
		ref := rest[:end]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !validEnvName(name) {
			return "", fmt.Errorf("%w: ${%s}: %q is not a variable name ([A-Za-z_][A-Za-z0-9_]*)", ErrEnv, ref, name)
		}
		v, ok := lookup(name)
		switch {
		case hasDef && v == "":
			v = def
		case !ok:
			return "", fmt.Errorf("%w: ${%s}: environment variable %s is not set (use ${%s:-default} for a default)", ErrEnv, ref, name, name)
		}
		b.WriteString(v)
		s = rest[end+1:]
	}
}

func validEnvName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
