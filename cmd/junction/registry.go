package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/junction-gateway/junction/graph"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/subgraphs"
)

// registryPath is where the registry API is served.
const registryPath = "/registry/graphql"

// registrySetup is the registry of `junction serve --registry` (and of
// `junction dev`): its store and usage recorder exist before the gateway
// (the recorder is a gateway plugin), the registry after it.
type registrySetup struct {
	cfg   *config.Config
	log   *slog.Logger
	store registry.Store
	usage *registry.Usage
	reg   *registry.Registry
	// loopbackWrites allows mutations without a token from loopback
	// clients (junction dev).
	loopbackWrites bool
	cleanup        func()
	// flushed is closed once the usage recorder's last flush is done
	// (after the context given to start ends).
	flushed chan struct{}
	// purge serves purgeCache (nil: no response cache).
	purge graph.Purger
}

// wait waits for the last usage flush (once start's context has ended).
func (rs *registrySetup) wait() {
	if rs != nil && rs.flushed != nil {
		<-rs.flushed
	}
}

// openRegistry opens the configured store and the usage recorder.
func openRegistry(cfg *config.Config, log *slog.Logger) (*registrySetup, error) {
	rs := &registrySetup{cfg: cfg, log: log}
	switch cfg.Registry.Store {
	case "redis":
		st, err := rs.openRedisStore(cfg)
		if err != nil {
			return nil, err
		}
		rs.store = st
	default:
		st, err := registry.OpenFileStore(cfg.Registry.Dir)
		if err != nil {
			return nil, err
		}
		rs.store = st
	}
	rs.usage = registry.NewUsage(rs.store, cfg.Registry.UsageMaxEntries, cfg.Registry.UsageWindow)
	return rs, nil
}

// plugins are the gateway plugins of the registry (nil setup: none).
func (rs *registrySetup) plugins() []gateway.Plugin {
	if rs == nil {
		return nil
	}
	return []gateway.Plugin{rs.usage}
}

// start loads what the store holds into gw and follows changes until ctx
// ends; it returns the registry API's HTTP handler, with the same limits
// as /graphql.
func (rs *registrySetup) start(ctx context.Context, gw *gateway.Gateway) (http.Handler, error) {
	var opts []registry.Option
	opts = append(opts, registry.WithLogger(rs.log), registry.WithUsage(rs.usage), registry.WithContracts(rs.cfg.ContractList()))
	if rs.cfg.Registry.Store == "redis" {
		opts = append(opts, registry.WithPoll(rs.cfg.Registry.Poll))
	}
	rs.reg = registry.New(rs.store, registry.SchemaComposer{}, gw, opts...)
	if err := rs.reg.Start(ctx); err != nil {
		return nil, err
	}
	rs.flushed = make(chan struct{})
	go func() {
		defer close(rs.flushed)
		rs.usage.Run(ctx, rs.cfg.Registry.UsageFlush)
	}()
	token := rs.cfg.Registry.TokenValue()
	switch {
	case token != "":
		rs.log.Info("registry API: token required for every request", "path", registryPath)
	case rs.loopbackWrites:
		rs.log.Warn("registry API: no token configured; junction dev accepts registry mutations from loopback clients without one", "path", registryPath)
	default:
		rs.log.Warn("registry API: no token configured, so it is read-only: set registry.token or JUNCTION_REGISTRY_TOKEN to register subgraphs", "path", registryPath)
	}
	if snap := rs.reg.Snapshot(); snap.Seq == 0 && !rs.loopbackWrites {
		rs.log.Warn("registry is empty: GraphQL requests are answered 503 until the first registration")
	}
	api := graph.New(rs.reg, graph.Options{
		Token:          token,
		LoopbackWrites: rs.loopbackWrites,
		Timeout:        rs.cfg.Traffic.RequestTimeout,
		Limits:         gatewayLimits(rs.cfg),
		Purge:          rs.purge,
	})
	return server.New(api,
		server.WithPath(registryPath),
		server.WithPlayground(false),
		server.WithMaxBodyBytes(rs.cfg.Limits.MaxBodyBytes),
		server.WithReadTimeout(rs.cfg.Limits.BodyTimeout),
		server.WithLegacyStatusCodes(rs.cfg.LegacyStatusCodes),
		// No foreign origin (no WithCORS); a request a browser could send
		// without a preflight is refused, token or not.
		server.WithCSRFPrevention(true, rs.cfg.CSRF.RequiredHeaders...),
		server.WithSubscriptions(false, server.Subscriptions{}), // the registry API has none
		server.WithLogger(rs.log)), nil
}

func gatewayLimits(cfg *config.Config) gateway.Limits {
	return gateway.Limits{
		MaxTokens:              cfg.Limits.MaxTokens,
		MaxDepth:               cfg.Limits.MaxDepth,
		MaxAliases:             cfg.Limits.MaxAliases,
		MaxRootFields:          cfg.Limits.MaxRootFields,
		MaxRecursiveSelections: cfg.Limits.MaxRecursiveSelections,
	}
}

// serveAdmin serves the registry API on its own listener (registry.listen)
// until ctx ends.
func serveAdmin(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("registry.listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(registryPath, h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("registry listener failed", "error", err)
		}
	}()
	log.Info("registry API ready", "url", fmt.Sprintf("http://%s%s", ln.Addr(), registryPath))
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}

// devRegistry is junction dev's registry: a file store in a temporary
// directory (removed by close), mutations allowed from loopback without a
// token (unless the config sets one); seed fills it with the demo.
func devRegistry(cfg *config.Config, log *slog.Logger) (*registrySetup, error) {
	dir, err := os.MkdirTemp("", "junction-dev-registry-")
	if err != nil {
		return nil, err
	}
	cfg.Registry.Enabled, cfg.Registry.Store, cfg.Registry.Dir = true, "file", dir
	rs, err := openRegistry(cfg, log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	rs.loopbackWrites = true
	rs.cleanup = func() { os.RemoveAll(dir) }
	return rs, nil
}

func (rs *registrySetup) close() {
	rs.wait()
	if rs.cleanup != nil {
		rs.cleanup()
	}
}

// seed registers the demo subgraphs with the SDL they serve. A subgraph
// that extends another's types composes only once that one is in: each
// pass registers what composes, until all are in or a pass adds none.
func (rs *registrySetup) seed(ctx context.Context, demo *subgraphs.Demo) error {
	sdls := map[string]string{}
	for _, name := range subgraphs.Names {
		sdl, err := registry.FetchSDL(ctx, demo.URLs[name])
		if err != nil {
			return fmt.Errorf("demo subgraph %s: %w", name, err)
		}
		sdls[name] = sdl
	}
	pending := append([]string(nil), subgraphs.Names...)
	for len(pending) > 0 {
		var next []string
		var last *registry.Result
		for _, name := range pending {
			res, err := rs.reg.Register(ctx, name, demo.URLs[name], sdls[name])
			if err != nil {
				return err
			}
			if !res.OK {
				next, last = append(next, name), res
			}
		}
		if len(next) == len(pending) {
			return fmt.Errorf("demo subgraphs %v do not compose: %+v", next, last.Errors)
		}
		pending = next
	}
	return nil
}
