package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/subscription"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// subscribeEvents serves a subscription and returns its events to pull
// (the pull stops when the test ends).
func subscribeEvents(t *testing.T, ctx context.Context, gw *Gateway, req *Request) (func() (*Response, bool), *Response) {
	t.Helper()
	req.AcceptSubscription = true
	resp := gw.Serve(ctx, req)
	if resp.Events == nil {
		return nil, resp
	}
	next, stop := iter.Pull(resp.Events)
	t.Cleanup(stop)
	return next, resp
}

// nextEvent pulls one event, failing the test after a generous hang guard.
func nextEvent(t *testing.T, next func() (*Response, bool)) (*Response, bool) {
	t.Helper()
	type ev struct {
		r  *Response
		ok bool
	}
	ch := make(chan ev, 1)
	go func() {
		r, ok := next()
		ch <- ev{r, ok}
	}()
	select {
	case e := <-ch:
		return e.r, e.ok
	case <-time.After(30 * time.Second):
		t.Fatal("no event within 30s (hang guard)")
		return nil, false
	}
}

// addReview runs the addReview mutation on the reviews subgraph directly.
func addReview(t *testing.T, url, upc, body, user string) {
	t.Helper()
	q, _ := json.Marshal(map[string]any{
		"query":     `mutation($u:String!,$b:String!){ addReview(upc:$u, body:$b){ id } }`,
		"variables": map[string]any{"u": upc, "b": body},
	})
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(q)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-User-Id", user)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("addReview: status %d", resp.StatusCode)
	}
}

// eventJSON is the whole response document of one event.
func eventJSON(t *testing.T, r *Response) string {
	t.Helper()
	doc := map[string]any{}
	if r.Data != nil {
		doc["data"] = json.RawMessage(r.Data)
	}
	if len(r.Errors) > 0 {
		doc["errors"] = r.Errors
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	r.Release()
	return string(b)
}

const reviewAddedQuery = `subscription { reviewAdded { id body author { id username name } product { upc name inStock } } }`

// primed pulls events while adding "prime" reviews until one arrives: the
// subgraph has then registered the subscription (it does so after
// acknowledging it). It returns a next that skips the primes left.
func primed(t *testing.T, next func() (*Response, bool), reviewsURL string) func() (*Response, bool) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		for {
			addReview(t, reviewsURL, "1", "prime", "1")
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	r, ok := nextEvent(t, next)
	close(done)
	if !ok {
		t.Fatal("the stream ended before the first event")
	}
	r.Release()
	return func() (*Response, bool) {
		for {
			r, ok := next()
			if !ok || !strings.Contains(string(r.Data), `"body":"prime"`) {
				return r, ok
			}
			r.Release()
		}
	}
}

func TestSubscriptionEventsCompleteFromThreeSubgraphs(t *testing.T) {
	gw, d := startDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, resp := subscribeEvents(t, ctx, gw, &Request{Query: reviewAddedQuery})
	if next == nil {
		t.Fatalf("no event stream: %+v", resp.Errors)
	}
	next = primed(t, next, d.URLs["reviews"])
	for i, c := range []struct{ upc, body, user, author, product string }{
		{"1", "first!", "1", `{"id":"1","username":"@ada","name":"Ada Lovelace"}`, `{"upc":"1","name":"Table","inStock":true}`},
		{"2", "second!", "2", `{"id":"2","username":"@complete","name":"Alan Turing"}`, `{"upc":"2","name":"Couch","inStock":false}`},
	} {
		addReview(t, d.URLs["reviews"], c.upc, c.body, c.user)
		r, ok := nextEvent(t, next)
		if !ok {
			t.Fatalf("event %d: the stream ended", i)
		}
		got := eventJSON(t, r)
		var id struct {
			Data struct{ ReviewAdded struct{ ID string } }
		}
		if err := json.Unmarshal([]byte(got), &id); err != nil || id.Data.ReviewAdded.ID == "" {
			t.Fatalf("event %d: %s", i, got)
		}
		want := fmt.Sprintf(`{"data":{"reviewAdded":{"id":%q,"body":%q,"author":%s,"product":%s}}}`, id.Data.ReviewAdded.ID, c.body, c.author, c.product)
		if got != want {
			t.Errorf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestSubscriptionRefusedWithoutStreamingTransport(t *testing.T) {
	gw, _ := startDemo(t)
	resp := gw.Serve(context.Background(), &Request{Query: reviewAddedQuery})
	if resp.Events != nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != CodeSubscriptionNotSupported {
		t.Fatalf("got %+v, want SUBSCRIPTION_NOT_SUPPORTED", resp.Errors)
	}
}

func TestIdenticalSubscriptionsShareOneUpstream(t *testing.T) {
	fake := &fakeWS{}
	gw, _ := fakeGateway(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const q = `subscription { reviewAdded { id body } }`
	var nexts []func() (*Response, bool)
	for i := 0; i < 3; i++ {
		next, resp := subscribeEvents(t, ctx, gw, &Request{Query: q})
		if next == nil {
			t.Fatalf("subscription %d: %+v", i, resp.Errors)
		}
		nexts = append(nexts, next)
	}
	// A different selection is another upstream subscription.
	other, resp := subscribeEvents(t, ctx, gw, &Request{Query: `subscription { reviewAdded { id } }`})
	if other == nil {
		t.Fatalf("other: %+v", resp.Errors)
	}
	waitFor(t, "two subscriptions at the subgraph", func() bool { return fake.subscribers() == 2 })
	if n := fake.conns.Load(); n != 2 {
		t.Errorf("the subgraph saw %d connections, want 2 (three identical subscriptions share one)", n)
	}
	if n := gw.UpstreamSubscriptions(); n != 2 {
		t.Errorf("UpstreamSubscriptions() = %d, want 2", n)
	}
	fake.publish(`{"data":{"reviewAdded":{"id":"7","body":"shared","__typename":"Review"}}}`)
	for i, next := range nexts {
		r, ok := nextEvent(t, next)
		if !ok {
			t.Fatalf("subscriber %d: ended", i)
		}
		if got, want := eventJSON(t, r), `{"data":{"reviewAdded":{"id":"7","body":"shared"}}}`; got != want {
			t.Errorf("subscriber %d: %s, want %s", i, got, want)
		}
	}
	r, ok := nextEvent(t, other)
	if !ok {
		t.Fatal("other: ended")
	}
	if got, want := eventJSON(t, r), `{"data":{"reviewAdded":{"id":"7"}}}`; got != want {
		t.Errorf("other: %s, want %s", got, want)
	}
	// Everyone leaves: the upstream subscriptions close.
	cancel()
	waitFor(t, "upstreams closed", func() bool { return gw.UpstreamSubscriptions() == 0 && fake.subscribers() == 0 })
}

func TestSubscriptionSubgraphKilledMidStream(t *testing.T) {
	gw, d := startDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, resp := subscribeEvents(t, ctx, gw, &Request{Query: reviewAddedQuery})
	if next == nil {
		t.Fatalf("no event stream: %+v", resp.Errors)
	}
	next = primed(t, next, d.URLs["reviews"])
	d.Kill("reviews")
	r, ok := nextEvent(t, next)
	if !ok {
		t.Fatal("the stream ended without an error event")
	}
	if r.Data != nil || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != CodeSubscriptionUpstream ||
		r.Errors[0].Extensions["serviceName"] != "reviews" {
		t.Fatalf("last event: %s, want one %s error from reviews", eventJSON(t, r), CodeSubscriptionUpstream)
	}
	if _, ok := nextEvent(t, next); ok {
		t.Fatal("an event after the error event")
	}
	waitFor(t, "upstream closed", func() bool { return gw.UpstreamSubscriptions() == 0 })
}

func TestSubscriptionSurvivesOrEndsAtSwap(t *testing.T) {
	gw, d := startDemo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, resp := subscribeEvents(t, ctx, gw, &Request{Query: `subscription { reviewAdded { id body product { name } } }`})
	if next == nil {
		t.Fatalf("no event stream: %+v", resp.Errors)
	}
	next = primed(t, next, d.URLs["reviews"])
	// The same supergraph again (a new State): the subscription carries on.
	sdl := subgraphs.Supergraph(d.URLs)
	same, err := schema.ParseSupergraph(sdl)
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Swap(same); err != nil {
		t.Fatal(err)
	}
	addReview(t, d.URLs["reviews"], "3", "after swap", "1")
	r, ok := nextEvent(t, next)
	if !ok || !strings.Contains(string(r.Data), `"body":"after swap","product":{"name":"Chair"}`) {
		t.Fatalf("after an identical swap: %v %s", ok, eventJSON(t, r))
	}
	r.Release()
	// A supergraph without Subscription.reviewAdded: the stream ends with
	// SUBSCRIPTION_SCHEMA_CHANGED, at once (no event needed).
	gone := strings.Replace(sdl, "  reviewAdded: Review\n", "  reviewRemoved: Review\n", 1)
	if gone == sdl {
		t.Fatal("the supergraph has no reviewAdded line to remove")
	}
	sg, err := schema.ParseSupergraph(gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Swap(sg); err != nil {
		t.Fatal(err)
	}
	r, ok = nextEvent(t, next)
	if !ok || r.Data != nil || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != CodeSubscriptionSchemaChanged {
		t.Fatalf("after the field was removed: %v %+v", ok, r)
	}
	if !strings.Contains(r.Errors[0].Message, `Cannot query field "reviewAdded"`) {
		t.Errorf("message %q does not say why", r.Errors[0].Message)
	}
	if _, ok := nextEvent(t, next); ok {
		t.Fatal("an event after the schema-changed error")
	}
	waitFor(t, "upstream closed", func() bool { return gw.UpstreamSubscriptions() == 0 })
}

func TestSubscriptionEndsWhenCredentialsExpire(t *testing.T) {
	fake := &fakeWS{}
	gw, _ := fakeGateway(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx = WithCredentialExpiry(ctx, time.Now().Add(300*time.Millisecond))
	next, resp := subscribeEvents(t, ctx, gw, &Request{Query: `subscription { reviewAdded { id } }`})
	if next == nil {
		t.Fatalf("no event stream: %+v", resp.Errors)
	}
	r, ok := nextEvent(t, next)
	if !ok || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("got %v %+v, want an UNAUTHENTICATED event", ok, r)
	}
	if _, ok := nextEvent(t, next); ok {
		t.Fatal("an event after expiry")
	}
}

func TestSubscriptionOverSSEUpstream(t *testing.T) {
	gw, d := startDemo(t, WithSubscriptions(subscription.Options{}, map[string]SubgraphSubscriptions{
		"reviews": {Protocol: subscription.SSE},
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next, resp := subscribeEvents(t, ctx, gw, &Request{Query: reviewAddedQuery})
	if next == nil {
		t.Fatalf("no event stream: %+v", resp.Errors)
	}
	next = primed(t, next, d.URLs["reviews"])
	addReview(t, d.URLs["reviews"], "2", "over sse", "3")
	r, ok := nextEvent(t, next)
	if !ok {
		t.Fatal("the stream ended")
	}
	got := eventJSON(t, r)
	if !strings.Contains(got, `"body":"over sse","author":{"id":"3",`) || !strings.Contains(got, `"product":{"upc":"2","name":"Couch","inStock":false}`) {
		t.Fatalf("event: %s", got)
	}
	d.Kill("reviews")
	r, ok = nextEvent(t, next)
	if !ok || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != CodeSubscriptionUpstream {
		t.Fatalf("after the kill: %v %+v", ok, r)
	}
}
