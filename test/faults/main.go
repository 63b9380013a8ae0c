// Command faults runs Junction's fault scenarios (issue #17): it builds
// junction and the demo subgraph server, starts them on 127.0.0.1, and for
// each scenario runs N clients in a closed loop for a few seconds while
// something goes wrong, then prints requests, failures and the gateway's
// peak RSS (VmHWM). It is not run in CI; every scenario is bounded in time.
//
//	go run ./test/faults [-clients 20] [-duration 5s]
//
// Scenarios (a fresh gateway each, so VmHWM is per scenario):
//   - reload: the supergraph file is rewritten every 0.5 s, no signal sent
//     (junction serve --hot-reload: the file watch alone); the reloads the
//     gateway logs are counted;
//   - subgraph-restart: the demo subgraph process is killed and restarted;
//   - sigterm: SIGTERM is sent under load; a failure is a request the
//     gateway accepted (connection established) and did not answer;
//   - idle-1000: 1,000 idle keep-alive connections held during the load;
//   - large-40: 40 clients send a query with many aliases of the
//     benchmark query (a large answer).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

var names = []string{"accounts", "products", "reviews", "inventory"}

type env struct {
	only    string       // comma-separated scenario names; "" runs them all
	gwArgs  []string     // extra arguments of the next gateways
	reloads atomic.Int64 // "supergraph reloaded" lines of the current gateway
	dir     string
	base    int
	sub     *exec.Cmd
	urls    map[string]string
}

func main() {
	clients := flag.Int("clients", 20, "concurrent clients")
	duration := flag.Duration("duration", 5*time.Second, "length of each scenario")
	only := flag.String("only", "", "comma-separated scenarios to run (default: all)")
	flag.Parse()
	if err := run(*clients, *duration, *only); err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
}

func run(clients int, d time.Duration, only string) error {
	dir, err := os.MkdirTemp("", "junction-faults")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, b := range [][2]string{{"junction", "./cmd/junction"}, {"subgraphs", "./subgraphs/cmd/demo-subgraphs"}} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, b[0]), b[1]).CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", b[1], err, out)
		}
	}
	e := &env{dir: dir, base: freePorts(4), urls: map[string]string{}, only: only}
	for i, n := range names {
		e.urls[n] = fmt.Sprintf("http://127.0.0.1:%d/query", e.base+i)
	}
	if err := e.startSubgraphs(); err != nil {
		return err
	}
	defer func() { stop(e.sub) }()

	fmt.Printf("%-18s %8s %8s %10s  %s\n", "scenario", "requests", "failures", "peak RSS", "notes")
	bench := []byte(`{"query":` + strconv.Quote(subgraphs.BenchmarkQuery) + `}`)

	// 1. Reload every half second: the file is rewritten, no signal sent,
	// so every reload is the file watch's (--hot-reload); the gateway's
	// "supergraph reloaded" log lines are counted.
	e.gwArgs = []string{"--hot-reload"}
	if err := e.scenario("reload", clients, d, bench, func(gw *exec.Cmd, sg string, stopc <-chan struct{}) string {
		n := 0
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopc:
				// The last rewrite's reload may still be under way.
				for end := time.Now().Add(2 * time.Second); e.reloads.Load() < int64(n) && time.Now().Before(end); {
					time.Sleep(10 * time.Millisecond)
				}
				return fmt.Sprintf("%d rewrites (no signal), %d reloads logged", n, e.reloads.Load())
			case <-t.C:
				// A different but equivalent file each time (a comment line changes).
				_ = os.WriteFile(sg, []byte(fmt.Sprintf("# rewrite %d\n%s", n, subgraphs.Supergraph(e.urls))), 0o644)
				n++
			}
		}
	}); err != nil {
		return err
	}

	e.gwArgs = nil

	// 2. Kill and restart the subgraph process under load.
	if err := e.scenario("subgraph-restart", clients, d, bench, func(gw *exec.Cmd, sg string, stopc <-chan struct{}) string {
		n := 0
		t := time.NewTicker(d / 3)
		defer t.Stop()
		for {
			select {
			case <-stopc:
				return fmt.Sprintf("%d kill+restart", n)
			case <-t.C:
				_ = e.sub.Process.Kill()
				_ = e.sub.Wait()
				if err := e.startSubgraphs(); err != nil {
					return "restart failed: " + err.Error()
				}
				n++
			}
		}
	}); err != nil {
		return err
	}

	// 3. SIGTERM under load: count accepted requests that got no answer.
	if err := e.sigterm(clients, d, bench); err != nil {
		return err
	}

	// 4. 1,000 idle keep-alive connections held while the load runs.
	if err := e.scenario("idle-1000", clients, d, bench, func(gw *exec.Cmd, sg string, stopc <-chan struct{}) string {
		var conns []net.Conn
		addr := gwAddr(gw)
		for range 1000 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				break
			}
			conns = append(conns, c)
		}
		<-stopc
		open := 0
		for _, c := range conns {
			_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				open++
			}
			c.Close()
		}
		return fmt.Sprintf("%d idle connections opened, %d still open at the end", len(conns), open)
	}); err != nil {
		return err
	}

	// 5. 40 clients sending a large answer.
	if !e.want("large-40") {
		return nil
	}
	large := largeQuery(e)
	return e.scenario("large-40", 40, d, large, nil)
}

// largeQuery returns the benchmark query under as many aliases (up to 64)
// as the gateway's default limits accept, found by asking.
func largeQuery(e *env) []byte {
	gw, addr, _, err := e.startGateway()
	if err != nil {
		return nil
	}
	defer stop(gw)
	q := subgraphs.BenchmarkQuery
	open, close := strings.IndexByte(q, '{'), strings.Index(q, "\n}\n")
	users := strings.TrimSpace(q[open+1 : close])
	users, top, _ := strings.Cut(users, "\n  topProducts")
	top = "topProducts" + top
	frags := q[close+2:]
	body := func(k int) []byte {
		var b strings.Builder
		b.WriteString("query Large {")
		for i := range k {
			fmt.Fprintf(&b, "\n u%d: %s\n t%d: %s", i, users, i, top)
		}
		b.WriteString("\n}\n" + frags)
		return []byte(`{"query":` + strconv.Quote(b.String()) + `}`)
	}
	best := body(1)
	for k := 2; k <= 1024; k *= 2 {
		code, ans, err := postRaw(http.DefaultClient, "http://"+addr+"/graphql", body(k))
		if err != nil || code != 200 || bytes.Contains(ans, []byte(`"errors"`)) {
			fmt.Printf("  (large: %d aliases refused: %.160s)\n", k, ans)
			break
		}
		best = body(k)
		fmt.Printf("  (large: %d aliases accepted, answer %d bytes)\n", k, len(ans))
	}
	return best
}

func (e *env) startSubgraphs() error {
	e.sub = exec.Command(filepath.Join(e.dir, "subgraphs"), "--listen-base", fmt.Sprintf("127.0.0.1:%d", e.base))
	return startAndWait(e.sub, "ready", nil)
}

var addrs sync.Map // *exec.Cmd -> addr

func gwAddr(gw *exec.Cmd) string { a, _ := addrs.Load(gw); return a.(string) }

func (e *env) startGateway() (*exec.Cmd, string, string, error) {
	sg := filepath.Join(e.dir, "supergraph.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(e.urls)), 0o644); err != nil {
		return nil, "", "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePorts(1))
	gw := exec.Command(filepath.Join(e.dir, "junction"), append([]string{"serve", "--supergraph", sg, "--listen", addr}, e.gwArgs...)...)
	e.reloads.Store(0)
	if err := startAndWait(gw, "junction ready", func(line string) {
		if strings.Contains(line, "supergraph reloaded") {
			e.reloads.Add(1)
		}
	}); err != nil {
		return nil, "", "", fmt.Errorf("gateway: %w", err)
	}
	addrs.Store(gw, addr)
	return gw, addr, sg, nil
}

// scenario starts a gateway, runs the load with fault running beside it,
// and prints the figures.
func (e *env) scenario(name string, clients int, d time.Duration, body []byte, fault func(gw *exec.Cmd, sg string, stopc <-chan struct{}) string) error {
	if !e.want(name) {
		return nil
	}
	gw, addr, sg, err := e.startGateway()
	if err != nil {
		return err
	}
	defer stop(gw)
	stopc := make(chan struct{})
	note := make(chan string, 1)
	if fault != nil {
		go func() { note <- fault(gw, sg, stopc) }()
	} else {
		note <- ""
	}
	var reqs, fails atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for time.Now().Before(deadline) {
				code, ans, err := postRaw(c, "http://"+addr+"/graphql", body)
				reqs.Add(1)
				if err != nil || code != 200 || bytes.Contains(ans, []byte(`"errors"`)) {
					fails.Add(1)
					if err == nil {
						err = fmt.Errorf("HTTP %d: %.200s", code, ans)
					}
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	close(stopc)
	n := <-note
	rss, _ := peakRSS(gw.Process.Pid)
	if f, ok := firstErr.Load().(string); ok {
		n += "; first failure: " + f
	}
	fmt.Printf("%-18s %8d %8d %7d MB  %s\n", name, reqs.Load(), fails.Load(), rss/1024, n)
	return nil
}

// sigterm runs the load and sends SIGTERM halfway. A request that failed
// before reaching the gateway's listener (connection refused once it
// stopped accepting) is not lost; one on an established connection that
// got no answer is.
func (e *env) sigterm(clients int, d time.Duration, body []byte) error {
	if !e.want("sigterm") {
		return nil
	}
	gw, addr, _, err := e.startGateway()
	if err != nil {
		return err
	}
	var reqs, answered, refused, lost, lostReused atomic.Int64
	var firstLost atomic.Value
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 30 * time.Second}
			for time.Now().Before(deadline) {
				var reused bool
				ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
					GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
				})
				code, ans, err := postCtx(ctx, c, "http://"+addr+"/graphql", body)
				reqs.Add(1)
				if err != nil && reused {
					err = fmt.Errorf("%w (on a reused keep-alive connection)", err)
				} else if err != nil {
					err = fmt.Errorf("%w (on a new connection)", err)
				}
				switch {
				case err == nil && code == 200 && !bytes.Contains(ans, []byte(`"errors"`)):
					answered.Add(1)
				case err != nil && errors.Is(err, syscall.ECONNREFUSED):
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				case err == nil && code == 503:
					refused.Add(1) // answered: not ready / shutting down
				default:
					lost.Add(1)
					if err != nil && strings.Contains(err.Error(), "reused keep-alive") {
						lostReused.Add(1)
					}
					if err == nil {
						err = fmt.Errorf("status %d: %.200s", code, ans)
					}
					firstLost.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	time.Sleep(d / 2)
	rss, _ := peakRSS(gw.Process.Pid)
	sent := time.Now()
	_ = gw.Process.Signal(syscall.SIGTERM)
	waitErr := make(chan error, 1)
	go func() { waitErr <- gw.Wait() }()
	var exit string
	select {
	case err := <-waitErr:
		exit = fmt.Sprintf("exit %v after %v", errOrZero(err), time.Since(sent).Round(time.Millisecond))
	case <-time.After(40 * time.Second):
		_ = gw.Process.Kill()
		exit = "did not exit within 40 s (killed)"
	}
	wg.Wait()
	n := fmt.Sprintf("%d answered, %d refused after SIGTERM, %s", answered.Load(), refused.Load(), exit)
	if lost.Load() > 0 {
		n += fmt.Sprintf("; %d lost on reused keep-alive connections, %d on new ones", lostReused.Load(), lost.Load()-lostReused.Load())
	}
	if f, ok := firstLost.Load().(string); ok {
		n += "; first lost: " + f
	}
	fmt.Printf("%-18s %8d %8d %7d MB  %s (failures = accepted requests lost)\n", "sigterm", reqs.Load(), lost.Load(), rss/1024, n)
	return nil
}

// want reports whether the scenario name was asked for (-only).
func (e *env) want(name string) bool {
	if e.only == "" {
		return true
	}
	for _, n := range strings.Split(e.only, ",") {
		if strings.TrimSpace(n) == name {
			return true
		}
	}
	return false
}

func errOrZero(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

func postRaw(c *http.Client, url string, body []byte) (int, []byte, error) {
	return postCtx(context.Background(), c, url, body)
}

func postCtx(ctx context.Context, c *http.Client, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// startAndWait starts cmd and waits for a line of its output containing
// marker; onLine (if not nil) sees every line.
func startAndWait(cmd *exec.Cmd, marker string, onLine func(string)) error {
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return err
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		seen := false
		for sc.Scan() {
			if onLine != nil {
				onLine(sc.Text())
			}
			if !seen && strings.Contains(sc.Text(), marker) {
				seen = true
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
		return nil
	case <-time.After(30 * time.Second):
		stop(cmd)
		return fmt.Errorf("%s: not ready after 30 s", cmd.Path)
	}
}

func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
	}
}

func freePorts(n int) int {
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			continue
		}
		first := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		ok := true
		for i := 1; i < n; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return first
		}
	}
	panic("no free ports")
}

func peakRSS(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strconv.ParseInt(strings.Fields(line)[1], 10, 64)
		}
	}
	return 0, errors.New("no VmHWM")
}
