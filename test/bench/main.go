// Command bench is Junction's load benchmark: the public gateway scenario
// (four federated subgraphs, one heavy nested query, N clients in a closed
// loop, every response checked).
//
//	go run ./test/bench [-clients 50] [-duration 20s] [-warmup 5s] [-gateway-flags "..."] [-cpuprofile FILE] [-fed1]
//
// It builds junction and the demo subgraph server, starts them on loopback,
// checks one response against the expected JSON, warms up, runs the load,
// and prints throughput, p50/p99 latency, the gateway's CPU milliseconds per
// request (utime+stime from /proc, the least noisy figure on a shared
// machine) and its peak RSS (VmHWM). It then replays, against the subgraphs
// alone, the subgraph requests the gateway made for one query, so each
// figure can be read against what the machine allows.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// query is the benchmark operation.
const query = subgraphs.BenchmarkQuery

// supergraphSDL is the supergraph served, with the given subgraph URLs.
var supergraphSDL = subgraphs.Supergraph

// graphURL matches the @join__graph application of one join__Graph value.
var graphURL = regexp.MustCompile(`@join__graph\(name: "([^"\\]*)", url: "((?:[^"\\]|\\.)*)"\)`)

// withURLs sets the URL of every subgraph named in urls in a supergraph SDL.
func withURLs(sdl string, urls map[string]string) string {
	return graphURL.ReplaceAllStringFunc(sdl, func(m string) string {
		sub := graphURL.FindStringSubmatch(m)
		u, ok := urls[sub[1]]
		if !ok {
			return m
		}
		q, _ := json.Marshal(u)
		return `@join__graph(name: "` + sub[1] + `", url: ` + string(q) + `)`
	})
}

func main() {
	clients := flag.Int("clients", 50, "concurrent clients in the closed loop")
	duration := flag.Duration("duration", 20*time.Second, "measured load duration")
	warmup := flag.Duration("warmup", 5*time.Second, "warm-up duration")
	gwFlags := flag.String("gateway-flags", "", "extra flags for junction serve")
	expectedPath := flag.String("expected", "test/e2e/testdata/benchmark.json", "expected response JSON")
	skipSubgraphs := flag.Bool("skip-subgraphs-alone", false, "do not measure the subgraphs alone")
	cpuProfile := flag.String("cpuprofile", "", "write the gateway's CPU profile (whole run, warm-up included) to FILE")
	gatewayLog = flag.String("gateway-log", "", "append the gateway's output (logs, and GODEBUG=gctrace=1 traces when set in the environment) to FILE")
	fed1 := flag.Bool("fed1", false, "serve the supergraph composed from Fed1-style subgraph SDL (testdata/fed1: extend type, @external keys) instead of the Fed2 one")
	flag.Parse()
	// The load generator shares the cores with what it measures: collect
	// its garbage less often (its heap is a few MB of reused buffers).
	debug.SetGCPercent(400)
	if *fed1 {
		raw, err := os.ReadFile("test/bench/testdata/fed1/supergraph.graphql")
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		supergraphSDL = func(urls map[string]string) string { return withURLs(string(raw), urls) }
	}
	fl := strings.Fields(*gwFlags)
	if *cpuProfile != "" {
		abs, err := filepath.Abs(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		fl = append(fl, "--cpuprofile", abs)
	}
	if err := run(*clients, *duration, *warmup, fl, *expectedPath, !*skipSubgraphs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(clients int, duration, warmup time.Duration, gwFlags []string, expectedPath string, subgraphsAlone bool) error {
	expected, err := compactFile(expectedPath)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "junction-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, b := range [][2]string{{"junction", "./cmd/junction"}, {"subgraphs", "./subgraphs/cmd/demo-subgraphs"}} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, b[0]), b[1]).CombinedOutput()
		if err != nil {
			return fmt.Errorf("build %s: %v\n%s", b[1], err, out)
		}
	}

	base := freePorts(4)
	sub := exec.Command(filepath.Join(dir, "subgraphs"), "--listen-base", fmt.Sprintf("127.0.0.1:%d", base))
	if err := startAndWait(sub, "ready"); err != nil {
		return fmt.Errorf("subgraphs: %w", err)
	}
	defer stop(sub)
	urls := map[string]string{}
	for i, name := range []string{"accounts", "products", "reviews", "inventory"} {
		urls[name] = fmt.Sprintf("http://127.0.0.1:%d/query", base+i)
	}

	// Capture the subgraph requests of one query through a recording proxy.
	rec := &recorder{}
	var captured []capturedRequest
	if subgraphsAlone {
		proxyURLs, closeProxy := rec.start(urls)
		gw, addr, err := startGateway(dir, proxyURLs, nil)
		if err != nil {
			return err
		}
		_, body, err := post(http.DefaultClient, "http://"+addr+"/graphql", query)
		stop(gw)
		closeProxy()
		if err != nil {
			return err
		}
		if !bytes.Equal(body, expected) {
			return fmt.Errorf("captured response differs from %s", expectedPath)
		}
		captured = rec.requests()
	}

	gw, addr, err := startGateway(dir, urls, gwFlags)
	if err != nil {
		return err
	}
	defer stop(gw)
	gwURL := "http://" + addr + "/graphql"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2, MaxIdleConns: clients * 2, DisableCompression: true}}
	if _, body, err := post(client, gwURL, query); err != nil || !bytes.Equal(body, expected) {
		return fmt.Errorf("first response differs from %s (%v):\n%s", expectedPath, err, body)
	}
	reqBody, _ := json.Marshal(map[string]any{"query": query})
	check := func(buf *bytes.Buffer) (bool, error) {
		_, body, err := postInto(client, gwURL, reqBody, buf)
		return err == nil && bytes.Equal(body, expected), err
	}
	load(clients, warmup, check)
	cpu0, err := cpuTicks(gw.Process.Pid)
	if err != nil {
		return err
	}
	res := load(clients, duration, check)
	cpu1, _ := cpuTicks(gw.Process.Pid)
	hwm, _ := peakRSS(gw.Process.Pid)
	tick := 1000.0 / 100.0 // ms per clock tick (USER_HZ is 100 on Linux)
	fmt.Printf("gateway: %d clients, %s, flags %q\n", clients, duration, strings.Join(gwFlags, " "))
	res.print("gateway")
	if res.ok > 0 {
		fmt.Printf("  gateway CPU: %.3f ms/request\n", float64(cpu1-cpu0)*tick/float64(res.ok))
	}
	fmt.Printf("  gateway peak RSS: %.1f MB\n", float64(hwm)/1024)
	if res.bad > 0 {
		return fmt.Errorf("%d responses differed from the expected JSON", res.bad)
	}

	if subgraphsAlone && len(captured) > 0 {
		sres := load(clients, duration, func(buf *bytes.Buffer) (bool, error) {
			for _, c := range captured {
				code, _, err := postInto(client, c.url, c.body, buf)
				if err != nil || code != 200 {
					return false, err
				}
			}
			return true, nil
		})
		fmt.Printf("subgraphs alone (%d subgraph requests per query, replayed in sequence):\n", len(captured))
		sres.print("subgraphs")
		if sres.ok > 0 && res.ok > 0 {
			fmt.Printf("  gateway throughput = %.0f%% of the subgraphs alone\n", 100*float64(res.ok)/float64(sres.ok))
		}
	}
	return nil
}

type result struct {
	ok, bad   int64
	latencies []time.Duration
	elapsed   time.Duration
	firstErr  error
}

func (r *result) print(what string) {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[int(p*float64(len(r.latencies)-1))]
	}
	fmt.Printf("  %s: %d ok, %d bad, %.0f req/s, p50 %s, p99 %s\n", what, r.ok, r.bad,
		float64(r.ok)/r.elapsed.Seconds(), pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	if r.firstErr != nil {
		fmt.Printf("  first error: %v\n", r.firstErr)
	}
}

// load runs clients closed loops of one for d; each client reads its
// responses into its own reused buffer, so that the load generator, which
// shares the machine with what it measures, stays light.
func load(clients int, d time.Duration, one func(*bytes.Buffer) (bool, error)) *result {
	var ok, bad atomic.Int64
	var mu sync.Mutex
	res := &result{}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			buf := new(bytes.Buffer)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				good, err := one(buf)
				lat = append(lat, time.Since(t0))
				if good {
					ok.Add(1)
				} else {
					bad.Add(1)
					mu.Lock()
					if res.firstErr == nil {
						res.firstErr = err
						if err == nil {
							res.firstErr = errors.New("response differs from the expected JSON")
						}
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ok, res.bad = ok.Load(), bad.Load()
	return res
}

func post(c *http.Client, url, q string) (int, []byte, error) {
	body, _ := json.Marshal(map[string]any{"query": q})
	return postRaw(c, url, body)
}

func postRaw(c *http.Client, url string, body []byte) (int, []byte, error) {
	return postInto(c, url, body, new(bytes.Buffer))
}

// postInto posts body and reads the answer into buf (reset first); the
// returned bytes are buf's, valid until its next use.
func postInto(c *http.Client, url string, body []byte, buf *bytes.Buffer) (int, []byte, error) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

func startGateway(dir string, urls map[string]string, extra []string) (*exec.Cmd, string, error) {
	sgPath := filepath.Join(dir, "supergraph.graphql")
	if err := os.WriteFile(sgPath, []byte(supergraphSDL(urls)), 0o644); err != nil {
		return nil, "", err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePorts(1))
	args := append([]string{"serve", "--supergraph", sgPath, "--listen", addr}, extra...)
	cmd := exec.Command(filepath.Join(dir, "junction"), args...)
	if err := startAndWait(cmd, "junction ready"); err != nil {
		return nil, "", fmt.Errorf("gateway: %w", err)
	}
	return cmd, addr, nil
}

// gatewayLog is the -gateway-log file name.
var gatewayLog *string

// startAndWait starts cmd and waits for a line of its stderr or stdout containing marker.
func startAndWait(cmd *exec.Cmd, marker string) error {
	var logTo io.Writer = io.Discard
	if strings.HasSuffix(cmd.Path, "junction") && gatewayLog != nil && *gatewayLog != "" {
		f, err := os.OpenFile(*gatewayLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		logTo = f
	}
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
			fmt.Fprintln(logTo, sc.Text())
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
		return fmt.Errorf("%s: no %q line within 30s", cmd.Path, marker)
	}
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
	}
}

// freePorts finds n consecutive free loopback ports and returns the first.
func freePorts(n int) int {
	for try := 0; try < 100; try++ {
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

func cpuTicks(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces) start at ')'.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime, nil
}

func peakRSS(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, errors.New("no VmHWM")
}

func compactFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return buf.Bytes(), nil
}
