package planner

import (
	"os"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
)

// Per-request label decisions: each decision gets its own plan, and the
// cache never hands one decision's plan to another.
func TestPlanWithLabels(t *testing.T) {
	raw, err := os.ReadFile("../test/federation/testdata/override-moved/supergraph.graphql")
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	p := New(sg)
	if got := strings.Join(p.OverrideLabels(), ","); got != "metric-sizes,percent(0),percent(100),percent(50)" {
		t.Fatalf("labels %q", got)
	}
	doc := gqlparser.MustLoadQuery(sg.API, `{ products { color } }`)
	plan := func(active map[string]bool) string {
		pl, err := p.PlanWithLabels(doc, "", active)
		if err != nil {
			t.Fatal(err)
		}
		return Print(pl)
	}
	off := plan(nil)
	on := plan(map[string]bool{"percent(0)": true})
	if strings.Contains(off, `service: "shop"`) || !strings.Contains(on, `service: "shop"`) {
		t.Fatalf("label off:\n%s\nlabel on:\n%s", off, on)
	}
	// Cached plans keep their decision.
	if plan(nil) != off || plan(map[string]bool{"percent(0)": true}) != on {
		t.Fatal("the plan cache mixed label decisions")
	}
	// Labels the supergraph does not have do not split the cache.
	if plan(map[string]bool{"elsewhere": true}) != off {
		t.Fatal("an unknown label changed the plan")
	}
	// Plan uses the planner's policy: percent(100) on, the others off.
	pl, err := p.Plan(doc, "")
	if err != nil || Print(pl) != off {
		t.Fatalf("default plan %v", err)
	}
	if n, ok := PercentLabel("percent(12.5)"); !ok || n != 12.5 {
		t.Errorf("PercentLabel: %v %v", n, ok)
	}
	if _, ok := PercentLabel("beta"); ok {
		t.Error("custom label parsed as a percentage")
	}
}
