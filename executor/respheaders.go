package executor

import (
	"context"
	"net/http"
)

// ResponseHeaderSink receives the header of every subgraph answer sent
// with a context that carries it (WithResponseHeaderSink): the gateway
// collects the response headers it may pass back to the client. It may be
// called concurrently and must not keep or change h after it returns
// unless it copies it.
type ResponseHeaderSink func(service string, h http.Header)

type sinkKey struct{}

// WithResponseHeaderSink returns ctx carrying sink.
func WithResponseHeaderSink(ctx context.Context, sink ResponseHeaderSink) context.Context {
	return context.WithValue(ctx, sinkKey{}, sink)
}

// ResponseHeaderSinkFrom is the sink ctx carries, nil if none.
func ResponseHeaderSinkFrom(ctx context.Context) ResponseHeaderSink {
	s, _ := ctx.Value(sinkKey{}).(ResponseHeaderSink)
	return s
}
