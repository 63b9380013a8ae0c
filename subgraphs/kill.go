package subgraphs

import (
	"net"
	"sync"
)

// Kill stops the named demo subgraph as a crash would: its listener and
// every connection it accepted (hijacked WebSockets included) are closed
// at once, nothing is drained. The other subgraphs keep serving.
func (d *Demo) Kill(name string) {
	if tr := d.conns[name]; tr != nil {
		tr.kill()
	}
}

// connTracker is a listener that remembers the connections it accepted.
type connTracker struct {
	net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	killed bool
}

func (t *connTracker) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.killed {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	t.conns[c] = struct{}{}
	return &trackedConn{Conn: c, t: t}, nil
}

func (t *connTracker) kill() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.killed = true
	_ = t.Listener.Close()
	for c := range t.conns {
		_ = c.Close()
	}
	clear(t.conns)
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c.Conn)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}
