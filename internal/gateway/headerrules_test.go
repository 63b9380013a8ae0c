package gateway

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/junction-gateway/junction/executor"
)

type recordClient struct{ got http.Header }

func (c *recordClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	c.got = req.Header
	return []byte(`{"data":{}}`), nil
}

// TestHeaderRulesNeverMutateShared: the rules build a new header map per
// subgraph request; the operation's shared map is left as it was.
func TestHeaderRulesNeverMutateShared(t *testing.T) {
	p := HeaderRules([]HeaderRule{
		{Kind: PropagateHeader, Named: "x-a"},
		{Kind: RemoveHeader, Matching: regexp.MustCompile("(?i)^x-keep")},
	}, map[string][]HeaderRule{"s": {{Kind: InsertHeader, Named: "x-s", Value: "1"}}}).(*headerRules)
	rec := &recordClient{}
	c := p.WrapClient(rec)
	shared := http.Header{"X-Keep": {"k"}, carrierPrefix + "X-A": {"a"}}
	for _, svc := range []string{"s", "t"} {
		if _, err := c.Do(context.Background(), &executor.SubgraphRequest{Service: svc, Header: shared}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"X-A": "a", "X-Keep": "", "X-S": map[string]string{"s": "1", "t": ""}[svc], carrierPrefix + "X-A": ""}
		for k, v := range want {
			if g := rec.got.Get(k); g != v {
				t.Errorf("%s: %s = %q, want %q", svc, k, g, v)
			}
		}
	}
	if len(shared) != 2 || shared.Get("X-Keep") != "k" || shared.Get(carrierPrefix+"X-A") != "a" {
		t.Fatalf("shared header changed: %v", shared)
	}
}
