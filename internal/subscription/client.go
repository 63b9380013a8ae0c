package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Protocol is how a subgraph serves subscriptions.
type Protocol string

// The protocols an upstream subscription speaks.
const (
	// WS is graphql-transport-ws over WebSocket.
	WS Protocol = "ws"
	// SSE is graphql-sse in distinct-connections mode.
	SSE Protocol = "sse"
)

// Defaults of Options.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultIdleTimeout    = 60 * time.Second
	DefaultMaxEventBytes  = 8 << 20
	DefaultBuffer         = 64
)

// Sentinels; errors returned by Stream.Next wrap one of them, or are
// io.EOF itself (compare with ==: a failure may wrap an io.EOF) when the
// subgraph completed the subscription.
var (
	// ErrConnect: the upstream connection could not be made or was not
	// acknowledged in time.
	ErrConnect = errors.New("subscription: upstream connection failed")
	// ErrUpstream: the upstream connection failed or was closed mid-stream.
	ErrUpstream = errors.New("subscription: upstream failed")
	// ErrIdle: the subgraph was silent for longer than the idle timeout.
	ErrIdle = errors.New("subscription: upstream idle")
	// ErrRejected: the subgraph answered the subscription with errors
	// (graphql-transport-ws "error"): Rejection holds them.
	ErrRejected = errors.New("subscription: rejected by the subgraph")
	// ErrSlow: this subscriber did not take its events fast enough and
	// was dropped.
	ErrSlow = errors.New("subscription: subscriber too slow")
)

// Rejection is a subscription the subgraph refused with GraphQL errors.
type Rejection struct {
	// Errors is the subgraph's JSON array of GraphQL errors.
	Errors json.RawMessage
}

func (r *Rejection) Error() string { return ErrRejected.Error() + ": " + string(r.Errors) }

// Unwrap makes a Rejection match ErrRejected.
func (r *Rejection) Unwrap() error { return ErrRejected }

// Options bound the upstream subscriptions of one Client; zero fields take
// the defaults.
type Options struct {
	// ConnectTimeout bounds connecting and the subgraph's acknowledgement.
	ConnectTimeout time.Duration
	// IdleTimeout ends an upstream that sends nothing (no event, no pong,
	// no keep-alive) for this long. The WebSocket client pings every
	// IdleTimeout/3.
	IdleTimeout time.Duration
	// MaxEventBytes caps one upstream message.
	MaxEventBytes int64
	// Buffer is how many events one subscriber may fall behind.
	Buffer int
	// HTTPClient sends SSE requests (default: one without a timeout of its
	// own: the idle timeout bounds silence).
	HTTPClient *http.Client
}

func (o *Options) defaults() {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxEventBytes <= 0 {
		o.MaxEventBytes = DefaultMaxEventBytes
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
}

// Upstream is one subscription to send to one subgraph.
type Upstream struct {
	Service string
	// URL is the subgraph's subscription endpoint: http(s) (ws(s) for
	// WebSocket is derived) or ws(s).
	URL      string
	Protocol Protocol
	// Query, OperationName and Variables (a JSON object, or empty) form
	// the subscription request.
	Query         string
	OperationName string
	Variables     json.RawMessage
	// Header is sent with the WebSocket upgrade or the SSE request.
	Header http.Header
	// Init is the connection_init payload (a JSON object, or empty);
	// WebSocket only.
	Init json.RawMessage
	// ConnectTimeout, IdleTimeout, MaxEventBytes and Buffer, when
	// positive, replace the Client's (Options) for this subgraph.
	ConnectTimeout, IdleTimeout time.Duration
	MaxEventBytes               int64
	Buffer                      int
	// BoundsKey names the config keys of these bounds in errors (default
	// "subscriptions"): "<BoundsKey>.buffer".
	BoundsKey string
}

func (u *Upstream) maxEventBytes(o *Options) int64 {
	if u.MaxEventBytes > 0 {
		return u.MaxEventBytes
	}
	return o.MaxEventBytes
}

func (u *Upstream) buffer(o *Options) int {
	if u.Buffer > 0 {
		return u.Buffer
	}
	return o.Buffer
}

// bound names the config key of bound name in errors.
func (u *Upstream) bound(name string) string {
	if u.BoundsKey == "" {
		return "subscriptions." + name
	}
	return u.BoundsKey + "." + name
}

func (u *Upstream) connectTimeout(o *Options) time.Duration {
	if u.ConnectTimeout > 0 {
		return u.ConnectTimeout
	}
	return o.ConnectTimeout
}

func (u *Upstream) idleTimeout(o *Options) time.Duration {
	if u.IdleTimeout > 0 {
		return u.IdleTimeout
	}
	return o.IdleTimeout
}

// key identifies identical upstream subscriptions.
func (u *Upstream) key() string {
	var b strings.Builder
	for _, s := range []string{u.Service, u.URL, string(u.Protocol), u.Query, u.OperationName, string(u.Variables), string(u.Init)} {
		fmt.Fprintf(&b, "%d:%s", len(s), s)
	}
	names := make([]string, 0, len(u.Header))
	for k := range u.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%d:%s", len(k), k)
		for _, v := range u.Header[k] {
			fmt.Fprintf(&b, "%d:%s", len(v), v)
		}
	}
	return b.String()
}

// payload is the subscription request's JSON.
func (u *Upstream) payload() ([]byte, error) {
	p := struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName,omitempty"`
		Variables     json.RawMessage `json:"variables,omitempty"`
	}{u.Query, u.OperationName, u.Variables}
	return json.Marshal(p)
}

// source is one running upstream subscription: next returns each event
// (a GraphQL response document), io.EOF on completion, or an error.
type source interface {
	next(ctx context.Context) ([]byte, error)
	close()
}

// Client opens upstream subscriptions and shares identical ones. It is
// safe for concurrent use.
type Client struct {
	opts   Options
	mu     sync.Mutex
	shared map[string]*shared
	// dial opens one upstream (the protocol's), replaceable in tests.
	dial func(ctx context.Context, u *Upstream) (source, error)
}

// New returns a Client with opts (zero fields: defaults).
func New(opts Options) *Client {
	opts.defaults()
	c := &Client{opts: opts, shared: map[string]*shared{}}
	c.dial = c.open
	return c
}

// open connects an upstream of u's protocol.
func (c *Client) open(ctx context.Context, u *Upstream) (source, error) {
	switch u.Protocol {
	case SSE:
		return c.openSSE(ctx, u)
	case WS, "":
		return c.openWS(ctx, u)
	}
	return nil, fmt.Errorf("%w: unknown protocol %q", ErrConnect, u.Protocol)
}

// Active is the number of upstream subscriptions open now (shared ones
// counted once).
func (c *Client) Active() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.shared)
}

// Subscribe starts u, or joins the identical upstream subscription that is
// already running (its later events). It returns once the upstream is
// connected and acknowledged, or with an error wrapping ErrConnect. The
// stream lives until Close, ctx is done, or the upstream ends.
func (c *Client) Subscribe(ctx context.Context, u *Upstream) (*Stream, error) {
	key := u.key()
	for {
		c.mu.Lock()
		sh := c.shared[key]
		var s *Stream
		if sh == nil {
			// The first subscriber is a member before the upstream is
			// dialled, so that no event (nor the completion) that follows
			// the subgraph's ack can pass before it has joined.
			uctx, cancel := context.WithCancel(context.Background())
			sh = &shared{c: c, key: key, ready: make(chan struct{}), subs: map[*Stream]bool{},
				buffer: u.buffer(&c.opts), bufferKey: u.bound("buffer"), cancel: cancel}
			s = sh.newStream()
			sh.subs[s] = true
			c.shared[key] = sh
			c.mu.Unlock()
			go sh.start(uctx, u)
		} else {
			c.mu.Unlock()
		}
		select {
		case <-sh.ready:
		case <-ctx.Done():
			if s != nil {
				s.Close()
			}
			return nil, fmt.Errorf("%w: %w", ErrConnect, context.Cause(ctx))
		}
		if sh.err != nil {
			return nil, sh.err
		}
		if s == nil {
			s = sh.newStream()
			if !sh.join(s) {
				continue // it ended between ready and join: start another
			}
		}
		s.stop = context.AfterFunc(ctx, s.Close)
		return s, nil
	}
}

// newStream returns a subscriber of sh (not yet a member).
func (sh *shared) newStream() *Stream {
	return &Stream{sh: sh, ch: make(chan []byte, sh.buffer), done: make(chan struct{})}
}

// shared is one upstream subscription and its subscribers.
type shared struct {
	c     *Client
	key   string
	ready chan struct{} // closed once connected (err nil) or failed
	err   error         // the connection failure, set before ready closes
	src   source
	// cancel stops the upstream's context (set before start runs).
	cancel context.CancelFunc
	// buffer is each subscriber's channel capacity; bufferKey names it.
	buffer    int
	bufferKey string

	mu    sync.Mutex
	subs  map[*Stream]bool
	ended bool
}

// start connects and then pumps events to the subscribers until the
// upstream ends or the last subscriber leaves.
func (sh *shared) start(ctx context.Context, u *Upstream) {
	cancel := sh.cancel
	cctx, ccancel := context.WithTimeout(ctx, u.connectTimeout(&sh.c.opts))
	src, err := sh.c.dial(cctx, u)
	ccancel()
	if err != nil {
		cancel()
		sh.err = err
		sh.c.forget(sh)
		sh.mu.Lock()
		sh.ended = true
		sh.mu.Unlock()
		close(sh.ready)
		return
	}
	sh.src = src
	close(sh.ready)
	defer cancel()
	defer src.close()
	for {
		ev, err := src.next(ctx)
		if err != nil {
			sh.end(err)
			return
		}
		if !sh.publish(ev) {
			return
		}
	}
}

// join adds s, false when the upstream already ended.
func (sh *shared) join(s *Stream) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.ended {
		return false
	}
	sh.subs[s] = true
	return true
}

// leave removes s; the last one to leave stops the upstream.
func (sh *shared) leave(s *Stream) {
	sh.mu.Lock()
	if !sh.subs[s] {
		sh.mu.Unlock()
		return
	}
	delete(sh.subs, s)
	last := len(sh.subs) == 0 && !sh.ended
	if last {
		sh.ended = true
	}
	sh.mu.Unlock()
	if last {
		sh.c.forget(sh)
		sh.cancel()
	}
}

// publish hands ev to every subscriber; one whose buffer is full is ended
// with ErrSlow. False when nobody is left.
func (sh *shared) publish(ev []byte) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.ended {
		return false
	}
	for s := range sh.subs {
		select {
		case s.ch <- ev:
		default:
			delete(sh.subs, s)
			s.finish(fmt.Errorf("%w: more than %d events waiting (%s)", ErrSlow, sh.buffer, sh.bufferKey))
		}
	}
	if len(sh.subs) == 0 {
		sh.ended = true
		sh.c.forget(sh)
		return false
	}
	return true
}

// end finishes every subscriber with err (io.EOF: completed).
func (sh *shared) end(err error) {
	sh.c.forget(sh)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.ended = true
	for s := range sh.subs {
		s.finish(err)
	}
	clear(sh.subs)
}

// forget removes sh from the client's map (if it is still there).
func (c *Client) forget(sh *shared) {
	c.mu.Lock()
	if c.shared[sh.key] == sh {
		delete(c.shared, sh.key)
	}
	c.mu.Unlock()
}

// Stream is one subscriber's view of an upstream subscription.
type Stream struct {
	sh   *shared
	ch   chan []byte
	done chan struct{} // closed by finish, after err is set
	once sync.Once
	err  error
	stop func() bool
}

// finish ends the stream with err once its buffered events are read.
func (s *Stream) finish(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
	})
}

// Next returns the next event (a GraphQL response document from the
// subgraph), or the error that ended the stream: io.EOF when the subgraph
// completed it, ctx's cause when ctx is done.
func (s *Stream) Next(ctx context.Context) ([]byte, error) {
	select {
	case ev := <-s.ch:
		return ev, nil
	default:
	}
	select {
	case ev := <-s.ch:
		return ev, nil
	case <-s.done:
		select {
		case ev := <-s.ch: // published before it ended
			return ev, nil
		default:
		}
		return nil, s.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// Close leaves the upstream subscription (the last subscriber to leave
// closes it). Safe to call more than once.
func (s *Stream) Close() {
	if s.stop != nil {
		s.stop()
	}
	s.sh.leave(s)
	s.finish(fmt.Errorf("%w: closed", io.ErrClosedPipe))
}
