package gateway

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/junction-gateway/junction/executor"
)

// Deduplication. Two layers, both on by default:
//
//   - inbound: identical concurrent operations (same supergraph, document,
//     operation name, variables and the headers that reach subgraphs or
//     decide authorization) share one execution; every caller gets the same
//     immutable Response.
//   - subgraph: identical concurrent subgraph requests (same subgraph, body
//     and forwarded headers) share one HTTP round trip.
//
// Neither ever applies to mutations: a mutation's side effects must happen
// once per client request.

// inboundKey returns the deduplication key of a query request, or "" when
// the request must not be shared. The key is built in one allocation of
// its exact size (it holds the whole query text).
func inboundKey(version string, req *Request, vars map[string]any, propagated []string, extra string) string {
	var rawVars []byte
	if len(vars) > 0 {
		raw, err := json.Marshal(vars) // map keys are sorted by encoding/json
		if err != nil {
			return ""
		}
		rawVars = raw
	}
	size := fieldSize(len(version)) + fieldSize(len(req.OperationName)) + fieldSize(len(req.Query)) +
		fieldSize(len(rawVars))
	for _, n := range identityHeaders {
		size += headerSize(n, req.Header[n])
	}
	for _, n := range propagated {
		size += headerSize(n, req.Header[n])
	}
	if req.ExposePlan {
		size += len("plan")
	}
	if extra != "" {
		size += 1 + fieldSize(len(extra))
	}
	var b strings.Builder
	b.Grow(size)
	writeField(&b, version)
	writeField(&b, req.OperationName)
	writeField(&b, req.Query)
	writeLen(&b, len(rawVars))
	b.Write(rawVars)
	// The headers that reach subgraphs, and those that identify a principal
	// (authorization decisions may differ between principals).
	for _, n := range identityHeaders {
		writeHeader(&b, n, req.Header[n])
	}
	for _, n := range propagated {
		writeHeader(&b, n, req.Header[n])
	}
	if req.ExposePlan {
		b.WriteString("plan")
	}
	// What the pipeline's stages decided for this request (denied fields,
	// headers they add for subgraphs), after a marker that "plan" does not
	// start with.
	if extra != "" {
		b.WriteByte('x')
		writeField(&b, extra)
	}
	return b.String()
}

// writeField writes s length-prefixed, so that no two sequences of fields
// share a key (a value may hold any byte, a separator included).
func writeField(b *strings.Builder, s string) {
	writeLen(b, len(s))
	b.WriteString(s)
}

func writeLen(b *strings.Builder, n int) {
	var buf [binary.MaxVarintLen64]byte
	b.Write(buf[:binary.PutUvarint(buf[:], uint64(n))])
}

// fieldSize is the size writeField gives a field of n bytes.
func fieldSize(n int) int { return varintSize(n) + n }

func varintSize(n int) int {
	size := 1
	for ; n >= 0x80; n >>= 7 {
		size++
	}
	return size
}

// headerSize is the size writeHeader gives name and values.
func headerSize(name string, values []string) int {
	n := fieldSize(len(name)) + varintSize(len(values))
	for _, v := range values {
		n += fieldSize(len(v))
	}
	return n
}

// identityHeaders identify the principal; requests share an execution only
// when these are equal.
var identityHeaders = []string{"Authorization", "Cookie"}

func writeHeader(b *strings.Builder, name string, values []string) {
	writeField(b, name)
	writeLen(b, len(values))
	for _, v := range values {
		writeField(b, v)
	}
}

// writeHeaders writes every header in a canonical order.
func writeHeaders(b *strings.Builder, h http.Header) {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		writeHeader(b, n, h[n])
	}
}

// dedupeClient shares identical concurrent subgraph requests. The shared
// round trip is cancelled once every request waiting for it has gone
// (flight.go).
type dedupeClient struct {
	next      executor.Client
	group     flightGroup[roundTrip]
	observers []Observer
}

type roundTrip struct {
	body []byte
	err  error
	// header: the answer's header, kept when the callers collect response
	// headers (each gets it, not only the one that sent the request).
	header http.Header
}

func (c *dedupeClient) Do(ctx context.Context, req *executor.SubgraphRequest) ([]byte, error) {
	if isMutation(req.Body) {
		return c.next.Do(ctx, req)
	}
	var b strings.Builder
	b.Grow(len(req.Body) + len(req.URL) + len(req.Service) + 16)
	writeField(&b, req.Service)
	writeField(&b, req.URL)
	writeLen(&b, len(req.Body)) // as writeField, without copying the body into a string first
	b.Write(req.Body)
	writeHeaders(&b, req.Header)
	led := false
	sink := executor.ResponseHeaderSinkFrom(ctx)
	rt, shared, err := c.group.do(ctx, b.String(), func(sctx context.Context) roundTrip {
		led = true
		var header http.Header
		if sink != nil {
			sctx = executor.WithResponseHeaderSink(sctx, func(_ string, h http.Header) { header = h.Clone() })
		}
		body, err := c.next.Do(sctx, req)
		return roundTrip{body, err, header}
	})
	if err != nil {
		// This caller left (its deadline or cancellation), whoever
		// started the call.
		return nil, fmt.Errorf("%w: %q: %w", executor.ErrSubgraphTransport, req.Service, err)
	}
	if shared && !led {
		for _, o := range c.observers {
			o.Deduplicated(ctx, "subgraph", req.Service)
		}
	}
	if sink != nil && rt.header != nil {
		sink(req.Service, rt.header)
	}
	return rt.body, rt.err
}

// isMutation reports whether a subgraph request body carries a mutation (or
// anything that is not plainly a query): such requests are never shared.
func isMutation(body []byte) bool {
	i := bytes.Index(body, []byte(`"query":"`))
	if i < 0 {
		return true // unknown shape: never share
	}
	rest := body[i+len(`"query":"`):]
	for len(rest) > 0 {
		switch {
		case rest[0] == ' ':
			rest = rest[1:]
		case len(rest) > 1 && rest[0] == '\\' && (rest[1] == 'n' || rest[1] == 't' || rest[1] == 'r'):
			rest = rest[2:]
		default:
			return !bytes.HasPrefix(rest, []byte("query")) && !bytes.HasPrefix(rest, []byte("{"))
		}
	}
	return true
}
