package redisclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/junction-gateway/junction/internal/config"
)

// ErrConfig wraps every problem building a client from the config.
var ErrConfig = errors.New("redis config")

// New builds the client cfg describes. It does not connect: the first
// command does (go-redis dials lazily and reconnects by itself).
func New(cfg *config.Redis) (redis.UniversalClient, error) {
	o, err := Options(cfg)
	if err != nil {
		return nil, err
	}
	quietOnce.Do(func() { redis.SetLogger(quiet{}) })
	return redis.NewUniversalClient(o), nil
}

var quietOnce sync.Once

// quiet drops go-redis's own log lines (one per failed dial): a Redis
// incident is logged once by Health, by the feature that saw it.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// Options translates cfg into go-redis universal options.
func Options(cfg *config.Redis) (*redis.UniversalOptions, error) {
	if cfg == nil {
		return nil, fmt.Errorf("%w: no redis section", ErrConfig)
	}
	o := &redis.UniversalOptions{
		Addrs:         append([]string(nil), cfg.Addrs...),
		MasterName:    cfg.MasterName,
		IsClusterMode: cfg.Cluster,
		DB:            cfg.DB,
	}
	if cfg.URL != "" {
		if err := fromURL(o, cfg); err != nil {
			return nil, err
		}
	} else if cfg.TLS {
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.Username != "" {
		o.Username = cfg.Username
	}
	if cfg.Password != "" {
		o.Password = cfg.Password
	}
	if cfg.DB != 0 {
		o.DB = cfg.DB
	}
	o.SentinelPassword = cfg.SentinelPassword
	if o.TLSConfig != nil {
		if cfg.TLSServerName != "" {
			o.TLSConfig.ServerName = cfg.TLSServerName
		}
		o.TLSConfig.InsecureSkipVerify = cfg.TLSInsecureSkipVerify //nolint:gosec // opt-in, documented as tests only
	}
	o.PoolSize = cfg.PoolSize
	o.DialTimeout = orDefault(cfg.DialTimeout, config.DefaultRedisDialTimeout)
	o.ReadTimeout = orDefault(cfg.ReadTimeout, config.DefaultRedisReadTimeout)
	o.WriteTimeout = orDefault(cfg.WriteTimeout, config.DefaultRedisWriteTimeout)
	o.PoolTimeout = o.DialTimeout + o.ReadTimeout
	// A failed command is retried once at most (a connection the server
	// closed), so that the timeouts above bound a command to about twice
	// their sum, not four times.
	o.MaxRetries = 1
	o.ContextTimeoutEnabled = true
	// CLIENT SETINFO on every new connection is an extra round trip that
	// older servers reject; Junction does not need it.
	o.DisableIdentity = true
	return o, nil
}

func fromURL(o *redis.UniversalOptions, cfg *config.Redis) error {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return fmt.Errorf("%w: redis.url: %v", ErrConfig, redactURL(err))
	}
	if cfg.Cluster {
		co, err := redis.ParseClusterURL(cfg.URL)
		if err != nil {
			return fmt.Errorf("%w: redis.url: %v", ErrConfig, redactURL(err))
		}
		o.Addrs, o.Username, o.Password, o.TLSConfig = co.Addrs, co.Username, co.Password, co.TLSConfig
		return nil
	}
	so, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return fmt.Errorf("%w: redis.url (%s://%s): %v", ErrConfig, u.Scheme, u.Host, redactURL(err))
	}
	o.Addrs = []string{so.Addr}
	o.Username, o.Password, o.DB, o.TLSConfig = so.Username, so.Password, so.DB, so.TLSConfig
	if so.Network == "unix" {
		// The universal client has no network option: a unix socket goes
		// through a dialer.
		addr := so.Addr
		o.Dialer = unixDialer(addr)
	}
	return nil
}

// redactURL drops anything that might quote the URL (and its password)
// from a parse error.
func redactURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		return "invalid URL"
	}
	return msg
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

func unixDialer(path string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
}
