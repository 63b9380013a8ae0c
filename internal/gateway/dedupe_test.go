package gateway

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/junction-gateway/junction/executor"
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
		a := inboundKey("v1", p[0], nil, nil)
		b := inboundKey("v1", p[1], nil, nil)
		if a == b {
			t.Errorf("pair %d: same key %q", i, a)
		}
	}
	if inboundKey("v1", &Request{Query: q}, nil, nil) == inboundKey("v2", &Request{Query: q}, nil, nil) {
		t.Error("supergraph versions share a key")
	}
	same := func() *Request {
		return &Request{Query: q, Header: http.Header{"Authorization": {"t"}, "X-Other": {"1"}}}
	}
	if inboundKey("v1", same(), nil, nil) != inboundKey("v1", same(), nil, nil) {
		t.Error("identical requests get different keys")
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
