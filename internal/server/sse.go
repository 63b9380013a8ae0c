package server

import (
	"bytes"
	"net/http"
)

// Server-Sent Events, the graphql-sse protocol in its distinct connections
// mode: one operation per request (POST with a GraphQL-over-HTTP body, or
// GET with query parameters) sent with Accept: text/event-stream, answered
// 200 text/event-stream:
//
//	event: next
//	data: {"data":{…}}
//
//	event: complete
//	data:
//
// with a comment line (":") every subscriptions.keep_alive. A stream the
// server ends (shutdown) simply stops, without complete: the client may
// retry. See stream.go for what is answered before the stream starts.

const mediaEventStream = "text/event-stream"

func acceptsEventStream(accept string) bool {
	_, ok := acceptsMediaType(accept, mediaEventStream)
	return ok
}

var sseFormat = &streamFormat{
	contentType: mediaEventStream + "; charset=utf-8",
	start:       []byte(":\n\n"),
	event:       sseEvent,
	heartbeat:   []byte(":\n\n"),
	complete:    []byte("event: complete\ndata:\n\n"),
}

// sseEvent frames one result as a next event (a payload holding line
// breaks, which compact JSON never does, gets one data line per line).
func sseEvent(payload []byte) []byte {
	b := make([]byte, 0, len(payload)+24)
	b = append(b, "event: next\n"...)
	for {
		line, rest, more := bytes.Cut(payload, []byte("\n"))
		b = append(append(append(b, "data: "...), bytes.TrimSuffix(line, []byte("\r"))...), '\n')
		if !more {
			break
		}
		payload = rest
	}
	return append(b, '\n')
}

func (s *Server) serveSSE(w http.ResponseWriter, r *http.Request) { s.serveStream(w, r, sseFormat) }
