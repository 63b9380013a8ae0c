package executor

import (
	"net"
	"net/http"
	"time"
)

// Connection settings of the subgraph transport (WithConnection): one
// transport per subgraph that has settings of its own, the shared one for
// every other. Zero fields keep the defaults of NewHTTPClient.
type Connection struct {
	// H2C speaks HTTP/2 without TLS to http:// URLs (prior knowledge: the
	// subgraph must speak it); https:// URLs still negotiate HTTP/2 by ALPN.
	H2C bool
	// MaxConnsPerHost caps the connections to one host, in use or idle
	// (default 0: no cap); a request past it waits for one.
	MaxConnsPerHost int
	// MaxIdleConnsPerHost: idle connections kept per host (default 256).
	MaxIdleConnsPerHost int
	// IdleTimeout closes a connection idle that long (default 90s).
	IdleTimeout time.Duration
	// KeepAlive is the TCP keep-alive probe period (default 30s).
	KeepAlive time.Duration
	// DialTimeout bounds establishing a connection (default 5s).
	DialTimeout time.Duration
}

// WithConnection sets the connection settings of service's transport;
// service "" sets those of the shared transport (every subgraph without
// its own).
func WithConnection(service string, c Connection) HTTPOption {
	return func(hc *httpClient) {
		cl := &http.Client{Transport: newTransport(c)}
		if service == "" {
			hc.http = cl
			return
		}
		if hc.perClient == nil {
			hc.perClient = map[string]*http.Client{}
		}
		hc.perClient[service] = cl
	}
}

// newTransport is the tuned keep-alive transport for many concurrent
// requests to few hosts, with c's settings over the defaults.
func newTransport(c Connection) *http.Transport {
	dial, keepAlive := 5*time.Second, 30*time.Second
	if c.DialTimeout > 0 {
		dial = c.DialTimeout
	}
	if c.KeepAlive > 0 {
		keepAlive = c.KeepAlive
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: dial, KeepAlive: keepAlive}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		MaxConnsPerHost:     c.MaxConnsPerHost,
		IdleConnTimeout:     90 * time.Second,
		// Subgraph answers are often tens of KB: read them in 16 KB
		// pieces rather than the default 4 KB (one read syscall each).
		ReadBufferSize:        16 << 10,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if c.MaxIdleConnsPerHost > 0 {
		tr.MaxIdleConnsPerHost = c.MaxIdleConnsPerHost
	}
	if c.IdleTimeout > 0 {
		tr.IdleConnTimeout = c.IdleTimeout
	}
	if c.H2C {
		// Without HTTP1, http:// URLs use HTTP/2 with prior knowledge.
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetHTTP2(true)
		tr.Protocols.SetUnencryptedHTTP2(true)
	}
	return tr
}
