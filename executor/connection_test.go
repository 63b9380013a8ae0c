package executor

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConnectionH2C: a subgraph with h2c is spoken to in HTTP/2 without
// TLS; the others keep HTTP/1.1 on the shared transport.
func TestConnectionH2C(t *testing.T) {
	protos := make(chan string, 4)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos <- r.Proto
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":{}}`))
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	defer srv.Close()
	c := NewHTTPClient(WithConnection("fast", Connection{H2C: true}))
	for _, tc := range []struct{ service, want string }{{"fast", "HTTP/2.0"}, {"other", "HTTP/1.1"}} {
		if _, err := c.Do(context.Background(), &SubgraphRequest{Service: tc.service, URL: srv.URL, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if got := <-protos; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.service, got, tc.want)
		}
	}
}

// TestConnectionMaxConns: with max connections per host 1, concurrent
// requests share one connection (they wait for it); without, they open
// several.
func TestConnectionMaxConns(t *testing.T) {
	var conns atomic.Int32
	release := make(chan struct{})
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release
		w.Write([]byte(`{"data":{}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	for _, tc := range []struct {
		max, want int32
	}{{1, 1}, {0, 3}} {
		conns.Store(0)
		c := NewHTTPClient(WithConnection("", Connection{MaxConnsPerHost: int(tc.max)}))
		var wg sync.WaitGroup
		// With the cap, one request at a time reaches the handler.
		first := 3
		if tc.max == 1 {
			first = 1
		}
		arrived.Add(first)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Do(context.Background(), &SubgraphRequest{Service: "s", URL: srv.URL, Body: []byte(`{}`)}); err != nil {
					t.Error(err)
				}
			}()
		}
		arrived.Wait()
		if tc.max == 1 {
			arrived.Add(2)
			go func() { release <- struct{}{}; release <- struct{}{}; release <- struct{}{} }()
		} else {
			go func() { release <- struct{}{}; release <- struct{}{}; release <- struct{}{} }()
		}
		wg.Wait()
		if got := conns.Load(); got != tc.want {
			t.Errorf("max %d: %d connections, want %d", tc.max, got, tc.want)
		}
	}
}
