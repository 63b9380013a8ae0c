package config

// Debug: what the gateway shows callers about its inside.
type Debug struct {
	// ExposeQueryPlan honours the debugging headers (Apollo-Expose-Query-Plan,
	// Junction-Query-Plan-Only, Junction-Include-Trace), which show subgraph
	// names and the operations sent to them: the playground's plan and
	// trace views need it. Default: false in junction serve, true in
	// junction dev.
	ExposeQueryPlan *bool `yaml:"expose_query_plan"`
}

// DebugHeaders reports whether the debugging headers are honoured (unset:
// false; junction dev sets it to true unless the file says otherwise).
func (c *Config) DebugHeaders() bool {
	return c.Debug.ExposeQueryPlan != nil && *c.Debug.ExposeQueryPlan
}
