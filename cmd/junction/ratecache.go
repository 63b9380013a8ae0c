package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/junction-gateway/junction/graph"
	"github.com/junction-gateway/junction/internal/cache"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/ratelimit"
	"github.com/junction-gateway/junction/internal/redisclient"
	"github.com/junction-gateway/junction/schema"
)

// rateCache is what the redis:, rate_limits: and cache: sections add to
// the gateway: pipeline plugins, a readiness check (Redis, only where it
// is required: rate limits failing closed), HTTP routes. Nothing at all
// when none of them is configured.
type rateCache struct {
	plugins []gateway.Plugin
	options []gateway.Option
	ready   func() error
	routes  []route
	closers []func()
	cache   *cache.Cache // nil without cache:
}

type route struct {
	path    string
	handler http.Handler
}

// startRateCache builds the rate limiter and cache from cfg: each only
// when its section is configured (a supergraph applying @rateLimit without
// rate_limits: is logged, not enforced), so that neither adds anything to
// the request path otherwise. junction dev's built-in config has
// rate_limits: {}.
func startRateCache(_ context.Context, cfg *config.Config, sg *schema.Supergraph, logw io.Writer) (*rateCache, error) {
	rc := &rateCache{}
	log := slog.New(slog.NewTextHandler(logw, nil))
	rl := cfg.RateLimits
	if rl == nil && sg != nil { // sg nil: an empty registry
		// Not configured: nothing on the request path. Say so when the
		// supergraph asks for limits.
		if rules, err := ratelimit.ReadRules(sg, config.DefaultRateLimitMaxLimit); err == nil && rules.Len() > 0 {
			log.Warn("the supergraph applies @rateLimit but rate_limits is not configured: not enforced (add rate_limits: {} to enforce them)", "limits", rules.Len())
		}
	}
	var client redis.UniversalClient
	redisFor := func() (redis.UniversalClient, error) {
		if client != nil {
			return client, nil
		}
		c, err := redisclient.New(cfg.Redis)
		if err != nil {
			return nil, err
		}
		client = c
		rc.closers = append(rc.closers, func() { _ = c.Close() })
		return c, nil
	}
	if rl != nil {
		o := ratelimit.Options{
			FailClosed: rl.Fail == "closed",
			MaxLimit:   rl.MaxLimit,
			Requests:   rl.Requests,
			Identity:   identity(),
			Log:        log,
		}
		if rl.Store == "redis" {
			c, err := redisFor()
			if err != nil {
				return nil, err
			}
			o.Store = ratelimit.NewRedis(c, cfg.Redis.KeyPrefix)
			o.Health = redisclient.NewHealth("rate_limits", log, 0)
			o.Timeout = cfg.Redis.DialTimeout + cfg.Redis.ReadTimeout + cfg.Redis.WriteTimeout
			if o.FailClosed {
				rc.ready = redisReady(c, o.Timeout)
			}
		} else {
			o.Store = ratelimit.NewMemory(rl.MemoryKeys)
		}
		lim, err := ratelimit.New(o)
		if err != nil {
			return nil, err
		}
		rc.plugins = append(rc.plugins, lim.Plugins()...)
	}
	if cc := cfg.Cache; cc != nil {
		o := cache.Options{MaxEntryBytes: cc.MaxEntryBytes, Log: log}
		if cc.Store == "redis" {
			c, err := redisFor()
			if err != nil {
				return nil, err
			}
			o.Store = cache.NewRedis(c, cfg.Redis.KeyPrefix)
			o.Health = redisclient.NewHealth("cache", log, 0)
			o.Timeout = cfg.Redis.DialTimeout + cfg.Redis.ReadTimeout + cfg.Redis.WriteTimeout
		} else {
			o.Store = cache.NewMemory(cc.MaxEntries, cc.MaxBytes)
		}
		c, err := cache.New(o)
		if err != nil {
			return nil, err
		}
		rc.cache = c
		rc.plugins = append(rc.plugins, c.Plugin())
		rc.options = append(rc.options, gateway.WithEntityCache(c.Build))
		if cc.Store == "redis" {
			rc.options = append(rc.options, gateway.WithAPQStore(c.APQ()))
		}
		if token := registryToken(cfg); token() != "" {
			rc.routes = append(rc.routes, route{cc.InvalidatePath, c.Handler(token)})
		}
	}
	return rc, nil
}

// registryToken is the token that guards purges: the registry's
// (registry.token, or JUNCTION_REGISTRY_TOKEN).
func registryToken(cfg *config.Config) func() string {
	return cfg.Registry.TokenValue
}

// purger serves the registry's purgeCache mutation with the same purge
// as the invalidate endpoint (nil without cache:).
func (rc *rateCache) purger() graph.Purger {
	if rc == nil || rc.cache == nil {
		return nil
	}
	c := rc.cache
	return func(ctx context.Context, all bool, typ string, key map[string]json.RawMessage) (int, error) {
		return c.Purge(ctx, cache.Purge{All: all, Type: typ, Key: key})
	}
}

// option is everything rc adds to the gateway, as one option.
func (rc *rateCache) option() gateway.Option {
	if rc == nil {
		return nil
	}
	return gateway.WithOptions(append([]gateway.Option{gateway.WithPlugins(rc.plugins...)}, rc.options...)...)
}

// identity tells limits `by: user` who the caller is: the principal of
// the authentication plugin.
func identity() ratelimit.Identity { return ratelimit.Principal{} }

func redisReady(c redis.UniversalClient, timeout time.Duration) func() error {
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := c.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis (required: rate_limits.fail is closed): %w", err)
		}
		return nil
	}
}

// readiness combines the gateway's readiness with rc's.
func (rc *rateCache) readiness(gw *gateway.Gateway) func() error {
	if rc == nil || rc.ready == nil {
		return gw.Ready
	}
	return func() error { return errors.Join(gw.Ready(), rc.ready()) }
}

// mount adds rc's routes to mux.
func (rc *rateCache) mount(mux *http.ServeMux) {
	if rc == nil {
		return
	}
	for _, r := range rc.routes {
		mux.Handle(r.path, r.handler)
	}
}

func (rc *rateCache) close() {
	if rc == nil {
		return
	}
	for _, c := range rc.closers {
		c()
	}
}
