package robustness

import (
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestVariables: variables of the wrong type, missing or out of range are
// refused with BAD_USER_INPUT before any subgraph is called; extra
// variables are ignored; good ones reach the subgraph intact.
func TestVariables(t *testing.T) {
	g := start(t, nil, gateway.WithInboundDedupe(false))
	const userQ = `query($id: ID!) { user(id: $id) { name } }`
	const topQ = `query($n: Int) { topProducts(first: $n) { name } }`
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		raw         string // raw variables JSON, when vars cannot express it
		status      int
		want        string
	}{
		{"missing required", userQ, nil, "", 422, `{"errors":[{"message":"Variable \"$id\" of required type \"ID!\" was not provided.","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"null for non-null", userQ, map[string]any{"id": nil}, "", 422, `{"errors":[{"message":"Variable \"$id\" of non-null type \"ID!\" must not be null.","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"object for ID", userQ, map[string]any{"id": map[string]any{"a": 1}}, "", 422, `{"errors":[{"message":"Variable \"$id\" got invalid value {\"a\":1}; ID cannot represent value: {\"a\":1}","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"list for ID", userQ, map[string]any{"id": []any{"1"}}, "", 422, `{"errors":[{"message":"Variable \"$id\" got invalid value [\"1\"]; ID cannot represent value: [\"1\"]","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"bool for ID", userQ, map[string]any{"id": true}, "", 422, `{"errors":[{"message":"Variable \"$id\" got invalid value true; ID cannot represent value: true","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"float for ID", "", nil, `{"id":1.5}`, 422, `{"errors":[{"message":"Variable \"$id\" got invalid value 1.5; ID cannot represent value: 1.5","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"string for Int", topQ, map[string]any{"n": "3"}, "", 422, `{"errors":[{"message":"Variable \"$n\" got invalid value \"3\"; Int cannot represent non-integer value: \"3\"","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"float for Int", "", nil, `{"n":1.5}`, 422, `{"errors":[{"message":"Variable \"$n\" got invalid value 1.5; Int cannot represent non-integer value: 1.5","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"Int above 32 bits", "", nil, `{"n":2147483648}`, 422, `{"errors":[{"message":"Variable \"$n\" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"Int below 32 bits", "", nil, `{"n":-2147483649}`, 422, `{"errors":[{"message":"Variable \"$n\" got invalid value -2147483649; Int cannot represent non 32-bit signed integer value: -2147483649","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"huge exponent", "", nil, `{"n":1e400}`, 422, `{"errors":[{"message":"Variable \"$n\" got invalid value 1e400; Int cannot represent non-integer value: 1e400","locations":[{"line":1,"column":7}],"extensions":{"code":"BAD_USER_INPUT"}}]}`},
		{"Int with exponent", "", nil, `{"n":1e1}`, 200, `{"data":{"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`},
		{"extra variable", userQ, map[string]any{"id": "1", "extra": 3}, "", 200, `{"data":{"user":{"name":"Ada"}}}`},
		{"integer ID", userQ, map[string]any{"id": 1}, "", 200, `{"data":{"user":{"name":"Ada"}}}`},
		{"Int max", "", nil, `{"n":2147483647}`, 200, `{"data":{"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.query
			var status int
			var got string
			if tc.raw != "" {
				if q == "" {
					q = topQ
					if tc.raw[2:4] == "id" {
						q = userQ
					}
				}
				status, got = g.do("POST", "application/json", `{"query":"`+q+`","variables":`+tc.raw+`}`)
				got = compact(t, got)
			} else {
				status, got = g.query(q, tc.vars)
			}
			if status != tc.status || got != tc.want {
				t.Errorf("got %d %s\nwant %d %s", status, got, tc.status, tc.want)
			}
		})
	}
}

// TestVariablesCoercedForSubgraphs: subgraphs get coerced values: an Int
// written 1e1 arrives as 10, an integer ID as the string "7".
func TestVariablesCoercedForSubgraphs(t *testing.T) {
	g := start(t, nil)
	g.do("POST", "application/json", `{"query":"query($n: Int) { topProducts(first: $n) { name } }","variables":{"n":1e1}}`)
	g.do("POST", "application/json", `{"query":"query($id: ID!) { user(id: $id) { name } }","variables":{"id":7}}`)
	for name, want := range map[string]any{"products": float64(10), "accounts": "7"} {
		reqs := g.stubs[name].reqs()
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", name, len(reqs))
		}
		var got any
		for _, v := range reqs[0].Variables {
			got = v
		}
		if got != want {
			t.Errorf("%s got variables %v, want %v", name, reqs[0].Variables, want)
		}
	}
}
