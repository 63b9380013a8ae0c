package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestPlanOnlyPlansWithoutExecuting: with PlanOnly the answer is the plan
// (object and text), status 200, no data, and no subgraph is called, for
// a plain query and for one that defers a fragment from a client that does
// not accept multipart.
func TestPlanOnlyPlansWithoutExecuting(t *testing.T) {
	acc := &cannedAccounts{name: "Ada"}
	gw := newTestGateway(t, acc)
	for _, tc := range []struct{ query, wantText, wantKind string }{
		{`{ me { id name } }`, `Fetch(service: "accounts")`, "Fetch"},
		{`{ me { id ... @defer { reviews { body } } } }`, `Defer {`, "Defer"},
	} {
		resp := gw.Serve(context.Background(), &Request{Query: tc.query, PlanOnly: true})
		if resp.Status != http.StatusOK || resp.Data != nil || len(resp.Errors) > 0 || resp.Incremental != nil {
			t.Fatalf("%s: status %d data %s errors %v", tc.query, resp.Status, resp.Data, resp.Errors)
		}
		plan, _ := resp.Extensions["apolloQueryPlan"].(map[string]any)
		text, _ := plan["text"].(string)
		if !strings.Contains(text, tc.wantText) {
			t.Errorf("%s: plan text %q, want %q in it", tc.query, text, tc.wantText)
		}
		obj, _ := plan["object"].(map[string]any)
		node, _ := obj["node"].(map[string]any)
		if node["kind"] != tc.wantKind {
			t.Errorf("%s: plan root %v, want %s", tc.query, node["kind"], tc.wantKind)
		}
		if _, ok := resp.Extensions["junctionTrace"]; ok {
			t.Errorf("%s: a plan-only answer carries a trace", tc.query)
		}
	}
	if n := acc.calls.Load(); n != 0 {
		t.Errorf("plan-only requests made %d subgraph calls, want 0", n)
	}
	// Without the flag the same query runs.
	resp := gw.Serve(context.Background(), &Request{Query: `{ me { id name } }`})
	if string(resp.Data) != `{"me":{"id":"1","name":"Ada"}}` || acc.calls.Load() != 1 {
		t.Errorf("query without PlanOnly: %s, %d calls", resp.Data, acc.calls.Load())
	}
	// An invalid operation is still refused as usual.
	resp = gw.Serve(context.Background(), &Request{Query: `{ nope }`, PlanOnly: true})
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("invalid plan-only request: %v", resp.Errors)
	}
}

type traceJSON struct {
	DurationUs int64 `json:"durationUs"`
	Fetches    []struct {
		Fetch         int    `json:"fetch"`
		Service       string `json:"service"`
		Path          string `json:"path"`
		OperationName string `json:"operationName"`
		StartUs       int64  `json:"startUs"`
		EndUs         int64  `json:"endUs"`
		Bytes         int    `json:"bytes"`
		Error         *struct {
			Message, Code string
		} `json:"error"`
		Errors []string `json:"errors"`
	} `json:"fetches"`
}

func decodeTrace(t *testing.T, ext map[string]any) traceJSON {
	t.Helper()
	raw, err := json.Marshal(ext["junctionTrace"])
	if err != nil {
		t.Fatal(err)
	}
	var tr traceJSON
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("trace %s: %v", raw, err)
	}
	return tr
}

// TestTraceRecordsEveryFetch runs the benchmark query over the demo
// subgraphs with IncludeTrace: one entry per subgraph round trip (as many
// per subgraph as the subgraph received), each with its plan position,
// path, timings within the request and the answer's size.
func TestTraceRecordsEveryFetch(t *testing.T) {
	ctx := context.Background()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg, WithSubgraphDedupe(false))
	if err != nil {
		t.Fatal(err)
	}
	plain := gw.Serve(ctx, &Request{Query: subgraphs.BenchmarkQuery})
	if _, ok := plain.Extensions["junctionTrace"]; ok || len(plain.Errors) > 0 {
		t.Fatalf("untraced request: extensions %v errors %v", plain.Extensions, plain.Errors)
	}
	before := map[string]int64{}
	for name, srv := range demo.Servers {
		before[name] = srv.Requests()
	}
	resp := gw.Serve(ctx, &Request{Query: subgraphs.BenchmarkQuery, IncludeTrace: true})
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	if string(resp.Data) != string(plain.Data) {
		t.Errorf("traced data differs from untraced data")
	}
	tr := decodeTrace(t, resp.Extensions)
	count := map[string]int{}
	paths := map[string]bool{}
	var last int64
	for i, f := range tr.Fetches {
		count[f.Service]++
		paths[f.Path] = true
		if f.StartUs < last {
			t.Errorf("fetch %d starts at %d, before the previous one (%d)", i, f.StartUs, last)
		}
		last = f.StartUs
		if f.EndUs < f.StartUs || f.EndUs > tr.DurationUs {
			t.Errorf("fetch %d: %d..%d outside 0..%d", i, f.StartUs, f.EndUs, tr.DurationUs)
		}
		if f.Bytes <= len(`{"data":{}}`) || f.Error != nil || len(f.Errors) > 0 {
			t.Errorf("fetch %d: bytes %d error %v errors %v", i, f.Bytes, f.Error, f.Errors)
		}
		if f.Fetch < 1 || f.Fetch > 13 {
			t.Errorf("fetch %d: plan position %d", i, f.Fetch)
		}
	}
	var got []string
	for s, n := range count {
		got = append(got, fmt.Sprintf("%s=%d", s, n))
	}
	sort.Strings(got)
	// 13 fetches in the plan, two rounds of two sharing one call each.
	// One entry per round trip each subgraph saw (entity lookups of one
	// round may share a call: fewer round trips than plan fetches).
	var sent []string
	for name, srv := range demo.Servers {
		sent = append(sent, fmt.Sprintf("%s=%d", name, srv.Requests()-before[name]))
	}
	sort.Strings(sent)
	if g, w := strings.Join(got, " "), strings.Join(sent, " "); g != w || len(tr.Fetches) < 8 {
		t.Errorf("traced fetches %s, subgraphs received %s", g, w)
	}
	if !paths[""] || !paths["users.@.reviews.@.product"] {
		t.Errorf("paths %v: want the root and users.@.reviews.@.product", paths)
	}
}

// TestTraceShowsFailures: a subgraph answering 500 appears in the trace
// with the client-facing code and message (no URL), and GraphQL errors in
// a 200 answer are listed.
func TestTraceShowsFailures(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var body struct{ Query string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		if strings.Contains(body.Query, "topProducts") {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `oops`)
			return
		}
		fmt.Fprint(w, `{"data":{"me":null},"errors":[{"message":"no session"}]}`)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": srv.URL, "products": srv.URL, "reviews": srv.URL, "inventory": srv.URL,
	}))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg)
	if err != nil {
		t.Fatal(err)
	}
	resp := gw.Serve(context.Background(), &Request{Query: `{ me { id } topProducts { name } }`, IncludeTrace: true})
	tr := decodeTrace(t, resp.Extensions)
	if len(tr.Fetches) != 2 {
		t.Fatalf("fetches %+v, want 2", tr.Fetches)
	}
	byService := map[string]int{}
	for i, f := range tr.Fetches {
		byService[f.Service] = i
	}
	acc, prod := tr.Fetches[byService["accounts"]], tr.Fetches[byService["products"]]
	if acc.Error != nil || len(acc.Errors) != 1 || acc.Errors[0] != "no session" {
		t.Errorf("accounts fetch: error %v errors %v", acc.Error, acc.Errors)
	}
	if prod.Error == nil || prod.Error.Code != "SUBREQUEST_HTTP_ERROR" || strings.Contains(prod.Error.Message, srv.URL) ||
		!strings.Contains(prod.Error.Message, "500") {
		t.Errorf("products fetch error %+v", prod.Error)
	}
}

// TestTraceOfDeferredResponse: with @defer, the initial payload's trace
// holds the primary fetch, the last payload's the deferred ones too.
func TestTraceOfDeferredResponse(t *testing.T) {
	ctx := context.Background()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg)
	if err != nil {
		t.Fatal(err)
	}
	resp := gw.Serve(ctx, &Request{Query: `{ topProducts(first: 2) { upc ... @defer { reviews { body } } } }`,
		IncludeTrace: true, AcceptIncremental: true})
	if resp.Incremental == nil || len(resp.Errors) > 0 {
		t.Fatalf("not incremental: %s %v", resp.Data, resp.Errors)
	}
	first := decodeTrace(t, resp.Extensions)
	if len(first.Fetches) != 1 || first.Fetches[0].Service != "products" {
		t.Errorf("initial trace %+v, want the products fetch", first.Fetches)
	}
	var last *Subsequent
	n := 0
	for sub := range resp.Incremental {
		n++
		if sub.HasNext && sub.Extensions != nil {
			t.Errorf("payload %d (hasNext) carries extensions %v", n, sub.Extensions)
		}
		last = sub
	}
	if last == nil || last.HasNext {
		t.Fatalf("no last payload")
	}
	all := decodeTrace(t, last.Extensions)
	var services []string
	for _, f := range all.Fetches {
		services = append(services, f.Service)
	}
	if strings.Join(services, ",") != "products,reviews" {
		t.Errorf("last payload's trace: %v, want products then reviews", services)
	}
}
