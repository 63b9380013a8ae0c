package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"time"
)

// Client sends one request to a subgraph and returns the response body.
// Implementations must honour ctx and return an error for a non-2xx status
// (wrapping ErrSubgraphStatus, see *StatusError).
type Client interface {
	Do(ctx context.Context, req *SubgraphRequest) ([]byte, error)
}

// SubgraphRequest is one GraphQL-over-HTTP POST to a subgraph.
type SubgraphRequest struct {
	Service, URL string
	Body         []byte
	Header       http.Header
	// Mutation: the request runs a mutation, which must never be sent
	// twice (no retry).
	Mutation bool
}

// Sentinels for subgraph failures; the executor maps them to error codes.
var (
	// ErrSubgraphStatus: the subgraph answered with a non-2xx status.
	ErrSubgraphStatus = errors.New("subgraph returned non-2xx status")
	// ErrSubgraphTransport: the request could not be sent or read.
	ErrSubgraphTransport = errors.New("subgraph request failed")
	// ErrResponseTooLarge: the body exceeded the configured limit.
	ErrResponseTooLarge = errors.New("subgraph response too large")
	// ErrCircuitOpen: a circuit breaker refused the request without
	// sending it (the subgraph failed too often recently).
	ErrCircuitOpen = errors.New("circuit breaker open")
	// ErrMergedTooLarge: the subgraph answers of one request, summed,
	// passed WithMaxMergedBytes.
	ErrMergedTooLarge = errors.New("subgraph answers of the request too large")
)

// StatusError is returned for a non-2xx answer; it wraps ErrSubgraphStatus.
type StatusError struct {
	Service    string
	StatusCode int
	// ContentType and Body are the answer's, when read (the body up to the
	// size limit): a GraphQL response sent with an error status still
	// carries the subgraph's errors.
	ContentType string
	Body        []byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("subgraph %q: status %d %s", e.Service, e.StatusCode, http.StatusText(e.StatusCode))
}

func (e *StatusError) Unwrap() error { return ErrSubgraphStatus }

// HTTPOption configures NewHTTPClient.
type HTTPOption func(*httpClient)

// WithHTTPTimeout bounds each request of this client (default: none of
// its own; the caller's context bounds it, and the executor always sets
// its per-subgraph deadline). Only an earlier bound than the caller's
// deadline has any effect.
func WithHTTPTimeout(d time.Duration) HTTPOption {
	return func(c *httpClient) { c.timeout = d }
}

// WithHTTPSubgraphTimeout bounds each request to one subgraph (see
// WithHTTPTimeout).
func WithHTTPSubgraphTimeout(service string, d time.Duration) HTTPOption {
	return func(c *httpClient) { c.perService[service] = d }
}

// WithTransport replaces the tuned transport (for tests or custom TLS).
func WithTransport(rt http.RoundTripper) HTTPOption {
	return func(c *httpClient) { c.http.Transport = rt }
}

// WithMaxResponseBytes limits a subgraph body (default
// DefaultMaxResponseBytes); n <= 0 keeps the default.
func WithMaxResponseBytes(n int64) HTTPOption {
	return func(c *httpClient) {
		if n > 0 {
			c.maxBytes = n
		}
	}
}

type httpClient struct {
	http       *http.Client
	timeout    time.Duration
	perService map[string]time.Duration
	maxBytes   int64
	// compression by service ("": every other), nil when not configured
	// (compress.go); zstdReaders holds its decoders.
	compression map[string]*compression
	zstdReaders sync.Pool
	// perClient: the clients of subgraphs with connection settings of
	// their own (connection.go).
	perClient map[string]*http.Client
}

// NewHTTPClient returns a Client over a keep-alive transport tuned for many
// concurrent requests to few hosts.
func NewHTTPClient(opts ...HTTPOption) Client {
	tr := newTransport(Connection{})
	c := &httpClient{
		http:       &http.Client{Transport: tr},
		perService: map[string]time.Duration{},
		maxBytes:   DefaultMaxResponseBytes,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// hopHeaders are never forwarded from the client request.
var hopHeaders = map[string]bool{
	"Accept": true, "Accept-Encoding": true, "Connection": true, "Content-Length": true,
	"Content-Type": true, "Host": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true,
}

func (c *httpClient) Do(ctx context.Context, req *SubgraphRequest) ([]byte, error) {
	timeout := c.timeout
	if d, ok := c.perService[req.Service]; ok {
		timeout = d
	}
	if dl, ok := ctx.Deadline(); timeout > 0 && (!ok || time.Until(dl) > timeout) {
		// (The executor usually set an earlier deadline already: no second
		// timer then.)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cs := c.compressionFor(req.Service)
	body, encoded := req.Body, ""
	if cs != nil && cs.request != "" && len(body) >= cs.requestMin {
		b, err := encodeBody(cs.request, body)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
		}
		body, encoded = b, cs.request
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, req.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
	}
	for k, vs := range req.Header {
		if hopHeaders[http.CanonicalHeaderKey(k)] {
			continue
		}
		hr.Header[k] = vs
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/graphql-response+json, application/json")
	if encoded != "" {
		hr.Header.Set("Content-Encoding", encoded)
	}
	if cs != nil && cs.acceptHeader != "" {
		hr.Header.Set("Accept-Encoding", cs.acceptHeader) // decoded here, not by the transport
	}
	hc := c.http
	if pc, ok := c.perClient[req.Service]; ok {
		hc = pc
	}
	resp, err := hc.Do(hr)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, ctxErr)
		}
		return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
	}
	defer resp.Body.Close()
	if sink := ResponseHeaderSinkFrom(ctx); sink != nil {
		sink(req.Service, resp.Header)
	}
	rbody, length := io.Reader(resp.Body), resp.ContentLength
	if cs != nil {
		r, release, err := c.decodeBody(cs, resp)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
		}
		defer release()
		if r != nil {
			rbody, length = r, -1 // the decoded length is not announced
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := &StatusError{Service: req.Service, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
		if jsonMediaType(se.ContentType) {
			se.Body, _ = io.ReadAll(io.LimitReader(rbody, c.maxBytes))
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, se
	}
	if length > 0 && length <= c.maxBytes {
		// The length is known: read exactly that much into one buffer
		// (bytes.Buffer.ReadFrom would double a buffer sized to fit).
		out := make([]byte, length)
		if _, err := io.ReadFull(rbody, out); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, ctxErr)
			}
			return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
		}
		return out, nil
	}
	// Unannounced length (chunked): read into a pooled buffer that has
	// grown to the usual answer size, then copy out exactly what came (the
	// decoded tree keeps aliasing it, so the copy is the answer's own).
	buf := readPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledRead {
			readPool.Put(buf)
		}
	}()
	n, err := buf.ReadFrom(io.LimitReader(rbody, c.maxBytes+1))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, ctxErr)
		}
		return nil, fmt.Errorf("%w: %q: %w", ErrSubgraphTransport, req.Service, err)
	}
	if n > c.maxBytes {
		return nil, fmt.Errorf("%w: %q: more than %d bytes", ErrResponseTooLarge, req.Service, c.maxBytes)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// readPool holds the buffers answers of unannounced length are read into;
// one larger than maxPooledRead is left to the collector.
var readPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledRead = 1 << 20

// jsonMediaType reports whether a Content-Type is application/json or
// application/graphql-response+json (parameters ignored).
func jsonMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "application/graphql-response+json")
}
