// Command registryload is the registry's load script (not run in CI): it
// builds junction, starts the demo subgraphs and `junction serve
// --registry` on loopback, registers the demo, then for -duration registers
// a new version of the products subgraph every -every while -clients
// clients query in a closed loop, and prints requests, failures,
// latencies and registrations. Every answer is checked: a failed request
// is a transport error, a non-200 status, an error in the answer, or data
// without the expected fields.
//
//	go run ./test/registryload [-clients 50] [-duration 60s] [-every 1s]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/subgraphs"
)

const token = "registryload-token"

const query = `{"query":"{ topProducts(first: 3) { upc name price shippingEstimate reviews { body author { username } } } }"}`

func main() {
	clients := flag.Int("clients", 50, "concurrent clients in a closed loop")
	duration := flag.Duration("duration", time.Minute, "how long the load runs")
	every := flag.Duration("every", time.Second, "a registration this often")
	flag.Parse()
	if err := run(*clients, *duration, *every); err != nil {
		log.Fatal(err)
	}
}

func run(clients int, duration, every time.Duration) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "registryload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "junction")
	build := exec.Command("go", "build", "-o", bin, "./cmd/junction")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		return err
	}
	defer demo.Close()
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "junction.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("listen: %s\nregistry:\n  token: %s\n  dir: %s\n", addr, token, filepath.Join(dir, "store"))), 0o600); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--registry", "--config", cfg)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "junction ready") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		return fmt.Errorf("junction never became ready")
	}
	base := "http://" + addr
	sdls := map[string]string{}
	for _, n := range subgraphs.Names {
		if sdls[n], err = registry.FetchSDL(ctx, demo.URLs[n]); err != nil {
			return err
		}
	}
	for _, n := range []string{"accounts", "products", "reviews", "inventory"} {
		if ok, msg := register(base, n, demo.URLs[n], sdls[n]); !ok {
			return fmt.Errorf("register %s: %s", n, msg)
		}
	}

	var (
		requests, failures atomic.Int64
		mu                 sync.Mutex
		lat                []time.Duration
		firstFailure       atomic.Value
	)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	loadCtx, stop := context.WithTimeout(ctx, duration)
	defer stop()
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for loadCtx.Err() == nil {
				t0 := time.Now()
				err := ask(hc, base+"/graphql")
				mine = append(mine, time.Since(t0))
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	var regs, regFailures int
	var regLat []time.Duration
	tick := time.NewTicker(every)
	for i := 0; loadCtx.Err() == nil; i++ {
		select {
		case <-loadCtx.Done():
		case <-tick.C:
			// A new field each time: a new supergraph version each second.
			sdl := strings.Replace(sdls["products"], "  weight: Int\n", fmt.Sprintf("  weight: Int\n  note%d: String\n", i), 1)
			t0 := time.Now()
			ok, msg := register(base, "products", demo.URLs["products"], sdl)
			regLat = append(regLat, time.Since(t0))
			regs++
			if !ok {
				regFailures++
				log.Printf("registration %d: %s", i, msg)
			}
		}
	}
	tick.Stop()
	wg.Wait()
	slices.Sort(lat)
	slices.Sort(regLat)
	pct := func(d []time.Duration, p float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(len(d)-1, int(float64(len(d))*p))]
	}
	fmt.Printf("clients %d, duration %v: %d requests (%.0f/s), %d failed\n", clients, duration, requests.Load(),
		float64(requests.Load())/duration.Seconds(), failures.Load())
	fmt.Printf("latency p50 %v p99 %v max %v\n", pct(lat, 0.5).Round(10*time.Microsecond), pct(lat, 0.99).Round(10*time.Microsecond), pct(lat, 1).Round(10*time.Microsecond))
	fmt.Printf("registrations %d (one every %v), %d refused; registration p50 %v p99 %v\n", regs, every, regFailures,
		pct(regLat, 0.5).Round(10*time.Microsecond), pct(regLat, 0.99).Round(10*time.Microsecond))
	if f := firstFailure.Load(); f != nil {
		fmt.Printf("first failure: %v\n", f)
	}
	if failures.Load() > 0 || regFailures > 0 {
		os.Exit(1)
	}
	return nil
}

// ask sends the query and checks the answer.
func ask(hc *http.Client, url string) error {
	resp, err := hc.Post(url, "application/json", strings.NewReader(query))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	var got struct {
		Data struct {
			TopProducts []struct {
				UPC              string
				ShippingEstimate *int
				Reviews          []struct{ Author struct{ Username string } }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return err
	}
	if len(got.Errors) > 0 || len(got.Data.TopProducts) != 3 || got.Data.TopProducts[0].ShippingEstimate == nil ||
		len(got.Data.TopProducts[0].Reviews) == 0 || got.Data.TopProducts[0].Reviews[0].Author.Username == "" {
		return fmt.Errorf("bad answer: %.300s", body)
	}
	return nil
}

func register(base, name, url, sdl string) (bool, string) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($n: String!, $u: String!, $s: String!) { registerSubgraph(name: $n, url: $u, sdl: $s) { ok errors { code message } } }`,
		"variables": map[string]any{"n": name, "u": url, "s": sdl},
	})
	req, _ := http.NewRequest(http.MethodPost, base+"/registry/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var got struct {
		Data struct {
			RegisterSubgraph struct{ OK bool }
		}
	}
	_ = json.Unmarshal(raw, &got)
	return got.Data.RegisterSubgraph.OK, string(raw)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
