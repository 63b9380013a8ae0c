package robustness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// TestConcurrentGarbage: many clients at once while inventory rotates
// through garbage answers, failures and good ones. Every response is a
// GraphQL response with data (partial where inventory failed), the process
// stays healthy, and the race detector sees nothing (go test -race).
func TestConcurrentGarbage(t *testing.T) {
	answers := []string{
		``, `{}`, `<html>`, `{"data":null}`, `{"errors":"x"}`, `{"errors":[{}]}`,
		`{"data":{"_entities":"x"}}`, `{"data":{"_entities":[1,2]}}`,
		`{"data":{"_entities":[{"__typename":"Product","inStock":"no"},null]}}`,
		`{"data":{"_entities":[{"__typename":"Product","inStock":true},{"__typename":"Product","inStock":false}]}}`,
	}
	var n atomic.Int64
	inv := raw(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		switch i % (len(answers) + 2) {
		case len(answers):
			w.WriteHeader(503)
			return
		case len(answers) + 1:
			sleep(r, 500*time.Millisecond) // beyond the timeout
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, answers[i%(len(answers)+2)])
	})
	g := start(t, map[string]*stub{"inventory": inv},
		gateway.WithSubgraphTimeouts(map[string]time.Duration{"inventory": 100 * time.Millisecond}),
		gateway.WithSubgraphDedupe(false))
	queries := []string{
		`{ me { name } topProducts { name inStock } }`,
		`{ topProducts { upc inStock shippingEstimate } }`,
		`{ me { reviews { product { name inStock } } } }`,
	}
	const clients, each = 16, 12
	var wg sync.WaitGroup
	errs := make(chan string, clients*each)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				q := queries[(c+i)%len(queries)]
				raw, _ := json.Marshal(map[string]any{"query": q})
				resp, err := http.Post(g.url, "application/json", strings.NewReader(string(raw)))
				if err != nil {
					errs <- err.Error()
					continue
				}
				var body struct {
					Data   map[string]any   `json:"data"`
					Errors []map[string]any `json:"errors"`
				}
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				switch {
				case err != nil:
					errs <- "not JSON: " + err.Error()
				case resp.StatusCode != 200 && resp.StatusCode != 294: // 294: partial success
					errs <- fmt.Sprintf("status %d", resp.StatusCode)
				case body.Data == nil:
					errs <- fmt.Sprintf("no data: %v", body.Errors)
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Still healthy: a normal request works.
	if _, got := g.query(`{ me { name } }`, nil); got != `{"data":{"me":{"name":"Ada"}}}` {
		t.Errorf("after the load: %s", got)
	}
}
