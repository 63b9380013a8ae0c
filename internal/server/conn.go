package server

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The connection layer: what net/http leaves to its caller.
//
//   - A cap on open connections (Listen): past it, Accept waits, and new
//     connections wait in the kernel's listen queue rather than take a
//     file descriptor each.
//   - Request smuggling (RFC 9112 §6.3): net/http accepts a request that
//     carries both Content-Length and Transfer-Encoding: chunked (it drops
//     the Content-Length header before a handler could see it) and keeps
//     the connection. Each connection's bytes are followed through
//     HTTP/1.1 framing (framer) to spot such a request; Guard answers it
//     400 and closes the connection, so nothing pipelined behind it is
//     served.

// Listen wraps ln so that at most max connections are open at once (max
// <= 0: no cap) and every connection is followed for smuggling (Guard).
func Listen(ln net.Listener, max int) net.Listener {
	l := &listener{Listener: ln}
	if max > 0 {
		l.sem = make(chan struct{}, max)
	}
	return l
}

type listener struct {
	net.Listener
	sem chan struct{}
}

func (l *listener) Accept() (net.Conn, error) {
	if l.sem != nil {
		l.sem <- struct{}{}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		if l.sem != nil {
			<-l.sem
		}
		return nil, err
	}
	return &conn{Conn: c, sem: l.sem}, nil
}

// conn is an accepted connection: it gives its slot back on Close and
// follows the request framing of what it reads.
type conn struct {
	net.Conn
	sem       chan struct{}
	closeOnce sync.Once
	smuggled  atomic.Bool
	fr        framer
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.smuggled.Load() && c.fr.feed(p[:n]) {
		c.smuggled.Store(true)
	}
	return n, err
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() {
		if c.sem != nil {
			<-c.sem
		}
	})
	return err
}

type connKey struct{}

// ConnContext is http.Server.ConnContext for connections from Listen: it
// lets Guard find a request's connection.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*conn); ok {
		return context.WithValue(ctx, connKey{}, cc)
	}
	return ctx
}

// Guard refuses (400, connection closed) a request whose connection sent a
// request with both Content-Length and Transfer-Encoding. Requests that
// were pipelined behind it on the same connection are refused too.
func Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*conn); ok && c.smuggled.Load() {
			w.Header().Set("Connection", "close")
			body, _ := encodeResponse(errorResponse(http.StatusBadRequest, codeBadRequest,
				"a request with both Content-Length and Transfer-Encoding is refused (RFC 9112 §6.3)"))
			w.Header().Set("Content-Type", mediaJSON+"; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(body)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// HTTPServer returns an http.Server for h with the connection bounds set:
// header, idle and write timeouts, ConnContext for Guard, h guarded.
// write bounds the whole exchange as a backstop (the GraphQL handler sets
// its own write deadline once a response is ready, WithWriteTimeout).
func HTTPServer(h http.Handler, readHeader, idle, write time.Duration) *http.Server {
	return &http.Server{
		Handler:           Guard(h),
		ReadHeaderTimeout: readHeader,
		IdleTimeout:       idle,
		WriteTimeout:      write,
		ConnContext:       ConnContext,
	}
}

// framer follows HTTP/1.1 request framing over a connection's bytes: the
// header block, then a body of Content-Length bytes or in chunks. It only
// has to find the header blocks; a stream it cannot follow (malformed:
// net/http refuses it anyway) stops it.
type framer struct {
	state   int // fsHeaders, fsBody, fsChunkSize, fsChunkData, fsChunkCRLF, fsTrailers, fsStopped
	line    []byte
	remain  int64 // body or chunk bytes left
	hasCL   bool
	chunked bool
	hasTE   bool
}

const (
	fsHeaders = iota
	fsBody
	fsChunkSize
	fsChunkData
	fsChunkCRLF
	fsTrailers
	fsStopped
)

// maxFrameLine bounds a header or chunk-size line the framer keeps (net/http
// refuses longer headers than its own 1 MB limit anyway).
const maxFrameLine = 1 << 20

// feed follows p; it reports true once a request with both Content-Length
// and Transfer-Encoding was seen.
func (f *framer) feed(p []byte) bool {
	for len(p) > 0 {
		switch f.state {
		case fsStopped:
			return false
		case fsBody, fsChunkData:
			n := int64(len(p))
			if n > f.remain {
				n = f.remain
			}
			f.remain -= n
			p = p[n:]
			if f.remain == 0 {
				if f.state == fsBody {
					f.state = fsHeaders
				} else {
					f.state = fsChunkCRLF
				}
			}
		default:
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				f.line = append(f.line, p...)
				if len(f.line) > maxFrameLine {
					f.state = fsStopped
				}
				return false
			}
			line := p[:i]
			if len(f.line) > 0 {
				line = append(f.line, line...)
			}
			p = p[i+1:]
			if f.line2(bytes.TrimRight(line, "\r")) {
				return true
			}
			f.line = f.line[:0]
		}
	}
	return false
}

// line2 takes one line of a header block, chunk size or trailer; true
// once a smuggling request's header block ended.
func (f *framer) line2(line []byte) bool {
	switch f.state {
	case fsHeaders:
		if len(line) > 0 {
			k, v, ok := bytes.Cut(line, []byte(":"))
			if !ok {
				return false // the request line
			}
			k = bytes.TrimSpace(k)
			switch {
			case bytes.EqualFold(k, []byte("Content-Length")):
				f.hasCL = true
				n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
				if err != nil || n < 0 {
					f.state = fsStopped
					return false
				}
				f.remain = n
			case bytes.EqualFold(k, []byte("Transfer-Encoding")):
				f.hasTE = true
				f.chunked = bytes.Contains(bytes.ToLower(v), []byte("chunked"))
			}
			return false
		}
		// End of the header block.
		smuggled := f.hasCL && f.hasTE
		switch {
		case smuggled:
			f.state = fsStopped
		case f.chunked:
			f.state = fsChunkSize
		case f.remain > 0:
			f.state = fsBody
		}
		f.hasCL, f.hasTE, f.chunked = false, false, false
		return smuggled
	case fsChunkSize:
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 {
			f.state = fsStopped
			return false
		}
		if n == 0 {
			f.state = fsTrailers
		} else {
			f.remain, f.state = n, fsChunkData
		}
	case fsChunkCRLF:
		f.state = fsChunkSize
	case fsTrailers:
		if len(line) == 0 {
			f.state = fsHeaders
		}
	}
	return false
}
