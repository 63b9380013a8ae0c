package executor

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestDeferMergedAndSpans: a Defer runs its primary part and its deferred
// blocks into one response; every subgraph fetch gets one span.
func TestDeferMergedAndSpans(t *testing.T) {
	accounts := newFake(t, "accounts", map[string]string{
		`{"query":"{me{__typename id}}"}`: `{"data":{"me":{"__typename":"User","id":"u1"}}}`,
	})
	reviews := newFake(t, "reviews", map[string]string{
		entitiesBody(`...on User{reviews{body}}`, `[{"__typename":"User","id":"u1"}]`): `{"data":{"_entities":[{"reviews":[{"body":"Nice"}]}]}}`,
	})
	sg := testSupergraph(t, accounts, reviews)
	// QueryPlan { Defer { Primary { Fetch(service: "accounts") {me{__typename id}} }, [
	//   Deferred(path: "me") { Flatten(path: "me") { Fetch(service: "reviews") {...on User{reviews{body}}} } }
	// ] } }
	plan := &planner.Defer{
		Primary: &planner.Fetch{Service: "accounts", Operation: `{me{__typename id}}`},
		Deferred: []*planner.DeferredBlock{{Path: []string{"me"}, Node: &planner.Flatten{Path: []string{"me"}, Node: &planner.Fetch{
			Service: "reviews", Requires: requires(t, `... on User { __typename id }`),
			Operation: entitiesOp(`...on User{reviews{body}}`),
		}}}},
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ex := New(sg, WithTracer(tp.Tracer("test")))
	got := execute(t, ex, request(t, sg, `{ me { id ... @defer { reviews { body } } } }`, nil, plan))
	want := `{"data":{"me":{"id":"u1","reviews":[{"body":"Nice"}]}}}`
	if got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
	spans := rec.Ended()
	if len(spans) != 2 || spans[0].Name() != "subgraph accounts" || spans[1].Name() != "subgraph reviews" {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name())
		}
		t.Errorf("spans = %v, want [subgraph accounts, subgraph reviews]", names)
	}
}

// TestParseResponse checks the subgraph body decoder on odd input.
func TestParseResponse(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
		want string // data re-encoded
	}{
		{`{"data":{"a":1,"b":[true,false,null,"x\"y"],"c":{}}}`, true, `{"a":1,"b":[true,false,null,"x\"y"],"c":{}}`},
		{` { "errors" : [ {"message":"m"} ] , "data" : null } `, true, `null`},
		{`{"data":{"k\u0065y":-1.5e3}}`, true, `{"key":-1.5e3}`},
		{`{"data":{},"extensions":{"x":[1,{"y":2}]}}`, true, `{}`},
		{`{}`, false, ``},
		{`{"data":[]}`, false, ``},
		{`{"data":{"a":1},}`, false, ``},
		{`{"data":{"a":tru}}`, false, ``},
		{`{"data":{"a":"x` + "\n" + `"}}`, false, ``},
		{`{"data":{}} x`, false, ``},
		{`[`, false, ``},
		{``, false, ``},
		{`{"errors":{"message":"not a list"}}`, false, ``},
		{`{"data":{"a":"\0"}}`, false, ``},
		{`{"data":{"a":"\u12g4"}}`, false, ``},
		{`{"data":{"a":1-2}}`, false, ``},
		{`{"data":{"a":1.}}`, false, ``},
		{`{"data":{"a":-}}`, false, ``},
		{`{"data":{"a":01}}`, false, ``},
		{`{"data":{"a":0.5E+10,"b":-0}}`, true, `{"a":0.5E+10,"b":-0}`},
		{`{"data":{"a":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}}`, false, ``},
		{`{"data":{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`, true, `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`},
		{`{"data":{"a":"\\","b":"\u00e9\"","c":"é"}}`, true, `{"a":"\\","b":"\u00e9\"","c":"é"}`},
	}
	for _, tc := range tests {
		data, _, err := parseResponse([]byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok=%v", tc.body, err, tc.ok)
			continue
		}
		if tc.ok {
			if got := string(jsonv.AppendValue(nil, data)); got != tc.want {
				t.Errorf("%q: data %s, want %s", tc.body, got, tc.want)
			}
		}
	}
}

// FuzzParseResponse: no input makes the decoder panic or hang, and what it
// accepts re-encodes to valid JSON.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{`{"data":{"a":[1,{"b":"c"}]}}`, `{"errors":[{"message":"x","path":["_entities",0]}]}`, `{"data":null}`, `{"data":{"a":"\u00e9\"\\"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		data, _, err := parseResponse(body)
		if err != nil {
			return
		}
		if out := jsonv.AppendValue(nil, data); !json.Valid(out) {
			t.Errorf("%q re-encodes to invalid JSON %q", body, out)
		}
	})
}

// Parallel root fetches are merged in plan order once all have answered:
// subgraphs that disagree on a list they both return give the same answer
// whatever answers first (the later fetch in the plan wins).
func TestParallelRootMergeOrder(t *testing.T) {
	fast := newFake(t, "accounts", map[string]string{
		`{"query":"{products{name}}"}`: `{"data":{"products":[{"name":"a"},{"name":"b"},{"name":"c"}]}}`,
	})
	slow := newFake(t, "inventory", map[string]string{
		`{"query":"{products{price}}"}`: `{"data":{"products":[{"price":1},{"price":2}]}}`,
	})
	slow.delay = 30 * time.Millisecond
	sg := testSupergraph(t, fast, slow)
	plan := func(first, second *fakeSubgraph, q1, q2 string) planner.Node {
		return &planner.Parallel{Nodes: []planner.Node{
			&planner.Fetch{Service: first.name, Operation: q1},
			&planner.Fetch{Service: second.name, Operation: q2},
		}}
	}
	q := `{ products { name price } }`
	got := execute(t, New(sg), request(t, sg, q, nil, plan(slow, fast, `{products{price}}`, `{products{name}}`)))
	if want := `{"data":{"products":[{"name":"a","price":null},{"name":"b","price":null},{"name":"c","price":null}]}}`; got != want {
		t.Errorf("slow first in plan:\n got %s\nwant %s", got, want)
	}
	got = execute(t, New(sg), request(t, sg, q, nil, plan(fast, slow, `{products{name}}`, `{products{price}}`)))
	if want := `{"data":{"products":[{"name":null,"price":1},{"name":null,"price":2}]}}`; got != want {
		t.Errorf("fast first in plan:\n got %s\nwant %s", got, want)
	}
}
