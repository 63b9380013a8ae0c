package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/junction-gateway/junction/internal/gateway"
)

// tickHandler answers `subscription { ticks }` with three events, over any
// subscription transport, recording the Authorization each subscription
// carried; everything else goes to the schema handler.
type tickHandler struct {
	*schemaHandler
	mu    sync.Mutex
	auths []string
}

func (h *tickHandler) Serve(ctx context.Context, req *gateway.Request) *gateway.Response {
	if !strings.HasPrefix(strings.TrimSpace(req.Query), "subscription") {
		return h.schemaHandler.Serve(ctx, req)
	}
	h.mu.Lock()
	// The init payload is set only over a WebSocket.
	init, _ := req.InitPayload["authorization"].(string)
	h.auths = append(h.auths, req.Header.Get("Authorization")+" / "+init)
	h.mu.Unlock()
	return &gateway.Response{Events: func(yield func(*gateway.Response) bool) {
		for i := 1; i <= 3; i++ {
			if !yield(&gateway.Response{Data: json.RawMessage(`{"ticks":` + string(rune('0'+i)) + `}`)}) {
				return
			}
		}
	}}
}

// TestPlaygroundSubscriptionInBrowser: the playground runs a subscription
// over graphql-transport-ws at the GraphQL path (through the page's CSP),
// shows its events, and sends the token field's value in connection_init.
func TestPlaygroundSubscriptionInBrowser(t *testing.T) {
	skipWithoutChromium(t)
	sh, err := newSchemaHandler()
	if err != nil {
		t.Fatal(err)
	}
	h := &tickHandler{schemaHandler: sh}
	ts := httptest.NewServer(New(h, WithLogger(discardLogger())))
	defer ts.Close()

	bctx, blog := startBrowser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	const op = `subscription { ticks }`
	var result string
	eval := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool]("("+js+", true)")(ctx, tg)
			return err
		})
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-container .graphiql-query-editor .CodeMirror`)),
		eval(`localStorage.setItem('junction:token', 'sub-token')`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-container .graphiql-query-editor .CodeMirror`)),
		eval(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+jsString(op)+`)`),
		poll("the operation parsed", `(() => { const ops = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.operations;
			return ops && ops.length === 1 && ops[0].operation === 'subscription' ? true : null; })()`, new(bool)),
		chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
		poll("the last event", `(() => { const e = document.querySelector('.graphiql-response .CodeMirror');
			const v = e && e.CodeMirror.getValue(); return v && v.includes('"ticks": 3') ? v : null; })()`, &result),
	)
	reqs, problems := blog.snapshot()
	if err != nil {
		t.Fatalf("browser run: %v\nrequests: %q\nproblems: %q", err, shorten(reqs, 80), problems)
	}
	for _, p := range problems {
		t.Errorf("page problem: %s", p)
	}
	h.mu.Lock()
	auths := append([]string(nil), h.auths...)
	h.mu.Unlock()
	if len(auths) != 1 || auths[0] != "Bearer sub-token / Bearer sub-token" {
		t.Fatalf("subscriptions reached the server with Authorization %q, want one over a WebSocket with the token field's (header / init payload)", auths)
	}
	for _, u := range reqs {
		if !loopbackURL(u) {
			t.Errorf("request to a non-loopback URL: %s", u)
		}
	}
}
