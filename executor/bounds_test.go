package executor

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/planner"
)

// deadlineTransport records the deadline of each request's context and
// answers 503 at once.
type deadlineTransport struct {
	mu   sync.Mutex
	left []time.Duration // time to the deadline when the request was sent; -1: none
}

func (d *deadlineTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dl, ok := r.Context().Deadline(); ok {
		d.left = append(d.left, time.Until(dl))
	} else {
		d.left = append(d.left, -1)
	}
	return nil, errors.New("recorded")
}

// TestHTTPClientKeepsLongerTimeouts: a subgraph timeout above 30 s is the
// one that bounds the request (the client used to add its own 30 s one and
// cut a 45 s timeout at 30 s).
func TestHTTPClientKeepsLongerTimeouts(t *testing.T) {
	rec := &deadlineTransport{}
	accounts := newFake(t, "accounts", nil)
	sg := testSupergraph(t, accounts)
	ex := New(sg, WithClient(NewHTTPClient(WithTransport(rec))),
		WithTimeout(10*time.Minute), WithDefaultSubgraphTimeout(45*time.Second))
	ex.Execute(context.Background(), request(t, sg, `{ me { name } }`, nil, &planner.Fetch{Service: "accounts", Operation: `{me{name}}`}))
	if len(rec.left) != 1 {
		t.Fatalf("%d requests", len(rec.left))
	}
	if l := rec.left[0]; l < 44*time.Second || l > 45*time.Second {
		t.Errorf("the subgraph request's deadline was %v away, want 45s", l)
	}
}

// TestNoTimeoutMeansDefault: WithTimeout(0) keeps the default bound on a
// whole execution (a gateway built without a request timeout used to
// pass 0 and leave requests unbounded).
func TestNoTimeoutMeansDefault(t *testing.T) {
	rec := &deadlineTransport{}
	accounts := newFake(t, "accounts", nil)
	sg := testSupergraph(t, accounts)
	ex := New(sg, WithClient(NewHTTPClient(WithTransport(rec))), WithTimeout(0),
		WithSubgraphTimeout("accounts", time.Hour))
	ex.Execute(context.Background(), request(t, sg, `{ me { name } }`, nil, &planner.Fetch{Service: "accounts", Operation: `{me{name}}`}))
	if l := rec.left[0]; l < 0 || l > DefaultTimeout {
		t.Errorf("deadline %v away, want at most %v", l, DefaultTimeout)
	}
}

// TestMaxMergedBytes: the subgraph answers one request holds are bounded;
// the fetch that passes the bound fails with an error naming it.
func TestMaxMergedBytes(t *testing.T) {
	big := `{"data":{"me":{"name":"` + strings.Repeat("a", 4000) + `"}}}`
	accounts := newFake(t, "accounts", map[string]string{`{"query":"{me{name}}"}`: big})
	sg := testSupergraph(t, accounts)
	req := func() *Request {
		return request(t, sg, `{ me { name } }`, nil, &planner.Fetch{Service: "accounts", Operation: `{me{name}}`})
	}
	if got := execute(t, New(sg, WithMaxMergedBytes(8000)), req()); strings.Contains(got, "errors") {
		t.Fatalf("under the bound: %s", got)
	}
	got := execute(t, New(sg, WithMaxMergedBytes(1000)), req())
	want := `{"data":{"me":null},"errors":[{"message":"the subgraph answers of this request are larger than the limit (limits.max_merged_bytes); the answer of subgraph \"accounts\" was dropped","extensions":{"cause":"request's subgraph answers too large","code":"RESPONSE_TOO_LARGE","serviceName":"accounts"}}]}`
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestFetchFailureHook: every failed fetch is reported once, with the
// request's context and a cause that names no URL.
func TestFetchFailureHook(t *testing.T) {
	accounts := newFake(t, "accounts", nil)
	accounts.srv.Close()
	sg := testSupergraph(t, accounts)
	type key struct{}
	var got []string
	ex := New(sg, WithFetchFailureHook(func(ctx context.Context, service string, err error) {
		got = append(got, ctx.Value(key{}).(string)+" "+service+" "+Cause(err))
	}))
	req := request(t, sg, `{ me { name } }`, nil, &planner.Fetch{Service: "accounts", Operation: `{me{name}}`})
	res := ex.Execute(context.WithValue(context.Background(), key{}, "req-1"), req)
	if len(got) != 1 || got[0] != "req-1 accounts connection refused" {
		t.Errorf("hook calls %q", got)
	}
	if msg := res.Errors[0].Message; strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "http://") {
		t.Errorf("client error names an address: %s", msg)
	}
}

func TestCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&StatusError{Service: "a", StatusCode: 503}, "status 503"},
		{context.DeadlineExceeded, "timeout"},
		{errors.Join(errRequestDeadline, context.DeadlineExceeded), "request timeout"},
		{ErrResponseTooLarge, "response too large"},
		{errors.New("something odd at http://10.0.0.1/"), "transport failure"},
	} {
		if got := Cause(tc.err); got != tc.want {
			t.Errorf("Cause(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
