package gateway

import (
	"encoding/json"
	"iter"
	"net/http"

	"github.com/junction-gateway/junction/executor"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Request is one GraphQL request as the transport decoded it.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	Extensions    map[string]any
	// DocumentID is the GraphQL-over-HTTP draft's documentId: a persisted
	// document named instead of sent (Query then empty), resolved by the
	// persisted documents plugin; unresolved, the request is refused.
	DocumentID string
	// Header is the client's HTTP header (for header rules and auth).
	Header http.Header
	// RemoteAddr is the client's address as the transport saw it
	// (host:port), for limits by client IP.
	RemoteAddr string
	// ExposePlan asks for the query plan in extensions.queryPlan(Text).
	ExposePlan bool
	// PlanOnly asks for the plan alone: nothing is executed (trace.go).
	PlanOnly bool
	// IncludeTrace asks for the subgraph fetch trace in
	// extensions.junctionTrace (trace.go).
	IncludeTrace bool
	// AllowedKinds limits the operation kinds (GET allows only queries);
	// nil allows all.
	AllowedKinds []ast.Operation
	// AcceptIncremental: the client accepts an incremental response
	// (multipart/mixed;deferSpec=20220824). Without it an operation that
	// defers a fragment is refused with 406 and DEFER_BAD_HEADER, as Apollo
	// Router does.
	AcceptIncremental bool
	// AcceptSubscription: the transport can stream a subscription's events
	// (WebSocket, SSE, multipart subscriptions). Without it a subscription
	// operation is refused with SUBSCRIPTION_NOT_SUPPORTED.
	AcceptSubscription bool
	// InitPayload is the client's connection_init payload (WebSocket
	// transports; nil otherwise). A subscription forwards it to a subgraph
	// whose subscriptions are configured with ForwardInitPayload.
	InitPayload map[string]any
}

// Subsequent is one payload after the first of an incremental response.
type Subsequent = executor.Subsequent

// Response is the result of one request.
type Response struct {
	// Data is the JSON of the data entry. Nil means the request failed
	// before execution (parse/validation error): no data entry at all.
	Data json.RawMessage
	// Errors, in order.
	Errors gqlerror.List
	// Extensions, may be nil.
	Extensions map[string]any
	// Status, when non-zero, is the HTTP status the transport should use for
	// application/graphql-response+json (e.g. 405 for a mutation over GET).
	Status int
	// Header is added to the HTTP response (Cache-Control, Retry-After,
	// WWW-Authenticate…); nil when no stage set one. A Response shared
	// between deduplicated requests is never changed: a stage that adds a
	// header to a response it did not build copies the Response first
	// (see WithHeader).
	Header http.Header
	// Incremental, when set, makes this an incremental (@defer) response:
	// Data, Errors and Extensions are the initial payload (hasNext: true)
	// and iterating Incremental runs the deferred fragments and yields the
	// payloads that follow, the last with HasNext false. It is iterated at
	// most once, by the transport, while the client is connected.
	Incremental iter.Seq[*Subsequent]
	// Events, when set, makes this a subscription's response: Data, Errors
	// and Extensions are empty and iterating Events yields one complete
	// response per event (data from every subgraph the selection needs,
	// merged and shaped like a query's), in order. The sequence ends when
	// the upstream ends, when a new supergraph no longer has the
	// subscribed field (the last response carries the error), or when
	// the context passed to Serve is done. It is iterated at most once, by
	// the transport, while the client is connected; the transport releases
	// each yielded response after writing it.
	Events iter.Seq[*Response]
	// Body, when set, is the whole response document {"data":<Data>}; it
	// is the response only while Errors and Extensions are empty.
	Body []byte
	// result owns the pooled buffer behind Data and Body (see Release).
	result *executor.Result
}

// Release gives the buffer behind Data and Body back for reuse. The
// transport calls it once the response is written; nothing may read Data
// or Body afterwards. A response shared between deduplicated requests has
// no buffer to give back (the gateway drops it), so each sharer may call
// Release safely.
func (r *Response) Release() {
	if r != nil && r.result != nil {
		res := r.result
		r.result, r.Data, r.Body = nil, nil, nil
		res.Release()
	}
}

// WithHeader returns a shallow copy of r with header name set to value
// (r itself may be shared between deduplicated requests and is not
// changed). The copy owns r's buffer from now on: release only the copy.
func (r *Response) WithHeader(name, value string) *Response {
	cp := *r
	cp.Header = make(http.Header, len(r.Header)+1)
	for k, v := range r.Header {
		cp.Header[k] = v
	}
	cp.Header.Set(name, value)
	r.result = nil
	return &cp
}
