package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// The graphql-transport-ws protocol (github.com/enisdenjo/graphql-ws,
// PROTOCOL.md): connection_init → connection_ack, then subscribe and a
// stream of next messages ended by complete or error; ping/pong either way.

// wsSubprotocol is the WebSocket subprotocol of graphql-transport-ws.
const wsSubprotocol = "graphql-transport-ws"

// wsMessage is one graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsSource is one upstream subscription on its own WebSocket connection.
type wsSource struct {
	conn *websocket.Conn
	idle time.Duration
	// msgs carries what the reader goroutine read; errc its end.
	msgs chan wsMessage
	errc chan error
	quit chan struct{}
}

// wsURL turns an http(s) endpoint into the ws(s) one.
func wsURL(u string) string {
	switch {
	case strings.HasPrefix(u, "http://"):
		return "ws://" + strings.TrimPrefix(u, "http://")
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://")
	}
	return u
}

// openWS connects, initialises and subscribes; ctx bounds all of that.
func (c *Client) openWS(ctx context.Context, u *Upstream) (source, error) {
	payload, err := u.payload()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConnect, err)
	}
	conn, resp, err := websocket.Dial(ctx, wsURL(u.URL), &websocket.DialOptions{
		HTTPHeader:   u.Header.Clone(),
		Subprotocols: []string{wsSubprotocol},
		HTTPClient:   c.opts.HTTPClient,
	})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: subgraph %q: %w", ErrConnect, u.Service, err)
	}
	if conn.Subprotocol() != wsSubprotocol {
		conn.Close(websocket.StatusProtocolError, "graphql-transport-ws expected")
		return nil, fmt.Errorf("%w: subgraph %q does not speak %s", ErrConnect, u.Service, wsSubprotocol)
	}
	conn.SetReadLimit(u.maxEventBytes(&c.opts))
	fail := func(err error) (source, error) {
		conn.Close(websocket.StatusNormalClosure, "")
		return nil, fmt.Errorf("%w: subgraph %q: %w", ErrConnect, u.Service, err)
	}
	init := wsMessage{Type: "connection_init"}
	if len(u.Init) > 0 {
		init.Payload = u.Init
	}
	if err := writeWS(ctx, conn, init); err != nil {
		return fail(err)
	}
	for acked := false; !acked; {
		m, err := readWS(ctx, conn)
		if err != nil {
			return fail(err)
		}
		switch m.Type {
		case "connection_ack":
			acked = true
		case "ping":
			if err := writeWS(ctx, conn, wsMessage{Type: "pong"}); err != nil {
				return fail(err)
			}
		case "pong":
		default:
			return fail(fmt.Errorf("unexpected %q before connection_ack", m.Type))
		}
	}
	if err := writeWS(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: payload}); err != nil {
		return fail(err)
	}
	s := &wsSource{conn: conn, idle: u.idleTimeout(&c.opts), msgs: make(chan wsMessage), errc: make(chan error, 1), quit: make(chan struct{})}
	go s.read()
	return s, nil
}

func writeWS(ctx context.Context, conn *websocket.Conn, m wsMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return conn.Write(ctx, websocket.MessageText, b)
}

func readWS(ctx context.Context, conn *websocket.Conn) (wsMessage, error) {
	var m wsMessage
	typ, b, err := conn.Read(ctx)
	if err != nil {
		return m, err
	}
	if typ != websocket.MessageText {
		return m, errors.New("binary message")
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("malformed message: %w", err)
	}
	return m, nil
}

// read reads messages until the connection fails or the source closes.
func (s *wsSource) read() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		m, err := readWS(ctx, s.conn)
		if err != nil {
			s.errc <- err
			return
		}
		select {
		case s.msgs <- m:
		case <-s.quit:
			return
		}
	}
}

// next answers pings, pings the subgraph when it is quiet, and returns the
// next event.
func (s *wsSource) next(ctx context.Context) ([]byte, error) {
	idle := time.NewTimer(s.idle)
	defer idle.Stop()
	ping := time.NewTicker(s.idle / 3)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case err := <-s.errc:
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return nil, fmt.Errorf("%w: the subgraph closed the connection (%d %s)", ErrUpstream, ce.Code, ce.Reason)
			}
			return nil, fmt.Errorf("%w: %w", ErrUpstream, err)
		case <-idle.C:
			return nil, fmt.Errorf("%w: nothing for %s", ErrIdle, s.idle)
		case <-ping.C:
			if err := writeWS(ctx, s.conn, wsMessage{Type: "ping"}); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrUpstream, err)
			}
		case m := <-s.msgs:
			idle.Reset(s.idle)
			switch m.Type {
			case "next":
				if len(m.Payload) == 0 {
					return nil, fmt.Errorf("%w: next without a payload", ErrUpstream)
				}
				return m.Payload, nil
			case "error":
				return nil, &Rejection{Errors: m.Payload}
			case "complete":
				return nil, io.EOF
			case "ping":
				if err := writeWS(ctx, s.conn, wsMessage{Type: "pong"}); err != nil {
					return nil, fmt.Errorf("%w: %w", ErrUpstream, err)
				}
			case "pong":
			default:
				return nil, fmt.Errorf("%w: unexpected message %q", ErrUpstream, m.Type)
			}
		}
	}
}

// close completes the subscription and closes the connection.
func (s *wsSource) close() {
	close(s.quit)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_ = writeWS(ctx, s.conn, wsMessage{ID: "1", Type: "complete"})
	cancel()
	_ = s.conn.CloseNow()
}
