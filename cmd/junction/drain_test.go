package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// slowAccounts answers `me` after delay, every other query at once.
func slowAccounts(delay time.Duration) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "me") {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"1","username":"ada"}}}`)
	}))
}

func serveSlow(t *testing.T, delay time.Duration, extraConfig string) (string, *logLines, func() error, func(os.Signal)) {
	t.Helper()
	sub := slowAccounts(delay)
	t.Cleanup(sub.Close)
	return serveAccounts(t, sub, extraConfig)
}

// serveAccounts runs `junction serve` over the demo supergraph with sub as
// the accounts subgraph (the others unreachable).
func serveAccounts(t *testing.T, sub *httptest.Server, extraConfig string) (string, *logLines, func() error, func(os.Signal)) {
	t.Helper()
	dir := t.TempDir()
	sg := filepath.Join(dir, "sg.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(map[string]string{"accounts": sub.URL})), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "junction.yaml")
	if err := os.WriteFile(cfg, []byte("supergraph: "+sg+"\n"+extraConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd, lines := start(t, "serve", "--config", cfg, "--listen", addr)
	select {
	case <-lines.ready:
	case <-time.After(120 * time.Second): // the first test builds the binary
		t.Fatalf("serve never became ready: %s", strings.Join(lines.all, "\n"))
	}
	var once sync.Once
	var werr error
	wait := func() error {
		once.Do(func() { werr = cmd.Wait() })
		return werr
	}
	return addr, lines, wait, func(s os.Signal) { _ = cmd.Process.Signal(s) }
}

// TestSIGTERMDrains: on SIGTERM /ready turns 503, requests in flight
// finish, clients sending all along lose no request (each is answered, or
// its new connection is refused once the listener stopped), and the
// process exits 0.
func TestSIGTERMDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr, _, wait, signal := serveSlow(t, 1500*time.Millisecond, "traffic: {request_timeout: 5s}\nshutdown: {drain_delay: 500ms, grace: 10s}\n")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	var reusedLost atomic.Int32
	post := func(q string) (int, error) {
		var reused bool
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
		})
		req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/graphql", strings.NewReader(`{"query":"`+q+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			if reused {
				reusedLost.Add(1)
			}
			return 0, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.Contains(string(b), "errors") {
			return resp.StatusCode, fmt.Errorf("answer %d %s", resp.StatusCode, b)
		}
		return resp.StatusCode, nil
	}
	slow := make(chan error, 1)
	go func() { _, err := post("{ me { id } }"); slow <- err }()
	var stop atomic.Bool
	var ok, refused, lost atomic.Int32
	var lostErr atomic.Value
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if _, err := post("{ __typename }"); err == nil {
					ok.Add(1)
				} else if strings.Contains(err.Error(), "connection refused") {
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				} else {
					lost.Add(1)
					lostErr.Store(err.Error())
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	signal(syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond)
	resp, err := http.Get("http://" + addr + "/ready")
	if err != nil || resp.StatusCode != 503 {
		t.Errorf("/ready while draining: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err := <-slow; err != nil {
		t.Errorf("the request in flight at SIGTERM: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not exit")
	}
	stop.Store(true)
	wg.Wait()
	// No request is lost: on a keep-alive connection it is answered (with
	// Connection: close), on a new one it is answered too, or the
	// connection is refused once the listener stopped (never reset with
	// the request unanswered).
	if lost.Load() > 0 {
		t.Errorf("%d requests lost, %d of them on keep-alive connections (last: %v)", lost.Load(), reusedLost.Load(), lostErr.Load())
	}
	t.Logf("%d answered, %d refused", ok.Load(), refused.Load())
	if ok.Load() == 0 {
		t.Error("no request answered")
	}
}

// TestSecondSignalExits: a second signal ends the process at once, even
// with a request in flight.
func TestSecondSignalExits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr, _, wait, signal := serveSlow(t, 20*time.Second, "")
	go func() {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { id } }"}`))
		if err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(300 * time.Millisecond)
	signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("exit status 0 after a second signal")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("exited %v after the second signal", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second signal did not end the process")
	}
}

// TestSIGTERMServesTheListenQueue: a connection the kernel completed but
// the server had not accepted yet when SIGTERM came (here held in the
// listen queue by server.max_connections: 1 while another request runs)
// is served, not reset when the listener closes. Nothing here is timed:
// the request in flight is released once the gateway says it is serving
// the queue (or once the queued request failed, which fails the test).
func TestSIGTERMServesTheListenQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	var releaseOnce sync.Once
	releaseA := func() { releaseOnce.Do(func() { close(release) }) }
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"1"}}}`)
	}))
	t.Cleanup(sub.Close)
	t.Cleanup(releaseA) // before sub.Close: a held handler would keep Close waiting
	addr, lines, wait, signal := serveAccounts(t, sub,
		"server: {max_connections: 1}\nshutdown: {drain_delay: 50ms, grace: 60s}\n")

	// A: the one connection the cap allows, its request held in the subgraph.
	aDone := make(chan error, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { id } }"}`))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || strings.Contains(string(b), "errors") {
				err = fmt.Errorf("%d %s", resp.StatusCode, b)
			}
		}
		aDone <- err
	}()
	select {
	case <-arrived:
	case <-time.After(60 * time.Second):
		t.Fatal("the first request never reached the subgraph")
	}

	// B: connected (the kernel completed the handshake) and its request
	// sent, but not accepted by the server: the cap is taken by A.
	b, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	body := `{"query":"{ __typename }"}`
	if _, err := fmt.Fprintf(b, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		status int
		body   string
		err    error
	}
	bDone := make(chan answer, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(b), nil)
		if err != nil {
			bDone <- answer{err: err}
			return
		}
		raw, err := io.ReadAll(resp.Body)
		bDone <- answer{resp.StatusCode, string(raw), err}
	}()

	signal(syscall.SIGTERM)
	guard := time.After(90 * time.Second)
	var got answer
wait:
	for {
		select {
		case got = <-bDone:
			break wait
		case <-time.After(20 * time.Millisecond): // polls the log, not a deadline
			if lines.contains("serving the connections already in the listen queue") {
				releaseA()
			}
		case <-guard:
			t.Fatalf("the queued request got no answer: %s", strings.Join(lines.all, "\n"))
		}
	}
	releaseA()
	if got.err != nil || got.status != 200 || !strings.Contains(got.body, `"__typename":"Query"`) {
		t.Errorf("the request queued in the kernel at SIGTERM was lost: %d %q %v\n%s", got.status, got.body, got.err, strings.Join(lines.all, "\n"))
	}
	if err := <-aDone; err != nil {
		t.Errorf("the request in flight at SIGTERM: %v", err)
	}
	if err := wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
