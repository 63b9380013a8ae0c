package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/gctune"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/internal/telemetry"
	"github.com/junction-gateway/junction/schema"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "YAML config file")
	sgPath := fs.String("supergraph", "", "supergraph SDL file (overrides the config)")
	listen := fs.String("listen", "", "HOST:PORT to listen on (default 127.0.0.1:4000)")
	hotReload := fs.Bool("hot-reload", false, "reload the supergraph file when it changes (SIGHUP always reloads it)")
	subgraphsPath := fs.String("subgraphs", "", "rover supergraph.yaml of subgraphs to compose at start and on every reload (instead of --supergraph)")
	fromRegistry := fs.Bool("registry", false, "serve what the subgraph registry holds (registry: in the config); no supergraph file needed")
	var inbound, subgraph optionalBool
	fs.Var(&inbound, "inbound-dedupe", "share one execution between identical concurrent queries (default true)")
	fs.Var(&subgraph, "subgraph-dedupe", "share one round trip between identical concurrent subgraph requests (default true)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to FILE (for benchmarks)")
	memProfile := fs.String("memprofile", "", "write a heap profile to FILE at shutdown (live objects as of the last collection, and allocations of the whole run)")
	heapFloor := fs.Int("gc-heap-floor-mb", 32, "collect garbage only once the heap reaches this many MB (0: plain GOGC; ignored when GOGC is set)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *heapFloor < 0 {
		return usageErr("--gc-heap-floor-mb must be 0 or more")
	}
	if _, set := os.LookupEnv("GOGC"); !set && *heapFloor > 0 {
		t := gctune.Start(uint64(*heapFloor)<<20, 100)
		defer t.Stop()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return usageErr("--cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			return usageErr("--memprofile: %v", err)
		}
		defer func() {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}()
	}
	cfg, err := config.Parse(nil) // the defaults, with the JUNCTION_* env overrides
	if err != nil {
		return usageErr("%v", err)
	}
	if *cfgPath != "" {
		c, err := config.Load(*cfgPath)
		if err != nil {
			return usageErr("%v", err)
		}
		cfg = c
	}
	if *sgPath != "" {
		cfg.Supergraph = *sgPath
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if inbound.set {
		cfg.Traffic.InboundDedupe = &inbound.v
	}
	if subgraph.set {
		cfg.Traffic.SubgraphDedupe = &subgraph.v
	}
	if *fromRegistry {
		cfg.Registry.Enabled = true
	}
	log := telemetry.Logger(stderr, cfg.Telemetry.Logs.Format)
	var (
		sdl []byte
		sg  *schema.Supergraph
		reg *registrySetup
		// composeSubgraphs recomposes --subgraphs on reload.
		composeSubgraphs func() (*schema.Supergraph, []byte, error)
	)
	if cfg.Registry.Enabled {
		if reg, err = openRegistry(cfg, log); err != nil {
			return err
		}
		defer reg.close()
	} else if *subgraphsPath != "" {
		composeSubgraphs = roverComposer(ctx, *subgraphsPath)
		if sg, sdl, err = composeSubgraphs(); err != nil {
			return fmt.Errorf("compose %s: %w", *subgraphsPath, err)
		}
	} else {
		if cfg.Supergraph == "" {
			return usageErr("--supergraph FILE (or --subgraphs FILE, or --registry) is required")
		}
		sdl, err = os.ReadFile(cfg.Supergraph)
		if err != nil {
			return usageErr("cannot read supergraph: %v", err)
		}
		sg, err = schema.ParseSupergraph(string(sdl))
		if err != nil {
			return fmt.Errorf("load supergraph %s: %w", cfg.Supergraph, composeHint(err))
		}
		if err := checkSubgraphNames(cfg, sg); err != nil {
			return usageErr("%v", err)
		}
	}
	authp, err := authPlugins(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rc, err := startRateCache(ctx, cfg, sg, stderr)
	if err != nil {
		return err
	}
	defer rc.close()
	tel, stopTelemetry, err := startTelemetry(ctx, cfg)
	if err != nil {
		return err
	}
	defer stopTelemetry()
	costp, err := requestPlugins(cfg, log)
	if err != nil {
		return err
	}
	opts := append(tel.GatewayOptions(), gateway.WithPlugins(authp...), gateway.WithPlugins(costp...), gateway.WithPlugins(reg.plugins()...), rc.option(), gateway.WithPlugins(trafficPlugins(cfg)...))
	gw, err := gateway.New(sg, append(opts, gatewayOptions(cfg, log)...)...)
	if err != nil {
		return err
	}
	if reg != nil {
		rctx, cancel := context.WithCancel(ctx)
		defer reg.wait() // the last usage flush, once cancelled
		defer cancel()
		reg.purge = rc.purger()
		admin, err := reg.start(rctx, gw)
		if err != nil {
			return err
		}
		return listenAndServe(ctx, cfg, gw, stderr, rc, tel, admin)
	}
	rl := &reloader{path: cfg.Supergraph, gw: gw, log: log, last: sdl, cfg: cfg, also: reloadedFiles(cfg)}
	if composeSubgraphs != nil {
		rl.path, rl.compose = *subgraphsPath, composeSubgraphs
	}
	go rl.run(ctx, *hotReload)
	return listenAndServe(ctx, cfg, gw, stderr, rc, tel, nil)
}

// listenAndServe serves gw until ctx ends, then shuts down gracefully. It
// logs exactly one line when ready. A non-nil registryAPI is served at
// /registry/graphql, or on registry.listen when configured.
func listenAndServe(ctx context.Context, cfg *config.Config, gw *gateway.Gateway, logw io.Writer, rc *rateCache, tel *telemetry.Telemetry, registryAPI http.Handler) error {
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return usageErr("--listen %q: want HOST:PORT", cfg.Listen)
	}
	log := telemetry.Logger(logw, cfg.Telemetry.Logs.Format)
	rt := newRuntime(cfg, gw, log, rc.readiness(gw))
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	rc.mount(mux)
	if err := serveMetrics(ctx, cfg, tel, mux, log); err != nil {
		ln.Close()
		return err
	}
	playgroundRegistry := "" // the playground's registry view: only where the API is served
	if registryAPI != nil && cfg.Registry.Listen != "" {
		stop, err := serveAdmin(ctx, cfg.Registry.Listen, registryAPI, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	} else if registryAPI != nil {
		mux.Handle(registryPath, registryAPI)
		playgroundRegistry = registryPath
	}
	rt.subs = server.New(gw, append(rt.serverOptions(),
		server.WithPath(cfg.GraphQLPath),
		server.WithPlayground(*cfg.Playground),
		server.WithMaxBodyBytes(cfg.Limits.MaxBodyBytes),
		server.WithReadTimeout(cfg.Limits.BodyTimeout),
		server.WithLegacyStatusCodes(cfg.LegacyStatusCodes),
		server.WithCORS(corsPolicy(cfg)),
		server.WithBatching(cfg.Batching.Enabled, cfg.Batching.MaxSize),
		server.WithCSRFPrevention(cfg.CSRFOn(cookieAuth(cfg)), cfg.CSRF.RequiredHeaders...),
		server.WithFieldOwners(gw.FieldOwners),
		server.WithPlaygroundRegistry(playgroundRegistry),
		subscriptionOptions(cfg),
		server.WithLogger(log))...)
	mux.Handle("/", rt.subs)
	return rt.serve(ctx, ln, mux)
}

// optionalBool is a boolean flag that remembers whether it was given, so a
// flag overrides the config file only when present.
type optionalBool struct{ v, set bool }

func (b *optionalBool) String() string   { return strconv.FormatBool(b.v) }
func (b *optionalBool) IsBoolFlag() bool { return true }
func (b *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	b.v, b.set = v, true
	return nil
}
