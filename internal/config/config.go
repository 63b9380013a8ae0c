package config

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/junction-gateway/junction/executor"
)

// ErrInvalid wraps every validation failure.
var ErrInvalid = errors.New("invalid config")

// Config is Junction's YAML configuration. Zero values mean defaults.
// Every string value may hold ${ENV} and ${ENV:-default} references (see
// ExpandEnv). junction.schema.json is generated from these types (junction
// config schema): a field's doc comment is its description there.
type Config struct {
	// Listen is HOST:PORT to serve on (default 127.0.0.1:4000).
	Listen string `yaml:"listen"`
	// Supergraph is the path of the supergraph SDL file to serve.
	Supergraph string `yaml:"supergraph"`
	// GraphQLPath is where GraphQL is served (default /graphql).
	GraphQLPath string `yaml:"graphql_path"`
	// Playground serves the GraphiQL playground at / (default true).
	Playground *bool `yaml:"playground"`
	// Subgraphs overrides per subgraph, by name.
	Subgraphs map[string]Subgraph `yaml:"subgraphs"`
	// Traffic shaping for all subgraphs.
	Traffic Traffic `yaml:"traffic"`
	// Limits on client requests.
	Limits Limits `yaml:"limits"`
	// Headers: which client headers reach subgraphs.
	Headers Headers `yaml:"headers"`
	// OverrideLabels forces progressive-override labels (@override(label:))
	// on or off, by label. Labels not listed are decided per request:
	// "percent(N)" is active for about N% of requests, custom labels are off.
	OverrideLabels map[string]bool `yaml:"override_labels"`
	// LegacyStatusCodes answers with the GraphQL-over-HTTP status codes of
	// the drafts before 2026 (400 / 200 under application/json for a request
	// that fails before execution, 200 for partial success, no 406) for
	// clients that depend on them. Default false: 422, 294 and 406.
	LegacyStatusCodes bool `yaml:"legacy_status_codes"`
	// CORS: which foreign origins may call the GraphQL endpoint (none by default).
	CORS CORS `yaml:"cors"`
	// CSRF: refuse requests a browser could send without a preflight.
	CSRF CSRF `yaml:"csrf"`
	// Telemetry: traces, metrics and request logs (all off by default).
	Telemetry Telemetry `yaml:"telemetry"`
	// Redis is shared by rate limits, caches and APQ across replicas; absent,
	// they keep their state in memory in one process.
	Redis *Redis `yaml:"redis"`
	// Authentication and Authorization: tokens and the schema's auth directives (auth.go).
	Authentication Authentication `yaml:"authentication"`
	Authorization  Authorization  `yaml:"authorization"`
	// RateLimits: request-level limits and the supergraph's @rateLimit.
	RateLimits *RateLimits `yaml:"rate_limits"`
	// Cache caches subgraph answers by their @cacheControl hints.
	Cache *Cache `yaml:"cache"`
	// Registry: subgraphs registered through an API, composed and served.
	Registry Registry `yaml:"registry"`
	// Server, Shutdown, Health: connection bounds, draining on SIGTERM,
	// subgraph probes behind /ready (runtime.go).
	Server   Server   `yaml:"server"`
	Shutdown Shutdown `yaml:"shutdown"`
	Health   Health   `yaml:"health"`
	// Batching: several operations in one POST (off by default; batching.go).
	Batching Batching `yaml:"batching"`
	// Introspection answers __schema and __type (default true; introspection.go).
	Introspection *bool `yaml:"introspection"`
	// Compression of responses by Accept-Encoding (off by default; compression.go).
	Compression Compression `yaml:"compression"`
	// DemandControl: operation cost from @cost and @listSize, with a budget (demandcontrol.go).
	DemandControl DemandControl `yaml:"demand_control"`
	// PersistedDocuments: trusted documents from a manifest (persisted.go).
	PersistedDocuments PersistedDocuments `yaml:"persisted_documents"`
	// Contracts: variants of the API schema filtered by @tag, by name (contracts.go).
	Contracts map[string]Contract `yaml:"contracts"`
	// Subscriptions: the client transports of subscriptions (subscriptions.go).
	Subscriptions Subscriptions `yaml:"subscriptions"`
}

// Headers holds header rules.
type Headers struct {
	// Propagate names the client headers forwarded to every subgraph
	// (default none).
	Propagate []string `yaml:"propagate"`
	// Claims puts token claims into subgraph request headers: header name
	// -> claim name (a dotted path for nested claims), e.g. x-user-id: sub.
	Claims map[string]string `yaml:"claims"`
	// Rules for every subgraph request, in order (headerrules.go).
	Rules []HeaderRule `yaml:"rules"`
	// Response: headers of subgraph answers passed to the client (respheaders.go).
	Response ResponseHeaders `yaml:"response"`
}

// Subgraph overrides the supergraph's settings for one subgraph.
type Subgraph struct {
	URL     string        `yaml:"url"`
	Timeout time.Duration `yaml:"timeout"`
	// Retry and CircuitBreaker replace traffic.retry and
	// traffic.circuit_breaker for this subgraph when set.
	Retry          *Retry          `yaml:"retry"`
	CircuitBreaker *CircuitBreaker `yaml:"circuit_breaker"`
	// Headers: rules for this subgraph's requests, after headers.rules.
	Headers SubgraphHeaders `yaml:"headers"`
	// Subscriptions: how this subgraph serves subscriptions (subscriptions_upstream.go).
	Subscriptions *SubgraphSubscriptions `yaml:"subscriptions"`
	// Compression and Connection replace traffic.compression and
	// traffic.connection for this subgraph when set.
	Compression *SubgraphCompression `yaml:"compression"`
	Connection  *Connection          `yaml:"connection"`
}

// Traffic holds subgraph traffic settings.
type Traffic struct {
	// Retry and CircuitBreaker apply to every subgraph (see shaping.go).
	Retry          Retry          `yaml:"retry"`
	CircuitBreaker CircuitBreaker `yaml:"circuit_breaker"`
	// SubgraphTimeout bounds each subgraph request (default 30s).
	SubgraphTimeout time.Duration `yaml:"subgraph_timeout"`
	// RequestTimeout bounds a whole request's execution (default 60s).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// InboundDedupe shares one execution between identical concurrent
	// queries (default true).
	InboundDedupe *bool `yaml:"inbound_dedupe"`
	// SubgraphDedupe shares one round trip between identical concurrent
	// subgraph requests (default true).
	SubgraphDedupe *bool `yaml:"subgraph_dedupe"`
	// MaxSubgraphResponseBytes caps each subgraph response body (default
	// 64 MiB); a larger answer fails that fetch.
	MaxSubgraphResponseBytes int64 `yaml:"max_subgraph_response_bytes"`
	// Compression of subgraph requests and answers (compression.go).
	Compression *SubgraphCompression `yaml:"compression"`
	// Connection: HTTP/2 cleartext, pool sizes, timeouts (connection.go).
	Connection *Connection `yaml:"connection"`
}

// Limits holds client request limits.
type Limits struct {
	// MaxBodyBytes caps a request body (default 2 MiB).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// BodyTimeout bounds how long a client may take to send its request
	// body (default 30s); a slower one is answered 408.
	BodyTimeout time.Duration `yaml:"body_timeout"`
	// MaxTokens caps the lexical tokens of a query (default 15000).
	MaxTokens int `yaml:"max_tokens"`
	// MaxDepth caps the field nesting of an operation (default 64).
	MaxDepth int `yaml:"max_depth"`
	// MaxAliases caps the aliased fields of an operation (default 1000).
	MaxAliases int `yaml:"max_aliases"`
	// MaxRootFields caps the root fields of an operation (default 1000).
	MaxRootFields int `yaml:"max_root_fields"`
	// MaxRecursiveSelections caps the selections of an operation with its
	// fragments expanded (default 100000).
	MaxRecursiveSelections int `yaml:"max_recursive_selections"`
	// MaxResponseBytes caps one response document (default 8 MiB); a
	// larger one is answered with a RESPONSE_TOO_LARGE error naming it.
	MaxResponseBytes int64 `yaml:"max_response_bytes"`
	// MaxMergedBytes caps the subgraph answers one request holds, summed
	// (default 32 MiB).
	MaxMergedBytes int64 `yaml:"max_merged_bytes"`
	// MaxConcurrentRequests caps the GraphQL requests executing at once
	// (default 256); past it a request waits up to QueueTimeout (default
	// 1s), then is answered 503 with Retry-After.
	MaxConcurrentRequests int           `yaml:"max_concurrent_requests"`
	QueueTimeout          time.Duration `yaml:"queue_timeout"`
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyEnv(lookup func(string) (string, bool)) {
	if v, ok := lookup("JUNCTION_LISTEN"); ok && v != "" {
		c.Listen = v
	}
	if v, ok := lookup("JUNCTION_SUPERGRAPH"); ok && v != "" {
		c.Supergraph = v
	}
	c.applyRedisEnv(lookup)
}

func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:4000"
	}
	if c.GraphQLPath == "" {
		c.GraphQLPath = "/graphql"
	}
	if c.Playground == nil {
		c.Playground = boolPtr(true)
	}
	c.applyIntrospectionDefault()
	if c.Traffic.SubgraphTimeout == 0 {
		c.Traffic.SubgraphTimeout = executor.DefaultSubgraphTimeout
	}
	if c.Traffic.RequestTimeout == 0 {
		c.Traffic.RequestTimeout = executor.DefaultTimeout
	}
	if c.Traffic.MaxSubgraphResponseBytes == 0 {
		c.Traffic.MaxSubgraphResponseBytes = executor.DefaultMaxResponseBytes
	}
	if c.Traffic.InboundDedupe == nil {
		c.Traffic.InboundDedupe = boolPtr(true)
	}
	if c.Traffic.SubgraphDedupe == nil {
		c.Traffic.SubgraphDedupe = boolPtr(true)
	}
	if c.Limits.MaxBodyBytes == 0 {
		c.Limits.MaxBodyBytes = defaultMaxBodyBytes
	}
	c.Telemetry.applyDefaults()
	c.Redis.applyDefaults()
	c.Authentication.applyDefaults()
	c.Authorization.applyDefaults()
	c.RateLimits.applyDefaults(c.Redis)
	c.Cache.applyDefaults(c.Redis)
	c.Registry.applyDefaults()
	if c.Limits.BodyTimeout == 0 {
		c.Limits.BodyTimeout = defaultBodyTimeout
	}
	c.applyRuntimeDefaults()
	c.Subscriptions.applyDefaults()
}

// Validate reports every problem at once, each naming its key.
func (c *Config) Validate() error {
	var probs []string
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		probs = append(probs, fmt.Sprintf("listen: %q is not HOST:PORT", c.Listen))
	}
	if !strings.HasPrefix(c.GraphQLPath, "/") {
		probs = append(probs, fmt.Sprintf("graphql_path: %q must start with /", c.GraphQLPath))
	}
	if c.Traffic.SubgraphTimeout < 0 {
		probs = append(probs, "traffic.subgraph_timeout: must be positive")
	}
	if c.Traffic.MaxSubgraphResponseBytes < 0 {
		probs = append(probs, "traffic.max_subgraph_response_bytes: must be positive")
	}
	if c.Traffic.RequestTimeout < 0 {
		probs = append(probs, "traffic.request_timeout: must be positive")
	}
	if c.Limits.BodyTimeout < 0 {
		probs = append(probs, "limits.body_timeout: must be positive")
	}
	if c.Limits.MaxBodyBytes < 0 {
		probs = append(probs, "limits.max_body_bytes: must be positive")
	}
	for _, l := range []struct {
		key string
		v   int
	}{
		{"max_tokens", c.Limits.MaxTokens}, {"max_depth", c.Limits.MaxDepth}, {"max_aliases", c.Limits.MaxAliases},
		{"max_root_fields", c.Limits.MaxRootFields}, {"max_recursive_selections", c.Limits.MaxRecursiveSelections},
	} {
		if l.v < 0 {
			probs = append(probs, "limits."+l.key+": must be positive")
		}
	}
	probs = c.Redis.validate(probs)
	probs = c.RateLimits.validate(probs, c.Redis)
	probs = c.Cache.validate(probs, c.Redis)
	probs = c.validateCORS(probs)
	probs = c.Batching.validate(probs)
	probs = c.DemandControl.validate(probs)
	probs = c.PersistedDocuments.validate(probs)
	probs = c.Subscriptions.validate(probs)
	probs = validateShaping("traffic", &c.Traffic.Retry, &c.Traffic.CircuitBreaker, probs)
	names := make([]string, 0, len(c.Subgraphs))
	for n := range c.Subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := c.Subgraphs[n]
		if s.URL != "" && !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
			probs = append(probs, fmt.Sprintf("subgraphs.%s.url: %q is not an http(s) URL", n, s.URL))
		}
		if s.Timeout < 0 {
			probs = append(probs, fmt.Sprintf("subgraphs.%s.timeout: must be positive", n))
		}
		probs = validateShaping("subgraphs."+n, s.Retry, s.CircuitBreaker, probs)
	}
	probs = append(probs, c.Telemetry.validate()...)
	probs = append(probs, append(c.Authentication.validate(c), c.Authorization.validate(c)...)...)
	probs = append(probs, c.Registry.validate()...)
	probs = c.validateRuntime(probs)
	probs = c.validateHeaderRules(probs)
	probs = c.validateCompression(probs)
	probs = c.validateResponseHeaders(probs)
	probs = c.validateConnections(probs)
	probs = c.validateContracts(probs)
	probs = c.validateSubgraphSubscriptions(probs)
	if len(probs) > 0 {
		return invalid(probs)
	}
	return nil
}

// SubgraphTimeouts returns the per-subgraph timeout overrides by name.
func (c *Config) SubgraphTimeouts() map[string]time.Duration {
	out := map[string]time.Duration{}
	for n, s := range c.Subgraphs {
		if s.Timeout > 0 {
			out[n] = s.Timeout
		}
	}
	return out
}

// SubgraphURLs returns the configured URL overrides by subgraph name.
func (c *Config) SubgraphURLs() map[string]string {
	out := map[string]string{}
	for n, s := range c.Subgraphs {
		if s.URL != "" {
			out[n] = s.URL
		}
	}
	return out
}

func boolPtr(b bool) *bool { return &b }
