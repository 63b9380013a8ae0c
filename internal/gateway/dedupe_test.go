package gateway

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestInboundKeyIsUnambiguous: requests whose fields or header values
// would concatenate to the same text must never share an execution.
func TestInboundKeyIsUnambiguous(t *testing.T) {
	q := `{ me { id } }`
	pairs := [][2]*Request{
		{
			{Query: q, Header: http.Header{"Authorization": {"a,b"}}},
			{Query: q, Header: http.Header{"Authorization": {"a", "b"}}},
		},
		{
			{Query: q, Header: http.Header{"Authorization": {"a"}, "Cookie": {""}}},
			{Query: q, Header: http.Header{"Authorization": {"a", ""}}},
		},
		{
			{Query: q, Header: http.Header{"Authorization": {"x\nCookie:y"}}},
			{Query: q, Header: http.Header{"Authorization": {"x"}, "Cookie": {"y"}}},
		},
		{
			{Query: q, OperationName: "A"},
			{Query: q, OperationName: ""},
		},
		{
			{Query: q},
			{Query: q, ExposePlan: true},
		},
	}
	for i, p := range pairs {
		a := inboundKey("v1", p[0], nil, nil, "")
		b := inboundKey("v1", p[1], nil, nil, "")
		if a == b {
			t.Errorf("pair %d: same key %q", i, a)
		}
	}
	if inboundKey("v1", &Request{Query: q}, nil, nil, "") == inboundKey("v2", &Request{Query: q}, nil, nil, "") {
		t.Error("supergraph versions share a key")
	}
	same := func() *Request {
		return &Request{Query: q, Header: http.Header{"Authorization": {"t"}, "X-Other": {"1"}}}
	}
	if inboundKey("v1", same(), nil, nil, "") != inboundKey("v1", same(), nil, nil, "") {
		t.Error("identical requests get different keys")
	}
}

// inboundKeyReference is the key as it was built before it was sized in
// advance: fields appended to a growing builder.
func inboundKeyReference(version string, req *Request, vars map[string]any, propagated []string) string {
	var b strings.Builder
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		b.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		b.WriteString(s)
	}
	header := func(name string, values []string) {
		field(name)
		var n [binary.MaxVarintLen64]byte
		b.Write(n[:binary.PutUvarint(n[:], uint64(len(values)))])
		for _, v := range values {
			field(v)
		}
	}
	field(version)
	field(req.OperationName)
	field(req.Query)
	if len(vars) > 0 {
		raw, err := json.Marshal(vars)
		if err != nil {
			return ""
		}
		field(string(raw))
	} else {
		field("")
	}
	for _, n := range identityHeaders {
		header(n, req.Header[n])
	}
	for _, n := range propagated {
		header(n, req.Header[n])
	}
	if req.ExposePlan {
		b.WriteString("plan")
	}
	return b.String()
}

// TestInboundKeyEncoding: the key is the same sequence of length-prefixed
// fields as before, and it is built in one allocation, whatever the sizes
// (length prefixes of one, two and three bytes).
func TestInboundKeyEncoding(t *testing.T) {
	long := strings.Repeat("x", 200)
	huge := strings.Repeat("{ a }", 4000)
	version := strings.Repeat("f", 64)
	for i, tc := range []struct {
		req        *Request
		vars       map[string]any
		propagated []string
	}{
		{req: &Request{Query: "{ a }"}},
		{req: &Request{Query: huge, OperationName: long, ExposePlan: true}},
		{req: &Request{Query: long, Header: http.Header{"Authorization": {"Bearer " + long}, "Cookie": {"a", "", long}}}},
		{req: &Request{Query: "{ a }", Header: http.Header{"X-Tenant": {"t1"}, "Authorization": {}}},
			propagated: []string{"X-Tenant", "X-Absent"}},
		{req: &Request{Query: "query($n: Int) { a(n: $n) }"}, vars: map[string]any{"n": json.Number("1"), "s": long, "l": []any{true, nil}}},
		{req: &Request{Query: "{ a }"}, vars: map[string]any{"bad": func() {}}},
	} {
		got := inboundKey(version, tc.req, tc.vars, tc.propagated, "")
		if want := inboundKeyReference(version, tc.req, tc.vars, tc.propagated); got != want {
			t.Errorf("case %d: key %q, want %q", i, got, want)
		}
		if tc.vars != nil {
			continue // json.Marshal allocates too
		}
		if n := testing.AllocsPerRun(10, func() { inboundKey(version, tc.req, nil, tc.propagated, "") }); n != 1 {
			t.Errorf("case %d: %v allocations, want 1", i, n)
		}
	}
}

// BenchmarkInboundKey: the key of the load benchmark's request (no
// variables, no identity headers), and of a short query.
func BenchmarkInboundKey(b *testing.B) {
	version := strings.Repeat("f", 64)
	for _, bc := range []struct{ name, query string }{
		{"benchmark-query", subgraphs.BenchmarkQuery},
		{"short", "{ me { id } }"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := &Request{Query: bc.query, Header: http.Header{"Accept": {"*/*"}}}
			b.ReportAllocs()
			for b.Loop() {
				if inboundKey(version, req, nil, nil, "") == "" {
					b.Fatal("no key")
				}
			}
		})
	}
}

// blockingClient answers once released and counts its calls.
type blockingClient struct {
	release chan struct{}
	calls   chan struct{}
}

func (c *blockingClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	c.calls <- struct{}{}
	select {
	case <-c.release:
		return []byte(`{"data":{}}`), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestSubgraphDedupeKeepsEachCallersDeadline: a caller that joins a shared
// round trip gives up at its own deadline, and the round trip goes on for
// the others.
func TestSubgraphDedupeKeepsEachCallersDeadline(t *testing.T) {
	next := &blockingClient{release: make(chan struct{}), calls: make(chan struct{}, 4)}
	c := &dedupeClient{next: next}
	req := &executor.SubgraphRequest{Service: "a", URL: "http://a", Body: []byte(`{"query":"{ x }"}`)}

	leader := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), req)
		leader <- err
	}()
	<-next.calls // the shared round trip is in flight

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, executor.ErrSubgraphTransport) {
		t.Fatalf("waiter error %v, want a transport error wrapping the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waiter returned after %s", d)
	}
	close(next.release)
	if err := <-leader; err != nil {
		t.Fatalf("leader: %v", err)
	}
	if n := len(next.calls); n != 0 {
		t.Errorf("%d extra round trips", n)
	}
}

// TestSubgraphDedupeNeverSharesMutations: every mutation goes out.
func TestSubgraphDedupeNeverSharesMutations(t *testing.T) {
	next := &blockingClient{release: make(chan struct{}), calls: make(chan struct{}, 4)}
	close(next.release)
	c := &dedupeClient{next: next}
	req := &executor.SubgraphRequest{Service: "a", URL: "http://a", Body: []byte(`{"query":"mutation { x }"}`)}
	for range 3 {
		if _, err := c.Do(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(next.calls); n != 3 {
		t.Errorf("%d round trips for 3 mutations", n)
	}
}
