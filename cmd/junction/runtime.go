package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
)

// gatewayOptions hands the config's values down to the gateway: serve and
// dev build their gateway from the same config, so neither repeats a
// default (config.Default holds them all).
func gatewayOptions(cfg *config.Config, log *slog.Logger) []gateway.Option {
	return append(append(introspectionOptions(cfg), headerRuleOptions(cfg)...),
		gateway.WithContracts(cfg.ContractList()...),
		upstreamSubscriptionOptions(cfg), // subscriptions_upstream.go
		gateway.WithSubgraphURLs(cfg.SubgraphURLs()),
		gateway.WithSubgraphTimeout(cfg.Traffic.SubgraphTimeout),
		gateway.WithSubgraphTimeouts(cfg.SubgraphTimeouts()),
		gateway.WithRequestTimeout(cfg.Traffic.RequestTimeout),
		gateway.WithInboundDedupe(*cfg.Traffic.InboundDedupe),
		gateway.WithSubgraphDedupe(*cfg.Traffic.SubgraphDedupe),
		gateway.WithPropagatedHeaders(cfg.Headers.Propagate...),
		gateway.WithOverrideLabels(cfg.OverrideLabels),
		gateway.WithMaxSubgraphResponseBytes(cfg.Traffic.MaxSubgraphResponseBytes),
		gateway.WithMaxResponseBytes(cfg.Limits.MaxResponseBytes),
		gateway.WithMaxMergedBytes(cfg.Limits.MaxMergedBytes),
		gateway.WithFetchFailureHook(fetchFailureLogger(log)),
		gateway.WithHTTPOptions(subgraphCompressionOptions(cfg)...),
		gateway.WithResponseHeaders(responseHeaderPolicy(cfg)),
		gateway.WithLimits(gateway.Limits{
			MaxTokens:              cfg.Limits.MaxTokens,
			MaxDepth:               cfg.Limits.MaxDepth,
			MaxAliases:             cfg.Limits.MaxAliases,
			MaxRootFields:          cfg.Limits.MaxRootFields,
			MaxRecursiveSelections: cfg.Limits.MaxRecursiveSelections,
		}),
	)
}

// fetchFailureLogger logs one line per failed subgraph fetch: the
// subgraph, the cause in a few words, the request id, and the error in
// full (the log is the operator's: it may name the subgraph's URL, which
// the client's error never does).
func fetchFailureLogger(log *slog.Logger) func(ctx context.Context, service string, err error) {
	return func(ctx context.Context, service string, err error) {
		log.LogAttrs(ctx, slog.LevelWarn, "subgraph fetch failed",
			slog.String("subgraph", service), slog.String("cause", executor.Cause(err)),
			slog.String("request_id", server.RequestID(ctx)), slog.String("error", err.Error()))
	}
}

// runtime is the life of the HTTP server around a gateway: connection
// bounds, readiness (draining, subgraph probes) and the drain on shutdown.
type runtime struct {
	cfg      *config.Config
	gw       *gateway.Gateway
	log      *slog.Logger
	gwReady  func() error
	draining atomic.Bool
	probes   *prober // nil unless health.probe_subgraphs
	// subs is the GraphQL server, whose subscriptions are closed at
	// shutdown (subscriptions.go); nil in tests that serve another handler.
	subs *server.Server
}

// newRuntime: ready is the gateway's own readiness (with what plugins add
// to it).
func newRuntime(cfg *config.Config, gw *gateway.Gateway, log *slog.Logger, ready func() error) *runtime {
	rt := &runtime{cfg: cfg, gw: gw, log: log, gwReady: ready}
	if cfg.Health.ProbeSubgraphs {
		rt.probes = &prober{gw: gw, log: log, interval: cfg.Health.ProbeInterval,
			client: &http.Client{Timeout: cfg.Health.ProbeTimeout}}
	}
	return rt
}

// serverOptions are the config's server bounds and the readiness check.
func (rt *runtime) serverOptions() []server.Option {
	return append([]server.Option{
		server.WithReadiness(rt.ready),
		server.WithMaxConcurrent(rt.cfg.Limits.MaxConcurrentRequests, rt.cfg.Limits.QueueTimeout),
		server.WithWriteTimeout(rt.cfg.Server.WriteTimeout),
	}, compressionOptions(rt.cfg)...)
}

var errDraining = errors.New("shutting down")

// ready is /ready: not ready while draining, without a supergraph, or (with
// probes) while a subgraph fails its probe.
func (rt *runtime) ready() error {
	if rt.draining.Load() {
		return errDraining
	}
	if err := rt.gwReady(); err != nil {
		return err
	}
	if rt.probes != nil {
		return rt.probes.err()
	}
	return nil
}

// serve serves h on ln until ctx ends, then drains: /ready answers 503 and
// every response closes its connection for shutdown.drain_delay, then the
// listener stops taking connections once those already queued in the kernel
// are accepted (quiesceListener), idle connections are closed, and requests
// in flight have shutdown.grace to finish. A request still running after
// that is cut and serve returns an error.
func (rt *runtime) serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	cfg := rt.cfg
	raiseFileLimit(rt.log)
	maxConns := cfg.Server.MaxConnections
	if maxConns == 0 {
		maxConns = defaultMaxConnections()
	}
	drainable := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
	backstop := cfg.Limits.BodyTimeout + cfg.Traffic.RequestTimeout + cfg.Server.WriteTimeout
	srv := server.HTTPServer(drainable, cfg.Server.ReadHeaderTimeout, cfg.Server.IdleTimeout, backstop)
	conns := newConnTracker()
	srv.ConnState = conns.hook
	if rt.probes != nil {
		pctx, stop := context.WithCancel(ctx)
		defer stop()
		rt.probes.start(pctx)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(server.Listen(ln, maxConns)) }()
	attrs := []any{"url", fmt.Sprintf("http://%s%s", ln.Addr(), cfg.GraphQLPath), "max_connections", maxConns}
	if *cfg.Playground {
		attrs = append(attrs, "playground", fmt.Sprintf("http://%s/", ln.Addr()))
	}
	rt.log.Info("junction ready", attrs...)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	rt.draining.Store(true)
	rt.log.Info("draining: /ready answers 503, connections close after their current request",
		"drain_delay", *cfg.Shutdown.DrainDelay, "grace", cfg.Shutdown.Grace)
	time.Sleep(*cfg.Shutdown.DrainDelay)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.Grace)
	defer cancel()
	// From here every response closes its connection, those of requests
	// that started before the drain too (idle connections are closed): a
	// connection waiting in the listen queue behind server.max_connections
	// gets its turn. Then the listener stops without resetting what the
	// kernel already queued, subscriptions are closed, every connection is
	// answered and closed, and only then Shutdown runs (see drain.go for
	// why in this order).
	srv.SetKeepAlivesEnabled(false)
	if err := quiesceListener(shutdownCtx, ln, rt.log); err != nil {
		rt.log.Warn("draining: the listen queue was not emptied", "error", err)
	}
	rt.closeSubscriptions(shutdownCtx)
	err := conns.settle(shutdownCtx) // past grace, Shutdown returns at once with ctx's error
	if serr := srv.Shutdown(shutdownCtx); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		_ = srv.Close()
		return fmt.Errorf("requests still running after shutdown.grace (%v) were cut: %w", cfg.Shutdown.Grace, errors.Join(err, serr))
	}
	rt.log.Info("junction stopped")
	return nil
}

// raiseFileLimit raises the soft limit on open files to the hard limit
// (each connection, client or subgraph, takes a descriptor). The Go runtime
// does this too on Linux since Go 1.19; doing it here keeps it explicit and
// logged.
func raiseFileLimit(log *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			log.Warn("cannot raise the open files limit", "error", err)
			return
		}
	}
}

// defaultMaxConnections is the cap on client connections when the config
// sets none: the open files limit less a quarter kept for subgraph
// connections and files, at most 10000.
func defaultMaxConnections() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 1024
	}
	n := lim.Cur - lim.Cur/4
	return int(min(max(n, 64), 10000))
}

// prober sends `{__typename}` to every subgraph of the served supergraph
// every interval; err names those whose last probe failed.
type prober struct {
	gw       *gateway.Gateway
	log      *slog.Logger
	client   *http.Client
	interval time.Duration
	mu       sync.Mutex
	failing  map[string]string // subgraph -> cause
	probed   bool
}

func (p *prober) start(ctx context.Context) {
	p.probeAll(ctx)
	go func() {
		t := time.NewTicker(p.interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				p.probeAll(ctx)
			}
		}
	}()
}

func (p *prober) probeAll(ctx context.Context) {
	st := p.gw.State()
	if st == nil {
		return
	}
	failing := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, s := range st.Supergraph.Subgraphs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if cause := p.probe(ctx, s.URL); cause != "" {
				mu.Lock()
				failing[s.Name] = cause
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	p.mu.Lock()
	for _, name := range sortedKeys(failing) {
		if _, was := p.failing[name]; !was {
			p.log.Warn("subgraph health probe failed", "subgraph", name, "cause", failing[name])
		}
	}
	p.failing, p.probed = failing, true
	p.mu.Unlock()
}

// probe returns why the subgraph at url is not healthy, or "".
func (p *prober) probe(ctx context.Context, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"query":"{__typename}"}`))
	if err != nil {
		return executor.Cause(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return executor.Cause(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Sprintf("status %d", resp.StatusCode)
	}
	return ""
}

func (p *prober) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.probed {
		return errors.New("subgraph health probes have not run yet")
	}
	if len(p.failing) == 0 {
		return nil
	}
	parts := make([]string, 0, len(p.failing))
	for _, n := range sortedKeys(p.failing) {
		parts = append(parts, n+": "+p.failing[n])
	}
	return fmt.Errorf("subgraphs failing their health probe: %s", strings.Join(parts, ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
