package gateway

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFieldOwners reads which subgraphs resolve the demo graph's fields
// from its join directives: names only (no subgraph URL), machinery types
// left out, computed once per supergraph version.
func TestFieldOwners(t *testing.T) {
	gw := newTestGateway(t, &cannedAccounts{})
	raw := gw.FieldOwners()
	var got struct {
		Version string
		Types   map[string]struct {
			Subgraphs []string
			Keys      []struct {
				Subgraph, Fields string
				Resolvable       bool
			}
			Fields map[string]ownersField
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != gw.State().Supergraph.Version {
		t.Errorf("version %q", got.Version)
	}
	check := func(typ, field, want string) {
		t.Helper()
		b, _ := json.Marshal(got.Types[typ].Fields[field])
		if string(b) != want {
			t.Errorf("%s.%s = %s, want %s", typ, field, b, want)
		}
	}
	check("Query", "me", `{"resolvedBy":["accounts"]}`)
	check("Product", "price", `{"resolvedBy":["products"],"external":["inventory"]}`)
	check("Product", "shippingEstimate", `{"resolvedBy":["inventory"],"requires":{"inventory":"price weight"}}`)
	check("Review", "author", `{"resolvedBy":["reviews"],"provides":{"reviews":"username"}}`)
	if p := got.Types["Product"]; len(p.Subgraphs) < 2 || len(p.Keys) == 0 {
		t.Errorf("Product: %+v", p)
	}
	for name := range got.Types {
		if strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__") || strings.HasPrefix(name, "__") {
			t.Errorf("machinery type %s listed", name)
		}
	}
	if strings.Contains(string(raw), "http://") {
		t.Error("owners expose a subgraph URL")
	}
	if again := gw.FieldOwners(); &again[0] != &raw[0] {
		t.Error("owners recomputed for the same supergraph")
	}
}
