// Command subload is the subscription benchmark (not a test): N concurrent
// subscriptions over graphql-transport-ws on loopback, events per second
// delivered and memory per subscription.
//
//	go run ./test/subload [-subs 1000] [-events 50] [-rate 10] [-distinct 1]
//
// It re-runs itself as the server (-serve: the demo subgraphs, the gateway
// and its server in one process, with /memstats reporting the live heap
// after a collection and the goroutine count), so that the client side's
// memory is not counted. Figures, each from the same run:
//
//   - memory: the server's heap and goroutines with N acknowledged
//     sockets and no operation (the baseline), then with one subscription
//     on each; per socket and per subscription;
//   - events: addReview fired at -rate per second, -events times; every
//     subscriber must receive every event, completed with fields from
//     three subgraphs (checked); deliveries per second, and the time from
//     the mutation to the last subscriber's delivery (p50, p99 over the
//     events). The baseline is the same run with one subscriber.
//
// -distinct spreads the subscribers over that many different selections
// (identical subscriptions share one upstream subscription).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

func main() {
	serve := flag.Bool("serve", false, "run as the server (internal)")
	subs := flag.Int("subs", 1000, "concurrent subscriptions")
	events := flag.Int("events", 50, "events fired")
	rate := flag.Float64("rate", 10, "events per second")
	distinct := flag.Int("distinct", 1, "distinct selections the subscribers spread over")
	flag.Parse()
	if *serve {
		runServer()
		return
	}
	if err := run(*subs, *events, *rate, *distinct); err != nil {
		fmt.Fprintln(os.Stderr, "subload:", err)
		os.Exit(1)
	}
}

// runServer serves the demo graph and prints "GATEWAY_URL REVIEWS_URL".
func runServer() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	demo, err := subgraphs.Start(ctx)
	must(err)
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	must(err)
	gw, err := gateway.New(sg)
	must(err)
	srv := server.New(gw, server.WithSubscriptions(true, server.Subscriptions{MaxPerClient: 1 << 20, MaxPerConnection: 10}))
	mux := http.NewServeMux()
	mux.Handle("/", srv)
	mux.HandleFunc("/memstats", func(w http.ResponseWriter, r *http.Request) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(w, "%d %d", m.HeapAlloc, runtime.NumGoroutine())
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	fmt.Printf("http://%s/graphql %s\n", ln.Addr(), demo.URLs["reviews"])
	hs := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); hs.Close() }()
	_ = hs.Serve(ln)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "subload:", err)
		os.Exit(1)
	}
}

type memstat struct {
	heap       uint64
	goroutines int
}

func readMem(base string) (memstat, error) {
	resp, err := http.Get(base + "/memstats")
	if err != nil {
		return memstat{}, err
	}
	defer resp.Body.Close()
	var m memstat
	_, err = fmt.Fscan(resp.Body, &m.heap, &m.goroutines)
	return m, err
}

func run(n, events int, rate float64, distinct int) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "-serve")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	var gwURL, reviewsURL string
	fmt.Sscan(line, &gwURL, &reviewsURL)
	base := strings.TrimSuffix(gwURL, "/graphql")
	fmt.Printf("subload: %d subscriptions over graphql-transport-ws, %d distinct selections, %d events at %.0f/s, GOMAXPROCS %d\n",
		n, distinct, events, rate, runtime.GOMAXPROCS(0))

	one, err := phase(gwURL, reviewsURL, base, 1, events, rate, 1)
	if err != nil {
		return fmt.Errorf("baseline (1 subscriber): %w", err)
	}
	many, err := phase(gwURL, reviewsURL, base, n, events, rate, distinct)
	if err != nil {
		return err
	}
	fmt.Printf("memory (server heap after GC): %.1f KiB per acknowledged socket, %.1f KiB more per subscription; %.1f goroutines per socket, %.1f more per subscription\n",
		float64(many.sockMem)/1024, float64(many.subMem)/1024, many.sockG, many.subG)
	fmt.Printf("events: 1 subscriber: %.0f deliveries/s, last delivery p50 %v p99 %v\n", one.rate, one.p50, one.p99)
	fmt.Printf("events: %d subscribers: %.0f deliveries/s (%.0fx the 1-subscriber run), last delivery p50 %v p99 %v\n",
		n, many.rate, many.rate/one.rate, many.p50, many.p99)
	return nil
}

type result struct {
	sockMem, subMem int64
	sockG, subG     float64
	rate            float64
	p50, p99        time.Duration
}

// phase opens n sockets, measures, subscribes each, measures, fires the
// events and waits for every delivery.
func phase(gwURL, reviewsURL, base string, n, events int, rate float64, distinct int) (result, error) {
	var res result
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m0, err := readMem(base)
	if err != nil {
		return res, err
	}
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(gwURL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			return res, fmt.Errorf("dial %d: %w", i, err)
		}
		defer c.CloseNow()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init"}`)); err != nil {
			return res, err
		}
		if _, b, err := c.Read(ctx); err != nil || !strings.Contains(string(b), "connection_ack") {
			return res, fmt.Errorf("ack %d: %s %v", i, b, err)
		}
		conns[i] = c
	}
	m1, err := readMem(base)
	if err != nil {
		return res, err
	}
	// Each subscriber reads its socket: events counted by body.
	var received, seen atomic.Int64 // events delivered; every next message
	var lastSeen sync.Map           // body -> time of the last delivery
	var wg sync.WaitGroup
	for i, c := range conns {
		sel := `subscription { reviewAdded { id body author { name } product { name inStock } } }`
		if d := i % distinct; d > 0 {
			sel = fmt.Sprintf(`subscription S%d { reviewAdded { id body author { name } product { name inStock } } }`, d)
		}
		q, _ := json.Marshal(map[string]string{"query": sel})
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"id":"1","type":"subscribe","payload":`+string(q)+`}`)); err != nil {
			return res, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					return
				}
				var msg struct {
					Type    string
					Payload struct {
						Data struct {
							ReviewAdded struct {
								Body    string
								Author  struct{ Name string }
								Product struct{ Name string }
							}
						}
						Errors []any
					}
				}
				if json.Unmarshal(b, &msg) != nil || msg.Type != "next" {
					continue
				}
				seen.Add(1)
				ra := msg.Payload.Data.ReviewAdded
				if !strings.HasPrefix(ra.Body, "ev-") {
					continue // a prime
				}
				if ra.Author.Name == "" || ra.Product.Name == "" || len(msg.Payload.Errors) > 0 {
					fmt.Fprintf(os.Stderr, "subload: incomplete event %s\n", b)
					continue
				}
				lastSeen.Store(ra.Body, time.Now())
				received.Add(1)
			}
		}()
	}
	// Prime until every subscriber is registered upstream: the count of
	// prime deliveries is not tracked per subscriber, so wait for the
	// server's goroutines to settle and one prime round trip.
	primeUntil := time.Now().Add(3 * time.Second)
	for time.Now().Before(primeUntil) {
		if err := addReview(reviewsURL, "prime"); err != nil {
			return res, err
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Let the primes' deliveries drain: measure subscriptions at rest.
	for prev := int64(-1); seen.Load() != prev; {
		prev = seen.Load()
		time.Sleep(time.Second)
	}
	m2, err := readMem(base)
	if err != nil {
		return res, err
	}
	res.sockMem = (int64(m1.heap) - int64(m0.heap)) / int64(n)
	res.subMem = (int64(m2.heap) - int64(m1.heap)) / int64(n)
	res.sockG = float64(m1.goroutines-m0.goroutines) / float64(n)
	res.subG = float64(m2.goroutines-m1.goroutines) / float64(n)

	fired := make(map[string]time.Time, events)
	start := time.Now()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	for i := 0; i < events; i++ {
		<-tick.C
		body := fmt.Sprintf("ev-%d", i)
		fired[body] = time.Now()
		if err := addReview(reviewsURL, body); err != nil {
			return res, err
		}
	}
	tick.Stop()
	want := int64(n * events)
	deadline := time.Now().Add(60 * time.Second)
	for received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if got := received.Load(); got < want {
		return res, fmt.Errorf("%d of %d deliveries within 60s", got, want)
	}
	var lat []time.Duration
	for body, t0 := range fired {
		if v, ok := lastSeen.Load(body); ok {
			lat = append(lat, v.(time.Time).Sub(t0))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res.rate = float64(want) / elapsed.Seconds()
	res.p50, res.p99 = lat[len(lat)/2], lat[(len(lat)*99)/100]
	cancel()
	for _, c := range conns {
		c.CloseNow()
	}
	wg.Wait()
	return res, nil
}

func addReview(url, body string) error {
	q, _ := json.Marshal(map[string]any{
		"query":     `mutation($b:String!){ addReview(upc:"1", body:$b){ id } }`,
		"variables": map[string]any{"b": body},
	})
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(q)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-User-Id", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil
}
