package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDefaultsAndValues(t *testing.T) {
	c, err := Parse([]byte(`
listen: 127.0.0.1:5000
supergraph: sg.graphql
subgraphs:
  accounts: {url: "http://127.0.0.1:4001/query", timeout: 2s}
traffic: {subgraph_timeout: 5s, inbound_dedupe: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:5000" || c.Supergraph != "sg.graphql" || c.GraphQLPath != "/graphql" || !*c.Playground {
		t.Fatalf("unexpected config %+v", c)
	}
	if c.Traffic.SubgraphTimeout != 5*time.Second || c.Subgraphs["accounts"].Timeout != 2*time.Second {
		t.Fatalf("durations not read: %+v", c)
	}
	if got := c.SubgraphURLs()["accounts"]; got != "http://127.0.0.1:4001/query" {
		t.Fatalf("url %q", got)
	}
	if *c.Traffic.InboundDedupe || !*c.Traffic.SubgraphDedupe {
		t.Fatalf("dedupe flags: inbound %v subgraph %v", *c.Traffic.InboundDedupe, *c.Traffic.SubgraphDedupe)
	}
	if c.Limits.MaxBodyBytes != 2<<20 {
		t.Fatalf("max body default %d", c.Limits.MaxBodyBytes)
	}
}

func TestParseEmptyIsDefault(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != Default().Listen {
		t.Fatalf("listen %q", c.Listen)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"listen: nope", "listen"},
		{"lisen: 127.0.0.1:1", "lisen: unknown key"},
		{"graphql_path: graphql", "graphql_path"},
		{"subgraphs: {a: {url: ftp://x}}", "subgraphs.a.url"},
		{"traffic: {subgraph_timeout: banana}", "banana"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestEnvOverride(t *testing.T) {
	t.Setenv("JUNCTION_LISTEN", "127.0.0.1:7000")
	c, err := Parse([]byte("listen: 127.0.0.1:5000"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:7000" {
		t.Fatalf("env not applied: %q", c.Listen)
	}
}

func TestExampleConfigLoads(t *testing.T) {
	c, err := Load("../../junction.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Subgraphs["accounts"].Timeout != 5*time.Second || c.Traffic.RequestTimeout != 60*time.Second || !*c.Traffic.InboundDedupe {
		t.Errorf("example config read wrong: %+v", c)
	}
}

func TestOverrideLabels(t *testing.T) {
	c, err := Parse([]byte("override_labels:\n  percent(25): true\n  new-billing: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if on, ok := c.OverrideLabels["percent(25)"]; !ok || !on {
		t.Errorf("percent(25): %v %v", on, ok)
	}
	if on, ok := c.OverrideLabels["new-billing"]; !ok || on {
		t.Errorf("new-billing: %v %v", on, ok)
	}
	if _, err := Parse([]byte("override_labels: {x: maybe}")); err == nil {
		t.Error("a label that is not a boolean must be refused")
	}
}
