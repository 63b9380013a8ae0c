package subgraphs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/junction-gateway/junction/subgraphs/accounts"
	"github.com/junction-gateway/junction/subgraphs/inventory"
	"github.com/junction-gateway/junction/subgraphs/products"
	"github.com/junction-gateway/junction/subgraphs/reviews"
)

// Names lists the demo subgraphs in ascending order.
var Names = []string{accounts.Name, inventory.Name, products.Name, reviews.Name}

// Server is one demo subgraph: an HTTP handler with its request counters.
type Server interface {
	http.Handler
	// Requests is the number of HTTP requests served.
	Requests() int64
	// EntityCalls is the number of entity resolver calls: one per entity
	// type per _entities request, whatever the number of representations.
	EntityCalls() int64
	// Representations is the number of representations the entity
	// resolvers received.
	Representations() int64
}

// NewServer returns a fresh server of the named demo subgraph, or nil for
// an unknown name.
func NewServer(name string) Server {
	switch name {
	case accounts.Name:
		return accounts.New()
	case inventory.Name:
		return inventory.New()
	case products.Name:
		return products.New()
	case reviews.Name:
		return reviews.New()
	}
	return nil
}

var _ Server = (*accounts.Server)(nil)

// Demo is the four demo subgraphs running as real HTTP servers on loopback.
type Demo struct {
	// URLs maps subgraph name -> http://127.0.0.1:port/query.
	URLs map[string]string
	// Servers maps subgraph name -> its server, for the request counters.
	Servers map[string]Server

	https     []*http.Server
	conns     map[string]*connTracker // by subgraph name (kill.go)
	closeOnce sync.Once
	stop      func() bool
}

// Start starts the four demo subgraphs on 127.0.0.1:0 and returns once all
// of them accept connections. They stop on Close or when ctx is done.
func Start(ctx context.Context) (*Demo, error) {
	d := &Demo{URLs: map[string]string{}, Servers: map[string]Server{}, conns: map[string]*connTracker{}}
	var lc net.ListenConfig
	for _, name := range Names {
		ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo subgraph %s: %w", name, err)
		}
		tr := &connTracker{Listener: ln, conns: map[net.Conn]struct{}{}}
		d.conns[name] = tr
		ln = tr
		srv := NewServer(name)
		hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
		d.https = append(d.https, hs)
		d.Servers[name] = srv
		d.URLs[name] = "http://" + ln.Addr().String() + "/query"
		go func() { _ = hs.Serve(ln) }() // returns ErrServerClosed on Close
	}
	d.stop = context.AfterFunc(ctx, d.Close)
	return d, nil
}

// Close stops the servers, waiting up to five seconds for requests in
// flight. It is safe to call more than once.
func (d *Demo) Close() {
	d.closeOnce.Do(func() {
		if d.stop != nil {
			d.stop()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, hs := range d.https {
			if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				_ = hs.Close()
			}
		}
	})
}
