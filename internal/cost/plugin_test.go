package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// shopServer answers every products query with n products (n settable),
// and counts its requests.
type shopServer struct {
	n        atomic.Int64
	requests atomic.Int64
}

func (s *shopServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	var req struct {
		Query string `json:"query"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(req.Query, "rate") {
		fmt.Fprint(w, `{"data":{"rate":true}}`)
		return
	}
	if !strings.Contains(req.Query, "products") {
		http.Error(w, "unexpected query "+req.Query, http.StatusBadRequest)
		return
	}
	items := make([]string, s.n.Load())
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":"%d"}`, i)
	}
	fmt.Fprintf(w, `{"data":{"products":[%s]}}`, strings.Join(items, ","))
}

// startShop serves the shop supergraph over HTTP with demand control.
func startShop(t *testing.T, o Options) (*httptest.Server, *shopServer) {
	t.Helper()
	shop := &shopServer{}
	shop.n.Store(3)
	sub := httptest.NewServer(shop)
	t.Cleanup(sub.Close)
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(shopSupergraph(t), gateway.WithPlugins(p),
		gateway.WithSubgraphURLs(map[string]string{"shop": sub.URL, "reviews": sub.URL}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(gw))
	t.Cleanup(srv.Close)
	return srv, shop
}

type answer struct {
	status int
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

func post(t *testing.T, url, query string, withCost bool) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if withCost {
		req.Header.Set(Header, "true")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.status = resp.StatusCode
	return a
}

func costOf(t *testing.T, a answer) string {
	t.Helper()
	c, ok := a.Extensions["cost"]
	if !ok {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func TestEnforceOverHTTP(t *testing.T) {
	srv, shop := startShop(t, Options{Mode: Enforce, MaxCost: 10})

	// products(first: 20): 20 > 10, refused before any subgraph is asked.
	a := post(t, srv.URL, `{ products(first: 20) { id } }`, true)
	if a.status != http.StatusUnprocessableEntity || a.Data != nil || len(a.Errors) != 1 {
		t.Fatalf("over budget: %d %s %+v", a.status, a.Data, a.Errors)
	}
	e := a.Errors[0]
	if e.Extensions["code"] != CodeEstimated || e.Message != "The estimated cost of this operation, 20, is over the budget of 10 (demand_control.max_cost)." {
		t.Errorf("error %+v", e)
	}
	if got := costOf(t, a); got != `{"estimated":20,"max":10,"result":"COST_ESTIMATED_TOO_EXPENSIVE"}` {
		t.Errorf("cost %s", got)
	}
	if n := shop.requests.Load(); n != 0 {
		t.Errorf("the subgraph was asked %d times for a refused operation", n)
	}

	// products(first: 5): 5 within budget; 3 returned, actual 3.
	a = post(t, srv.URL, `{ products(first: 5) { id } }`, true)
	if a.status != http.StatusOK || len(a.Errors) != 0 || string(a.Data) != `{"products":[{"id":"0"},{"id":"1"},{"id":"2"}]}` {
		t.Fatalf("within budget: %d %s %+v", a.status, a.Data, a.Errors)
	}
	if got := costOf(t, a); got != `{"actual":3,"estimated":5,"max":10,"result":"COST_OK"}` {
		t.Errorf("cost %s", got)
	}
	// Without the header, no extensions.
	if a = post(t, srv.URL, `{ products(first: 5) { id } }`, false); a.Extensions != nil {
		t.Errorf("extensions without the header: %v", a.Extensions)
	}

	// The subgraph returns 12 where 2 were asked for: the actual cost 12
	// is over budget, reported with the data.
	shop.n.Store(12)
	a = post(t, srv.URL, `{ products(first: 2) { id } }`, true)
	if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != CodeActual ||
		a.Errors[0].Message != "The actual cost of this operation, 12, is over the budget of 10 (demand_control.max_cost)." {
		t.Fatalf("actual over budget: %+v", a.Errors)
	}
	if !strings.HasPrefix(string(a.Data), `{"products":[{"id":"0"}`) {
		t.Errorf("data %s", a.Data)
	}
	if got := costOf(t, a); got != `{"actual":12,"estimated":2,"max":10,"result":"COST_ACTUAL_TOO_EXPENSIVE"}` {
		t.Errorf("cost %s", got)
	}

	// requireOneSlicingArgument: none given is refused, with the path.
	a = post(t, srv.URL, `{ products { id } }`, false)
	if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != CodeSlicing || fmt.Sprint(a.Errors[0].Path) != "[products]" ||
		a.Errors[0].Message != "Query.products takes exactly one of its slicing arguments (first, last), 0 given (@listSize requireOneSlicingArgument)" {
		t.Errorf("slicing: %+v", a.Errors)
	}
}

func TestMeasureOverHTTP(t *testing.T) {
	srv, shop := startShop(t, Options{Mode: Measure, MaxCost: 10})
	// Over budget, measured only: executed, the result says so.
	a := post(t, srv.URL, `{ products(first: 20) { id } }`, true)
	if a.status != http.StatusOK || len(a.Errors) != 0 || a.Data == nil {
		t.Fatalf("measure: %d %s %+v", a.status, a.Data, a.Errors)
	}
	if got := costOf(t, a); got != `{"actual":3,"estimated":20,"max":10,"result":"COST_ESTIMATED_TOO_EXPENSIVE"}` {
		t.Errorf("cost %s", got)
	}
	// Actual over budget: reported in extensions, no error.
	shop.n.Store(11)
	a = post(t, srv.URL, `{ products(first: 1) { id } }`, true)
	if len(a.Errors) != 0 {
		t.Errorf("measure errors %+v", a.Errors)
	}
	if got := costOf(t, a); got != `{"actual":11,"estimated":1,"max":10,"result":"COST_ACTUAL_TOO_EXPENSIVE"}` {
		t.Errorf("cost %s", got)
	}
	// Slicing problems are not refused in measure mode.
	if a = post(t, srv.URL, `{ products { id } }`, false); len(a.Errors) != 0 {
		t.Errorf("measure slicing: %+v", a.Errors)
	}
}

func TestExtensionsAlways(t *testing.T) {
	srv, _ := startShop(t, Options{Mode: Measure, Extensions: true})
	a := post(t, srv.URL, `mutation { rate(id: "1", stars: 2) }`, false)
	// 10 + stars 2 = 12, estimated and actual; no budget.
	if got := costOf(t, a); got != `{"actual":12,"estimated":12,"result":"COST_OK"}` {
		t.Errorf("cost %s", got)
	}
	a = post(t, srv.URL, `{ products(first: 4) { id } }`, false)
	if got := costOf(t, a); got != `{"actual":3,"estimated":4,"result":"COST_OK"}` {
		t.Errorf("cost %s", got)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Mode: "strict"}, `demand_control.mode: "strict" is not measure or enforce`},
		{Options{MaxCost: -1}, `demand_control.max_cost: -1: want 0 (no budget) or more`},
		{Options{ListSize: -1}, `demand_control.list_size: -1: want 0 (the default, 10) or more`},
	} {
		if _, err := New(tc.o); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %s", tc.o, err, tc.want)
		}
	}
}
