package robustness

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestQueryLimits: hostile documents are refused before validation and
// planning, quickly, with Apollo Router's codes; documents at the limit and
// normal ones (GraphiQL's introspection query) pass.
func TestQueryLimits(t *testing.T) {
	g := start(t, nil)
	limitErr := func(msg, code string, limit int) string {
		return fmt.Sprintf(`{"errors":[{"message":%q,"extensions":{"code":%q,"limit":%d}}]}`, msg, code, limit)
	}
	for _, tc := range []struct {
		name, query string
		status      int
		want        string
	}{
		{"depth over the default", deepQuery(40), 422,
			limitErr("Maximum depth limit exceeded in this operation", "MAX_DEPTH_LIMIT", gateway.DefaultMaxDepth)},
		{"depth through fragments", "{ me { ...R } } fragment R on User { reviews { author { " +
			strings.Repeat("reviews { author { ", 31) + "id" + strings.Repeat(" } }", 31) + " } } }", 422,
			limitErr("Maximum depth limit exceeded in this operation", "MAX_DEPTH_LIMIT", gateway.DefaultMaxDepth)},
		{"fragment bomb", fragmentBomb(40), 422,
			limitErr("Maximum recursive selections limit exceeded in this operation", "MAX_RECURSIVE_SELECTIONS_EXCEEDED", gateway.DefaultMaxRecursiveSelections)},
		{"root fields", manyAliases(1001, "__typename"), 422,
			limitErr("Maximum root fields limit exceeded in this operation", "MAX_ROOT_FIELDS_LIMIT", gateway.DefaultMaxRootFields)},
		{"aliases", "{ me { " + strings.TrimSuffix(strings.TrimPrefix(manyAliases(1001, "name"), "{ "), "}") + "} }", 422,
			limitErr("Maximum aliases limit exceeded in this operation", "MAX_ALIASES_LIMIT", gateway.DefaultMaxAliases)},
		{"tokens", "{ me { " + strings.Repeat("name ", 16000) + "} }", 422,
			`{"errors":[{"message":"token limit (15000) reached: the query is too large","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"unclosed braces", strings.Repeat("{", 100000), 422,
			`{"errors":[{"message":"Expected Name, found {","locations":[{"line":1,"column":2}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"tokens of a document that never parses", "{ me { " + strings.Repeat("name ", 16000), 422,
			`{"errors":[{"message":"token limit (15000) reached: the query is too large","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"deep nesting within the tokens", strings.Repeat("{ a ", 3000), 422,
			`{"errors":[{"message":"exceeded maximum nesting depth of 1000","locations":[{"line":1,"column":4001}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{"many aliases of one entity field", "{ topProducts { " + strings.TrimSuffix(strings.TrimPrefix(manyAliases(1000, "inStock"), "{ "), "}") + "} }", 200, ""},
		{"deep nesting at the limit", deepQuery(31), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			status, got := g.query(tc.query, nil)
			if d := time.Since(t0); d > 15*time.Second { // a hang guard, not a speed test
				t.Errorf("took %v", d)
			}
			if status != tc.status || (tc.want != "" && got != tc.want) {
				t.Errorf("got %d %.600s\nwant %d %s", status, got, tc.status, tc.want)
			}
			if tc.want == "" && strings.Contains(got, `"errors"`) {
				t.Errorf("unexpected errors: %.600s", got)
			}
		})
	}
}

// TestQueryLimitsConfigured: each limit is configurable, and a document
// exactly at a limit passes.
func TestQueryLimitsConfigured(t *testing.T) {
	g := start(t, nil, gateway.WithLimits(gateway.Limits{MaxDepth: 3, MaxAliases: 2, MaxRootFields: 2, MaxTokens: 40, MaxRecursiveSelections: 13}))
	for _, tc := range []struct {
		query, code string
	}{
		{"{ me { reviews { id } } }", ""},
		{"{ me { reviews { author { id } } } }", "MAX_DEPTH_LIMIT"},
		{"{ a: me { id } b: me { id } }", ""},
		{"{ a: me { id } b: me { id } c: me { id } }", "MAX_ROOT_FIELDS_LIMIT"},
		{"{ me { ...F } } fragment F on Query { x: __typename }", ""},
		{"{ me { a: id b: id c: id } }", "MAX_ALIASES_LIMIT"},
		{"{ me { ...F ...F ...F } } fragment F on User { id name username }", ""},
		{"{ me { ...F ...F ...F ...F } } fragment F on User { id name username }", "MAX_RECURSIVE_SELECTIONS_EXCEEDED"},
		// 40 tokens exactly (18 and a default of 22 list items) pass; 41 are refused.
		{"query($v: [Int] = [" + strings.Repeat("1 ", 22) + "]) { me { id } }", ""},
		{"query($v: [Int] = [" + strings.Repeat("1 ", 23) + "]) { me { id } }", "GRAPHQL_PARSE_FAILED"},
		{"{ me { " + strings.Repeat("id ", 40) + "} }", "GRAPHQL_PARSE_FAILED"},
	} {
		_, got := g.query(tc.query, nil)
		if tc.code == "" {
			if strings.Contains(got, "_LIMIT") || strings.Contains(got, "EXCEEDED") || strings.Contains(got, "PARSE_FAILED") {
				t.Errorf("%s: refused: %s", tc.query, got)
			}
			continue
		}
		if !strings.Contains(got, `"code":"`+tc.code+`"`) {
			t.Errorf("%s: got %s, want %s", tc.query, got, tc.code)
		}
	}
}
