package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// fakeWS is a graphql-transport-ws subgraph that counts its connections
// and sends each event given to publish to every subscription it holds.
type fakeWS struct {
	conns atomic.Int64
	mu    sync.Mutex
	subs  map[chan string]bool
	// header is the upgrade request's header, last seen; init the last
	// connection_init payload.
	header http.Header
	init   json.RawMessage
	// aliases: the response key each subscription selects reviewAdded as.
	aliases map[chan string]string
}

func (f *fakeWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	f.conns.Add(1)
	ctx := r.Context()
	read := func() (map[string]json.RawMessage, bool) {
		_, b, err := c.Read(ctx)
		if err != nil {
			return nil, false
		}
		var m map[string]json.RawMessage
		return m, json.Unmarshal(b, &m) == nil
	}
	m, ok := read()
	if !ok || string(m["type"]) != `"connection_init"` {
		return
	}
	f.mu.Lock()
	f.header, f.init = r.Header.Clone(), m["payload"]
	f.mu.Unlock()
	if c.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_ack"}`)) != nil {
		return
	}
	if m, ok = read(); !ok || string(m["type"]) != `"subscribe"` {
		return
	}
	var p struct{ Query string }
	_ = json.Unmarshal(m["payload"], &p)
	alias := "reviewAdded"
	if k, _, ok := strings.Cut(strings.TrimPrefix(p.Query, "subscription{"), ":reviewAdded"); ok {
		alias = k
	}
	ch := make(chan string, 16)
	f.mu.Lock()
	if f.subs == nil {
		f.subs, f.aliases = map[chan string]bool{}, map[chan string]string{}
	}
	f.subs[ch] = true
	f.aliases[ch] = alias
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, ch)
		delete(f.aliases, ch)
		f.mu.Unlock()
	}()
	gone := make(chan struct{})
	go func() { // answer pings, notice the end
		defer close(gone)
		for {
			m, ok := read()
			if !ok {
				return
			}
			if string(m["type"]) == `"ping"` {
				_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
			}
		}
	}()
	for {
		select {
		case ev := <-ch:
			if c.Write(ctx, websocket.MessageText, []byte(`{"id":"1","type":"next","payload":`+ev+`}`)) != nil {
				return
			}
		case <-gone:
			return
		}
	}
}

// subscribers is the number of subscriptions the fake holds now.
func (f *fakeWS) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// publishAliased sends each subscription an event under its own alias
// (the benchmark's distinct subscriptions select reviewAdded as rN).
func (f *fakeWS) publishAliased() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch, alias := range f.aliases {
		ch <- `{"data":{"` + alias + `":{"id":"1","body":"b","__typename":"Review"}}}`
	}
}

func (f *fakeWS) publish(ev string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		ch <- ev
	}
}

// fakeGateway serves the demo supergraph with every subgraph at fake.
func fakeGateway(t *testing.T, fake http.Handler, opts ...Option) (*Gateway, string) {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	urls := map[string]string{}
	for _, n := range subgraphs.Names {
		urls[n] = srv.URL
	}
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(urls))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := New(sg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return gw, srv.URL
}
