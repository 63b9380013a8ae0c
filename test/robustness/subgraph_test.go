package robustness

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// body answers every request with a fixed body.
func body(s string) *stub {
	return &stub{answer: func(subgraphRequest) string { return s }}
}

// raw takes over the HTTP exchange.
func raw(h http.HandlerFunc) *stub { return &stub{handler: h} }

// hangup closes the connection without an answer, after writing prefix.
func hangup(prefix string) *stub {
	return raw(func(w http.ResponseWriter, r *http.Request) {
		if prefix != "" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, prefix)
			w.(http.Flusher).Flush()
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

// sleep waits d or until the gateway hangs up.
func sleep(r *http.Request, d time.Duration) {
	select {
	case <-time.After(d):
	case <-r.Context().Done():
	}
}

// TestSubgraphGarbageEntities: inventory (an _entities fetch) misbehaves in
// every way; accounts' and products' data survive, inStock is null with one
// error naming inventory, with a code, and the request returns in bounded
// time.
func TestSubgraphGarbageEntities(t *testing.T) {
	const q = `{ me { name } topProducts { name inStock } }`
	for _, tc := range []struct {
		name string
		inv  *stub
		want string
	}{
		{"connection reset", hangup(""), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"HTTP fetch failed from subgraph \"inventory\": connection closed before the whole answer","path":["topProducts"],"extensions":{"cause":"connection closed before the whole answer","code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}]}`},
		{"reset mid-body", hangup(`{"data":{"_entities":[`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"HTTP fetch failed from subgraph \"inventory\": connection closed before the whole answer","path":["topProducts"],"extensions":{"cause":"connection closed before the whole answer","code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}]}`},
		{"slow headers", raw(func(w http.ResponseWriter, r *http.Request) { sleep(r, 2*time.Second) }), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"request to subgraph \"inventory\" timed out","path":["topProducts"],"extensions":{"cause":"timeout","code":"GATEWAY_TIMEOUT","serviceName":"inventory"}}]}`},
		{"slow body", raw(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"data":{"_entities":[`)
			w.(http.Flusher).Flush()
			sleep(r, 2*time.Second)
		}), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"request to subgraph \"inventory\" timed out","path":["topProducts"],"extensions":{"cause":"timeout","code":"GATEWAY_TIMEOUT","serviceName":"inventory"}}]}`},
		{"500 with HTML", raw(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			_, _ = io.WriteString(w, "<html>down</html>")
		}), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"HTTP fetch failed from subgraph \"inventory\": 500 Internal Server Error","path":["topProducts"],"extensions":{"cause":"status 500","code":"SUBREQUEST_HTTP_ERROR","http":{"status":500},"serviceName":"inventory"}}]}`},
		{"200 with HTML", body(`<html><body>maintenance</body></html>`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: not a JSON object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"empty body", body(``), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: not a JSON object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"empty object", body(`{}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: neither data nor errors","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"data null", body(`{"data":null}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 0 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"data a list", body(`{"data":[]}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: data is not an object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"errors a string", body(`{"errors":"x"}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: errors: json: cannot unmarshal string into Go value of type []executor.subgraphE…","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"error without message", body(`{"errors":[{}]}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: errors[0] has no message","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"error message not a string", body(`{"errors":[{"message":5}]}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: errors: json: cannot unmarshal number into Go struct field subgraphError.message…","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"error with a bad path", body(`{"data":{"_entities":[null,null]},"errors":[{"message":"boom","path":["_entities",99,"inStock"]}]}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"boom","path":["topProducts"],"extensions":{"serviceName":"inventory"}}]}`},
		{"_entities a string", body(`{"data":{"_entities":"x"}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 0 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"_entities missing", body(`{"data":{}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 0 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"fewer entities", body(`{"data":{"_entities":[{"__typename":"Product","inStock":true}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 1 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"more entities", body(`{"data":{"_entities":[{"__typename":"Product","inStock":true},{"__typename":"Product","inStock":false},{"__typename":"Product","inStock":true}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 3 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"wrong __typename", body(`{"data":{"_entities":[{"__typename":"User","inStock":true},{"__typename":"Product","inStock":false}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":true},{"name":"Couch","inStock":false}]}}`},
		{"entity a string", body(`{"data":{"_entities":["x",{"__typename":"Product","inStock":false}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":false}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts",0],"extensions":{"cause":"malformed response: _entities item 0 is not an object","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"field of the wrong type", body(`{"data":{"_entities":[{"__typename":"Product","inStock":"yes"},{"__typename":"Product","inStock":{"a":1}}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"Invalid value found for field Product.inStock","path":["topProducts",0,"inStock"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}},{"message":"Invalid value found for field Product.inStock","path":["topProducts",1,"inStock"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`},
		{"invalid escape", body(`{"data":{"_entities":[{"__typename":"Product","inStock":true,"x":"\q"},{"__typename":"Product","inStock":false}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: invalid JSON: invalid escape at offset 66","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"number out of range", body(`{"data":{"_entities":[{"__typename":"Product","inStock":1e999},{"__typename":"Product","inStock":false}]}}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":false}]},"errors":[{"message":"Invalid value found for field Product.inStock","path":["topProducts",0,"inStock"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`},
		{"duplicate keys", body(`{"data":{"_entities":[{"__typename":"Product","inStock":true,"inStock":false},{"__typename":"Product","inStock":false}]},"data":null}`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: _entities has 0 items for 2 representations","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
		{"trailing garbage", body(`{"data":{"_entities":[{"__typename":"Product","inStock":true},{"__typename":"Product","inStock":false}]}}xyz`), `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"subgraph \"inventory\" returned a malformed response","path":["topProducts"],"extensions":{"cause":"malformed response: trailing data","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"inventory"}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := start(t, map[string]*stub{"inventory": tc.inv},
				gateway.WithSubgraphTimeouts(map[string]time.Duration{"inventory": 300 * time.Millisecond}))
			t0 := time.Now()
			status, got := g.query(q, nil)
			if d := time.Since(t0); d > 1500*time.Millisecond {
				t.Errorf("took %v", d)
			}
			if status != statusOf(tc.want) || got != tc.want {
				t.Errorf("got %d %s\nwant %s", status, got, tc.want)
			}
		})
	}
}

// TestSubgraphGarbageRoot: accounts (a root fetch) answers data of the
// wrong shape for the selection; the other root field survives.
func TestSubgraphGarbageRoot(t *testing.T) {
	const q = `{ me { name } users { name } topProducts { name } }`
	const scalars = `{ me { id birthday } users { id } topProducts { name } }`
	for _, tc := range []struct {
		name  string
		acc   *stub
		want  string
		query string // default q
	}{
		{"string where an object is", body(`{"data":{"me":"Ada","users":[{"name":"Ada"}]}}`), `{"data":{"me":null,"users":[{"name":"Ada"}],"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"Invalid value found for field Query.me","path":["me"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`, ""},
		{"list where an object is", body(`{"data":{"me":[{"name":"Ada"}],"users":[{"name":"Ada"}]}}`), `{"data":{"me":null,"users":[{"name":"Ada"}],"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"Invalid value found for field Query.me","path":["me"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`, ""},
		{"object where a list is", body(`{"data":{"me":{"name":"Ada"},"users":{"name":"Ada"}}}`), `{"data":{"me":{"name":"Ada"},"users":null,"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"Invalid value found for field Query.users","path":["users"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`, ""},
		{"number where a string is", body(`{"data":{"me":{"name":12},"users":[{"name":true}]}}`), `{"data":{"me":{"name":null},"users":[{"name":null}],"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"Invalid value found for field User.name","path":["me","name"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}},{"message":"Invalid value found for field User.name","path":["users",0,"name"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`, ""},
		{"missing fields", body(`{"data":{}}`), `{"data":{"me":null,"users":null,"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`, ""},
		{"data and errors", body(`{"data":{"me":null,"users":null},"errors":[{"message":"denied","path":["me"],"extensions":{"code":"FORBIDDEN"}}]}`), `{"data":{"me":null,"users":null,"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"denied","path":["me"],"extensions":{"code":"FORBIDDEN","serviceName":"accounts"}}]}`, ""},
		{"invalid UTF-8", body("{\"data\":{\"me\":{\"name\":\"A\xffda\"},\"users\":[]}}"), `{"data":{"me":null,"users":null,"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"subgraph \"accounts\" returned a malformed response","extensions":{"cause":"malformed response: invalid JSON: invalid UTF-8 in string at offset 24","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"accounts"}}]}`, ""},
		{"multi-byte UTF-8 and escapes", body(`{"data":{"me":{"name":"Ad\u00e0 ☃ \ud83d\ude00 é"},"users":[]}}`), `{"data":{"me":{"name":"Ad\u00e0 ☃ \ud83d\ude00 é"},"users":[],"topProducts":[{"name":"Table"},{"name":"Couch"}]}}`, ""},
		{"Int beyond 32 bits, fractional ID", body(`{"data":{"me":{"id":"1","birthday":99999999999},"users":[{"id":1.5},{"id":7}]}}`), `{"data":{"me":{"id":"1","birthday":null},"users":[null,{"id":7}],"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"Invalid value found for field User.birthday","path":["me","birthday"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}},{"message":"Invalid value found for field User.id","path":["users",0,"id"],"extensions":{"code":"RESPONSE_VALIDATION_FAILED"}}]}`, scalars},
		{"deeply nested garbage", body(`{"data":{"me":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}}`), `{"data":{"me":null,"users":null,"topProducts":[{"name":"Table"},{"name":"Couch"}]},"errors":[{"message":"subgraph \"accounts\" returned a malformed response","extensions":{"cause":"malformed response: invalid JSON: nesting too deep at offset 2569","code":"SUBREQUEST_MALFORMED_RESPONSE","serviceName":"accounts"}}]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := start(t, map[string]*stub{"accounts": tc.acc})
			query := q
			if tc.query != "" {
				query = tc.query
			}
			status, got := g.query(query, nil)
			if status != statusOf(tc.want) || got != tc.want {
				t.Errorf("got %d %s\nwant %s", status, got, tc.want)
			}
		})
	}
}

// TestSubgraphAnswersUnaskedFields: a subgraph answering fields it was not
// asked for (at the root or in an entity) cannot overwrite another
// subgraph's answer (found by FuzzSubgraphAnswers).
func TestSubgraphAnswersUnaskedFields(t *testing.T) {
	products := body(`{"data":{"me":{"name":"Mallory"},"topProducts":[{"__typename":"Product","upc":"1","name":"Table"}]}}`)
	g := start(t, map[string]*stub{"products": products})
	_, got := g.query(`{ me { name } topProducts { name } }`, nil)
	if want := `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table"}]}}`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	// The same from an entity fetch: inventory adds a name to each entity.
	inventory := &stub{answer: func(req subgraphRequest) string {
		reps, _ := req.Variables["representations"].([]any)
		return entities(reps, func(map[string]any) string {
			return `{"__typename":"Product","inStock":true,"name":"Mallory"}`
		})
	}}
	g = start(t, map[string]*stub{"inventory": inventory})
	_, got = g.query(`{ topProducts { name inStock } }`, nil)
	if want := `{"data":{"topProducts":[{"name":"Table","inStock":true},{"name":"Couch","inStock":true}]}}`; got != want {
		t.Errorf("entities: got %s\nwant %s", got, want)
	}
}

// TestSubgraphGiganticResponse: a subgraph streaming an endless body is cut
// at the configured size; the fetch fails alone.
func TestSubgraphGiganticResponse(t *testing.T) {
	endless := raw(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"_entities":[{"__typename":"Product","inStock":true,"pad":"`)
		chunk := strings.Repeat("x", 64<<10)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	g := start(t, map[string]*stub{"inventory": endless}, gateway.WithMaxSubgraphResponseBytes(1<<20))
	t0 := time.Now()
	status, got := g.query(`{ me { name } topProducts { name inStock } }`, nil)
	want := `{"data":{"me":{"name":"Ada"},"topProducts":[{"name":"Table","inStock":null},{"name":"Couch","inStock":null}]},"errors":[{"message":"HTTP fetch failed from subgraph \"inventory\": the response is larger than the limit","path":["topProducts"],"extensions":{"cause":"response too large","code":"SUBREQUEST_HTTP_ERROR","serviceName":"inventory"}}]}`
	if status != statusOf(want) || got != want {
		t.Errorf("got %d %s\nwant %s", status, got, want)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// statusOf is the status GraphQL over HTTP (2026 draft) gives a response
// under application/graphql-response+json: 294 for partial success (data
// and errors), 200 otherwise.
func statusOf(body string) int {
	if strings.Contains(body, `"errors":`) && !strings.HasPrefix(body, `{"data":null`) && strings.HasPrefix(body, `{"data":`) {
		return 294
	}
	return 200
}
