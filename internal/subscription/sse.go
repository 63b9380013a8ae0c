package subscription

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The graphql-sse protocol, distinct-connections mode
// (github.com/enisdenjo/graphql-sse, PROTOCOL.md): one POST per
// subscription with Accept: text/event-stream; the answer is a stream of
// "next" events (data: a GraphQL response) ended by a "complete" event.

// sseSource is one upstream subscription on its own HTTP response.
type sseSource struct {
	body   io.ReadCloser
	cancel context.CancelFunc
	idle   time.Duration
	max    int64
	maxKey string
	// events carries what the reader goroutine parsed; errc its end.
	events chan []byte
	errc   chan error
	quit   chan struct{}
}

// openSSE sends the subscription; ctx bounds the request until the
// response's header arrives.
func (c *Client) openSSE(ctx context.Context, u *Upstream) (source, error) {
	payload, err := u.payload()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConnect, err)
	}
	// The stream outlives ctx (the connect bound): its own context ends it.
	sctx, cancel := context.WithCancel(context.Background())
	stopConnect := context.AfterFunc(ctx, cancel)
	req, err := http.NewRequestWithContext(sctx, http.MethodPost, u.URL, bytes.NewReader(payload))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: subgraph %q: %w", ErrConnect, u.Service, err)
	}
	for k, vs := range u.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.opts.HTTPClient.Do(req)
	if !stopConnect() {
		// The connect bound passed while the request went out.
		if err == nil {
			_ = resp.Body.Close()
		}
		cancel()
		return nil, fmt.Errorf("%w: subgraph %q: %w", ErrConnect, u.Service, context.Cause(ctx))
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: subgraph %q: %w", ErrConnect, u.Service, err)
	}
	if resp.StatusCode/100 != 2 {
		_ = resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("%w: subgraph %q: status %d", ErrConnect, u.Service, resp.StatusCode)
	}
	s := &sseSource{body: resp.Body, cancel: cancel, idle: u.idleTimeout(&c.opts), max: u.maxEventBytes(&c.opts), maxKey: u.bound("max_event_bytes"),
		events: make(chan []byte), errc: make(chan error, 1), quit: make(chan struct{})}
	go s.read()
	return s, nil
}

// read parses events until the body ends or fails.
func (s *sseSource) read() {
	br := bufio.NewReaderSize(s.body, 4096)
	var event string
	var data []byte
	send := func(b []byte) bool {
		select {
		case s.events <- b:
			return true
		case <-s.quit:
			return false
		}
	}
	for {
		line, err := readLine(br, s.max, s.maxKey)
		if err != nil {
			if err == io.EOF { //nolint:errorlint // the body's plain end
				err = fmt.Errorf("the subgraph ended the event stream without completing it: %w", io.ErrUnexpectedEOF)
			}
			s.errc <- err
			return
		}
		switch {
		case len(line) == 0: // the end of an event
			switch event {
			case "complete":
				s.errc <- io.EOF
				return
			case "next", "":
				if len(data) > 0 && !send(data) {
					return
				}
			}
			event, data = "", nil
		case line[0] == ':':
			if !send(nil) { // keep-alive
				return
			}
		default:
			name, val, _ := bytes.Cut(line, []byte(":"))
			val = bytes.TrimPrefix(val, []byte(" "))
			switch string(name) {
			case "event":
				event = string(val)
			case "data":
				if int64(len(data)+len(val)) > s.max {
					s.errc <- fmt.Errorf("an event is larger than %d bytes (%s)", s.max, s.maxKey)
					return
				}
				if data != nil {
					data = append(data, '\n')
				}
				data = append(data, val...)
			}
		}
	}
}

// readLine reads one line without its end (\n or \r\n), at most max bytes.
func readLine(br *bufio.Reader, max int64, key string) ([]byte, error) {
	var line []byte
	for {
		part, isPrefix, err := br.ReadLine()
		if err != nil {
			return nil, err
		}
		line = append(line, part...)
		if int64(len(line)) > max {
			return nil, fmt.Errorf("a line is larger than %d bytes (%s)", max, key)
		}
		if !isPrefix {
			return line, nil
		}
	}
}

// next returns the next event.
func (s *sseSource) next(ctx context.Context) ([]byte, error) {
	idle := time.NewTimer(s.idle)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case err := <-s.errc:
			if err == io.EOF { //nolint:errorlint // completion is io.EOF itself; a failure may wrap one
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%w: %w", ErrUpstream, err)
		case <-idle.C:
			return nil, fmt.Errorf("%w: nothing for %s", ErrIdle, s.idle)
		case ev := <-s.events:
			if ev == nil {
				idle.Reset(s.idle)
				continue
			}
			return ev, nil
		}
	}
}

func (s *sseSource) close() {
	close(s.quit)
	s.cancel()
	_ = s.body.Close()
}
