package gateway

import (
	"encoding/json"
	"sort"

	"github.com/junction-gateway/junction/schema"
)

// ownersCache is the FieldOwners answer for one supergraph version.
type ownersCache struct {
	version string
	json    []byte
}

// FieldOwners returns, as JSON, which subgraphs resolve each field of the
// API schema (read from the supergraph's @join__type and @join__field), for
// the playground's documentation explorer:
//
//	{"version": "<supergraph version>",
//	 "types": {"Product": {"subgraphs": ["inventory", "products", …],
//	   "keys": [{"subgraph": "products", "fields": "upc"}, …],
//	   "fields": {"price": {"resolvedBy": ["products"], "external": ["inventory"]},
//	     "shippingEstimate": {"resolvedBy": ["inventory"], "requires": {"inventory": "price weight"}}, …}}}}
//
// A field resolvedBy more than one subgraph is "shareable": true. Only
// subgraph names are given, never their URLs; types and fields absent from
// the API schema (@inaccessible, join__ machinery) are left out. The
// answer is computed once per supergraph version. Nil before the first
// supergraph.
func (g *Gateway) FieldOwners() []byte {
	st := g.state.Load()
	if st == nil {
		return nil
	}
	if c := g.owners.Load(); c != nil && c.version == st.Supergraph.Version {
		return c.json
	}
	b, err := json.Marshal(fieldOwners(st.Supergraph)) // maps: keys sorted
	if err != nil {
		return nil
	}
	g.owners.Store(&ownersCache{version: st.Supergraph.Version, json: b})
	return b
}

type ownersType struct {
	Subgraphs []string               `json:"subgraphs"`
	Keys      []ownersKey            `json:"keys,omitempty"`
	Fields    map[string]ownersField `json:"fields,omitempty"`
}

type ownersKey struct {
	Subgraph   string `json:"subgraph"`
	Fields     string `json:"fields"`
	Resolvable bool   `json:"resolvable"`
}

type ownersField struct {
	ResolvedBy []string          `json:"resolvedBy"`
	Shareable  bool              `json:"shareable,omitempty"`
	External   []string          `json:"external,omitempty"`
	Requires   map[string]string `json:"requires,omitempty"`
	Provides   map[string]string `json:"provides,omitempty"`
	// Override maps a subgraph to the one it took the field from (with
	// its progressive-override label, if any: "products (percent(50))").
	Override map[string]string `json:"override,omitempty"`
}

func fieldOwners(sg *schema.Supergraph) map[string]any {
	types := map[string]ownersType{}
	names := make([]string, 0, len(sg.Types))
	for name := range sg.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := sg.Types[name]
		def := sg.API.Types[name]
		if def == nil || def.BuiltIn || t.Inaccessible {
			continue
		}
		ot := ownersType{Subgraphs: append([]string{}, t.Subgraphs...)}
		for _, k := range t.Keys {
			ot.Keys = append(ot.Keys, ownersKey{Subgraph: k.Subgraph, Fields: k.Fields, Resolvable: k.Resolvable})
		}
		for _, fname := range t.FieldOrder {
			f := t.Fields[fname]
			if f == nil || f.Inaccessible || def.Fields.ForName(fname) == nil {
				continue
			}
			of := ownersField{ResolvedBy: []string{}}
			for _, s := range f.Sources {
				switch {
				case s.External:
					of.External = append(of.External, s.Subgraph)
				case s.UsedOverridden:
				default:
					of.ResolvedBy = append(of.ResolvedBy, s.Subgraph)
				}
				if s.RequiresText != "" {
					of.Requires = setKey(of.Requires, s.Subgraph, s.RequiresText)
				}
				if s.ProvidesText != "" {
					of.Provides = setKey(of.Provides, s.Subgraph, s.ProvidesText)
				}
				if s.OverrideFrom != "" {
					from := s.OverrideFrom
					if s.OverrideLabel != "" {
						from += " (" + s.OverrideLabel + ")"
					}
					of.Override = setKey(of.Override, s.Subgraph, from)
				}
			}
			of.Shareable = len(of.ResolvedBy) > 1
			if ot.Fields == nil {
				ot.Fields = map[string]ownersField{}
			}
			ot.Fields[fname] = of
		}
		types[name] = ot
	}
	return map[string]any{"version": sg.Version, "types": types}
}

func setKey(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
