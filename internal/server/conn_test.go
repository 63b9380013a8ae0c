package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

// startHTTP serves h the way junction does (HTTPServer over Listen) on a
// loopback port and returns its address.
func startHTTP(t *testing.T, h http.Handler, maxConns int, idle, write time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := HTTPServer(h, time.Second, idle, write)
	go func() { _ = srv.Serve(Listen(ln, maxConns)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
}

// TestContentLengthAndChunkedRefused: a request with both Content-Length
// and Transfer-Encoding: chunked is answered 400 and its connection is
// closed, so the request pipelined after it is never served (RFC 9112
// §6.3). net/http alone answered both.
func TestContentLengthAndChunkedRefused(t *testing.T) {
	var served atomic.Int32
	addr := startHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	}), 0, time.Minute, time.Minute)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"0\r\n\r\n"+
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "Transfer-Encoding") {
		t.Errorf("status %d body %s", resp.StatusCode, body)
	}
	if _, err := http.ReadResponse(br, nil); err == nil {
		t.Error("the pipelined request after it was answered")
	}
	if n := served.Load(); n != 0 {
		t.Errorf("the handler served %d requests", n)
	}
}

// TestFramerFollowsBodies: the framer is not fooled by a body that looks
// like headers, follows chunked bodies and keep-alive sequences, and finds
// a smuggling request after honest ones.
func TestFramerFollowsBodies(t *testing.T) {
	honest := "POST / HTTP/1.1\r\nContent-Length: 61\r\n\r\n" +
		"X\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nxxxxxxxxx" +
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"31\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n0\r\n\r\n" +
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	for _, step := range []int{1, 3, 7, len(honest)} {
		var f framer
		for i := 0; i < len(honest); i += step {
			if f.feed([]byte(honest[i:min(i+step, len(honest))])) {
				t.Fatalf("step %d: honest stream flagged at %d", step, i)
			}
		}
		if f.state != fsHeaders {
			t.Fatalf("step %d: framer lost track (state %d)", step, f.state)
		}
		if !f.feed([]byte("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n")) {
			t.Errorf("step %d: smuggling request not flagged", step)
		}
	}
}

// TestIdleConnectionsClosed: a keep-alive connection idle past the idle
// timeout is closed by the server.
func TestIdleConnectionsClosed(t *testing.T) {
	addr := startHTTP(t, okHandler(), 0, 200*time.Millisecond, time.Minute)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("read after idle: %v, want EOF", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %v", d)
	}
}

// TestConnectionCap: past the cap, a new connection is not served until an
// open one closes.
func TestConnectionCap(t *testing.T) {
	addr := startHTTP(t, okHandler(), 2, time.Minute, time.Minute)
	var open []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
	}
	third, err := net.Dial("tcp", addr) // the kernel queues it
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	_, _ = io.WriteString(third, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(third)
	_ = third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := http.ReadResponse(br, nil); err == nil {
		t.Fatal("a third connection was served past a cap of 2")
	}
	open[0].Close()
	_ = third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := http.ReadResponse(br, nil); err != nil {
		t.Fatalf("the queued connection was not served once a slot freed: %v", err)
	}
}

// bigHandler answers every GraphQL request with a large response.
func bigHandler(size int) HandlerFunc {
	data := []byte(`{"s":"` + strings.Repeat("x", size) + `"}`)
	return func(ctx context.Context, req *gateway.Request) *gateway.Response {
		return &gateway.Response{Data: data}
	}
}

// TestSlowReaderDropped: a client that sends a request and never reads
// its (large) answer is dropped after the write timeout, its connection
// closed.
func TestSlowReaderDropped(t *testing.T) {
	var closed atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(bigHandler(32<<20), WithWriteTimeout(300*time.Millisecond), WithLogger(discardLogger()))
	srv := HTTPServer(s, time.Second, time.Minute, time.Minute)
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateClosed {
			closed.Add(1)
		}
	}
	go func() { _ = srv.Serve(Listen(ln, 0)) }()
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	body := `{"query":"{ a }"}`
	_, _ = io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "+
		strconv.Itoa(len(body))+"\r\n\r\n"+body)
	deadline := time.Now().Add(5 * time.Second)
	for closed.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the connection of a client that does not read stayed open")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConcurrencyCap: past limits.max_concurrent_requests a request waits
// for the queue timeout, then is answered 503 with Retry-After and an
// error naming the limit.
func TestConcurrencyCap(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h := HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
		return &gateway.Response{Data: []byte(`{"a":1}`)}
	})
	s := New(h, WithMaxConcurrent(1, 100*time.Millisecond), WithLogger(discardLogger()))
	addr := startHTTP(t, s, 0, time.Minute, time.Minute)
	post := func() (*http.Response, string) {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ a }"}`))
		if err != nil {
			t.Error(err)
			return nil, ""
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	first := make(chan int, 1)
	go func() {
		r, _ := post()
		first <- r.StatusCode
	}()
	<-entered
	start := time.Now()
	r, body := post()
	if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(body, "limits.max_concurrent_requests") {
		t.Errorf("second request: %d Retry-After %q %s", r.StatusCode, r.Header.Get("Retry-After"), body)
	}
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("answered after %v, without waiting for the queue timeout", d)
	}
	close(release)
	if code := <-first; code != 200 {
		t.Errorf("first request %d", code)
	}
	if r, _ := post(); r.StatusCode != 200 {
		t.Errorf("after the first finished: %d", r.StatusCode)
	}
}
