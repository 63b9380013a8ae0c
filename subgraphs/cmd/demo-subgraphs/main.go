package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// order is the port order: base+0 .. base+3.
var order = []string{"accounts", "products", "reviews", "inventory"}

func main() {
	base := flag.String("listen-base", "127.0.0.1:4001", "HOST:PORT of the first subgraph; the others take the next ports")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *base); err != nil {
		log.Printf("demo-subgraphs: %v", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base string) error {
	host, portText, err := net.SplitHostPort(base)
	if err != nil {
		return fmt.Errorf("--listen-base %q: %w", base, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port+len(order)-1 > 65535 {
		return fmt.Errorf("--listen-base %q: port must be in 1..%d", base, 65535-len(order)+1)
	}
	var servers []*http.Server
	errc := make(chan error, len(order))
	var lc net.ListenConfig
	for i, name := range order {
		addr := net.JoinHostPort(host, strconv.Itoa(port+i))
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			shutdown(servers)
			return fmt.Errorf("%s: %w", name, err)
		}
		hs := &http.Server{Handler: subgraphs.NewServer(name), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, hs)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	log.Printf("demo subgraphs ready: accounts, products, reviews, inventory on %s ports %d-%d", host, port, port+len(order)-1)
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdown(servers)
	return err
}

func shutdown(servers []*http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, hs := range servers {
		if err := hs.Shutdown(ctx); err != nil {
			_ = hs.Close()
		}
	}
}
