package config

// Introspection (the top-level introspection key) switches the query root's
// __schema and __type fields on or off for every caller; __typename always
// answers. authorization.introspection (auth.go) is finer and only applies
// when authorization is configured: it can require a valid token. Both
// hold: an operation is refused if either refuses it.

func (c *Config) applyIntrospectionDefault() {
	if c.Introspection == nil {
		c.Introspection = boolPtr(true)
	}
}

// IntrospectionEnabled reports whether __schema and __type answer
// (default true).
func (c *Config) IntrospectionEnabled() bool {
	return c.Introspection == nil || *c.Introspection
}
