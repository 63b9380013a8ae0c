package schema

import "strings"

// Link is one spec the supergraph links on its schema definition (@link
// v1.0 or @core), as resolved at load: what other packages need to find
// the local names of a spec's directives (directive policies read
// @requiresScopes whether it is written @requiresScopes, @federation__requiresScopes
// or @myScopes).
type Link struct {
	// URL as written, e.g. "https://specs.apollo.dev/requiresScopes/v0.1".
	URL string
	// Name is the spec name from the URL ("requiresScopes"); Version its
	// version segment ("v0.1"), empty when the URL has none.
	Name, Version string
	// Prefix is the local name: the `as:` argument or Name.
	Prefix string
	// Purpose is the `for:` argument (EXECUTION, SECURITY) or "".
	Purpose string
	// Imports maps a spec element ("@requiresScopes", "Scope") to its local
	// name in the document.
	Imports map[string]string
}

// Directive returns the local name (without @) of the spec's directive d:
// its import alias when imported, the prefix when d is named like the spec
// (@authenticated of the authenticated spec), prefix__d otherwise.
func (l Link) Directive(d string) string {
	if local, ok := l.Imports["@"+d]; ok {
		return strings.TrimPrefix(local, "@")
	}
	if d == l.Name {
		return l.Prefix
	}
	return l.Prefix + "__" + d
}

// links exports the resolved features, in declaration order.
func (fs *features) links() []Link {
	out := make([]Link, 0, len(fs.list))
	for _, f := range fs.list {
		imp := make(map[string]string, len(f.imports))
		for k, v := range f.imports {
			imp[k] = v
		}
		out = append(out, Link{URL: f.url, Name: f.name, Version: f.version, Prefix: f.prefix, Purpose: f.purpose, Imports: imp})
	}
	return out
}
