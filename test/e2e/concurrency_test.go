package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestConcurrentResponsesAreExact sends different operations from many
// clients at once, with deduplication on and off, and checks every answer
// byte for byte against its golden file. Response buffers are pooled and
// reused once written (and never released when deduplicated requests share
// them): a buffer given back too early shows up here as another
// response's bytes.
func TestConcurrentResponsesAreExact(t *testing.T) {
	cases := []struct{ name, query string }{
		{"benchmark", benchmarkQuery},
		{"me", `{ me { id name username } }`},
		{"issue_query", `{ topProducts { name shippingEstimate reviews { body author { username reviews { product { name } } } } } }`},
		{"root_parallel", `{ me { username } topProducts(first: 1) { name } }`},
	}
	want := map[string][]byte{}
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", c.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		want[c.name] = b
	}
	for _, dedupe := range []bool{true, false} {
		t.Run(fmt.Sprintf("inbound_dedupe=%v", dedupe), func(t *testing.T) {
			h := newHarness(t, gateway.WithInboundDedupe(dedupe))
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 12 {
						c := cases[(g+i)%len(cases)]
						got, err := postRaw(h.url, c.query)
						if err != nil {
							t.Error(err)
							return
						}
						var buf bytes.Buffer
						if err := json.Indent(&buf, got, "", "  "); err != nil {
							t.Errorf("%s: not JSON: %v", c.name, err)
							return
						}
						buf.WriteByte('\n')
						if !bytes.Equal(buf.Bytes(), want[c.name]) {
							t.Errorf("%s: response differs from testdata/%s.json:\n%s", c.name, c.name, got)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

func postRaw(url, query string) ([]byte, error) {
	raw, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// TestSameDocumentDifferentVariables: one document, sent again with other
// @skip/@include values, is shaped by each request's own variables (the
// executor caches collected fields across requests only where no directive
// decides them).
func TestSameDocumentDifferentVariables(t *testing.T) {
	h := newHarness(t)
	q := `query($no: Boolean!) { me { id name @skip(if: $no) username @include(if: $no) } }`
	for _, c := range []struct {
		no   bool
		want string
	}{
		{true, `{"data":{"me":{"id":"1","username":"@ada"}}}`},
		{false, `{"data":{"me":{"id":"1","name":"Ada Lovelace"}}}`},
		{true, `{"data":{"me":{"id":"1","username":"@ada"}}}`},
	} {
		_, body := h.post(map[string]any{"query": q, "variables": map[string]any{"no": c.no}}, nil)
		if string(body) != c.want {
			t.Errorf("no=%v: %s, want %s", c.no, body, c.want)
		}
	}
}
