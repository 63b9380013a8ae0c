package reviews

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A deep cyclic query (product -> reviews -> product -> ...) abandoned by
// its client stops costing the subgraph: no field is resolved soon after the
// client's timeout, and a normal query still answers.
func TestCancelledCyclicQueryStops(t *testing.T) {
	s := New()
	ts := httptest.NewServer(s)
	defer ts.Close()

	sel := "upc"
	for range 40 {
		sel = "upc reviews { body product { " + sel + " } }"
	}
	q := `query { _entities(representations: [{__typename: "Product", upc: "1"}]) { ... on Product { ` + sel + ` } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	if resp, err := http.DefaultClient.Do(req); err == nil {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		t.Fatalf("the cyclic query answered in %v; want it to outlast the client's timeout: %.300s", time.Since(start), b.String())
	}
	// Soon after the client gave up, the subgraph resolves no more fields.
	time.Sleep(300 * time.Millisecond)
	before := s.Fields()
	if before == 0 {
		t.Fatal("no field resolved: the query did not run")
	}
	time.Sleep(500 * time.Millisecond)
	if after := s.Fields(); after != before {
		t.Fatalf("fields resolved after the client gave up: %d then %d", before, after)
	}

	normal, _ := json.Marshal(map[string]any{"query": `query { _entities(representations: [{__typename: "Product", upc: "1"}]) { ... on Product { reviews { id } } } }`})
	resp, err := http.Post(ts.URL, "application/json", bytes.NewReader(normal))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if !strings.Contains(out.String(), `"reviews":[{"id"`) {
		t.Fatalf("normal query after the cancelled one: %s", out.String())
	}
}
