package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/subgraphs"
)

const benchmarkQuery = subgraphs.BenchmarkQuery

var fetchService = regexp.MustCompile(`Fetch\(service: "([a-z]+)"\)`)

// TestDemoQueries runs whole operations against the demo subgraphs and
// asserts the whole response and the subgraph calls it cost: one call per
// fetch of the plan, one _entities call per Flatten whatever the number of
// objects at its path.
func TestDemoQueries(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name      string
		query     string
		variables map[string]any
		calls     string
	}{
		{"me", `{ me { id name username } }`, nil, "accounts=1"},
		{"user_by_id", `query($id: ID!) { user(id: $id) { id name birthday } }`, map[string]any{"id": "2"}, "accounts=1"},
		{"unknown_user", `{ user(id: "999") { id name } }`, nil, "accounts=1"},
		{"issue_query", `{ topProducts { name shippingEstimate reviews { body author { username reviews { product { name } } } } } }`, nil,
			"inventory=1 products=2 reviews=1"},
		{"provides_no_jump", `{ topProducts(first: 1) { reviews { author { username } } } }`, nil, "products=1 reviews=1"},
		{"requires", `{ topProducts(first: 3) { upc shippingEstimate } }`, nil, "inventory=1 products=1"},
		{"aliases_and_fragments", `query Q { a: topProducts(first: 1) { ...P } b: topProducts(first: 2) { id: name upc } }
fragment P on Product { upc title: name inStock }`, nil, "inventory=1 products=1"},
		{"alias_collides_with_key", `{ topProducts(first: 2) { upc: name inStock } }`, nil, "inventory=1 products=1"},
		{"typename", `{ __typename me { __typename t: __typename reviews { __typename product { __typename } } } }`, nil, "accounts=1 reviews=1"},
		{"root_parallel", `{ me { username } topProducts(first: 1) { name } }`, nil, "accounts=1 products=1"},
		{"skip_include", `query($no: Boolean!) { me { name @skip(if: $no) username @include(if: $no) } }`, map[string]any{"no": true}, "accounts=1"},
		// 13 fetches in the plan; the users chain's two products lookups,
		// then its two inventory lookups, are ready in the same round and
		// share one call each.
		{"benchmark", benchmarkQuery, nil, "accounts=3 inventory=3 products=3 reviews=2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.calls.reset()
			status, body := h.post(map[string]any{"query": tc.query, "variables": tc.variables}, nil)
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			golden(t, tc.name+".json", body)
			if got := fmtCalls(h.calls.reset()); got != tc.calls {
				t.Errorf("subgraph calls %q, want %q", got, tc.calls)
			}
			// At most one call per Fetch node of the plan, whatever the
			// number of objects at a Flatten's path (Flattens of one round
			// share one call).
			_, exposed := h.post(map[string]any{"query": tc.query, "variables": tc.variables},
				map[string]string{"Apollo-Expose-Query-Plan": "true"})
			var withPlan struct {
				Extensions struct{ ApolloQueryPlan struct{ Text string } }
			}
			if err := json.Unmarshal(exposed, &withPlan); err != nil {
				t.Fatal(err)
			}
			perPlan := map[string]int{}
			for _, m := range fetchService.FindAllStringSubmatch(withPlan.Extensions.ApolloQueryPlan.Text, -1) {
				perPlan[m[1]]++
			}
			calls := h.calls.reset()
			for svc, n := range calls {
				if n > perPlan[svc] {
					t.Errorf("subgraph calls %q, more than the plan's fetches %q", fmtCalls(calls), fmtCalls(perPlan))
					break
				}
			}
		})
	}
}

func TestValidationErrorHasNoData(t *testing.T) {
	h := newHarness(t)
	status, body := h.post(map[string]any{"query": `{ me { nope } }`}, nil)
	if status != 422 {
		t.Errorf("status %d, want 422 (GraphQL over HTTP, 2026 draft)", status)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["data"]; ok {
		t.Errorf("validation failure must carry no data: %s", body)
	}
	if !strings.Contains(string(got["errors"]), "GRAPHQL_VALIDATION_FAILED") {
		t.Errorf("want GRAPHQL_VALIDATION_FAILED: %s", body)
	}
	if n := len(h.calls.reset()); n != 0 {
		t.Errorf("a request that fails validation reached %d subgraphs", n)
	}
}

func TestExposeQueryPlan(t *testing.T) {
	h := newHarness(t)
	_, body := h.post(map[string]any{"query": `{ me { username reviews { body } } }`},
		map[string]string{"Apollo-Expose-Query-Plan": "true"})
	var got struct {
		Extensions struct {
			ApolloQueryPlan struct {
				Text   string
				Object struct {
					Kind string
					Node map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	p := got.Extensions.ApolloQueryPlan
	if !strings.HasPrefix(p.Text, "QueryPlan {") || !strings.Contains(p.Text, `Flatten(path: "me")`) {
		t.Errorf("plan text missing: %s", body)
	}
	if p.Object.Kind != "QueryPlan" || p.Object.Node["kind"] != "Sequence" {
		t.Errorf("plan object missing: %s", body)
	}
	_, plain := h.post(map[string]any{"query": `{ me { username } }`}, nil)
	if strings.Contains(string(plain), "apolloQueryPlan") {
		t.Errorf("plan exposed without the header: %s", plain)
	}
}

func TestIntrospectionHidesFederation(t *testing.T) {
	h := newHarness(t)
	_, body := h.post(map[string]any{"query": `{ __schema { queryType { name } types { name } } }`}, nil)
	s := string(body)
	for _, hidden := range []string{"join__", "link__", "_Entity", "_Service", "_Any"} {
		if strings.Contains(s, hidden) {
			t.Errorf("introspection shows %s: %s", hidden, s)
		}
	}
	for _, shown := range []string{`"Query"`, `"Product"`, `"Review"`, `"User"`} {
		if !strings.Contains(s, shown) {
			t.Errorf("introspection lacks %s", shown)
		}
	}
	if n := len(h.calls.reset()); n != 0 {
		t.Errorf("introspection reached %d subgraphs", n)
	}
}
