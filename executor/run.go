package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// node runs one plan node; errors go to sink in plan order.
func (r *run) node(ctx context.Context, n planner.Node, sink *errSink) {
	switch n := n.(type) {
	case nil:
	case *planner.Sequence:
		for _, c := range n.Nodes {
			r.node(ctx, c, sink)
		}
	case *planner.Parallel:
		r.parallel(ctx, n.Branches(), sink)
	case *planner.Fetch:
		r.fetchRoot(ctx, n, sink)
	case *planner.Flatten:
		r.flatten(ctx, n, sink)
	case *planner.Condition:
		if b, _ := r.variable(n.Variable).(bool); b {
			r.node(ctx, n.If, sink)
		} else {
			r.node(ctx, n.Else, sink)
		}
	case *planner.Defer:
		// One response (no incremental delivery): run the primary part,
		// then the deferred blocks as ExecuteIncremental starts them: the
		// chains together, each chain's blocks in plan order (blocks that
		// write a key in common: planner.Defer.Chains; sibling chains may
		// share entity calls: planner.Round).
		r.node(ctx, n.Primary, sink)
		r.parallel(ctx, n.Branches(), sink)
	default:
		sink.add(internalError(fmt.Sprintf("executor: unknown plan node %T", n)))
	}
}

// parallel runs nodes concurrently; the errors keep the nodes' order.
func (r *run) parallel(ctx context.Context, nodes []planner.Node, sink *errSink) {
	if len(nodes) == 0 {
		return
	}
	if len(nodes) == 1 {
		r.node(ctx, nodes[0], sink)
		return
	}
	sinks := make([]errSink, len(nodes))
	// Root fetches are merged after all of them answered, in plan order, so
	// that what they both return (an object split among subgraphs, lists
	// of unequal length from disagreeing subgraphs) never depends on timing.
	roots := make([]*value, len(nodes))
	branch := func(i int) {
		defer func() {
			if p := recover(); p != nil {
				sinks[i].add(internalError(fmt.Sprintf("executor: internal error: %v", p)))
			}
		}()
		if f, ok := nodes[i].(*planner.Fetch); ok {
			roots[i] = r.rootData(ctx, f, &sinks[i])
			return
		}
		r.node(ctx, nodes[i], &sinks[i])
	}
	// The first branch runs on this goroutine (whose stack has already
	// grown), the others on workers (workers.go).
	var wg sync.WaitGroup
	for i := 1; i < len(nodes); i++ {
		wg.Add(1)
		goWork(func() {
			defer wg.Done()
			branch(i)
		})
	}
	branch(0)
	wg.Wait()
	r.mu.Lock()
	for _, d := range roots {
		if d != nil {
			r.mergeInto(r.root, d)
		}
	}
	r.mu.Unlock()
	for i := range sinks {
		sink.merge(&sinks[i])
	}
}

// fetchRoot runs a root fetch and merges its data at the root.
func (r *run) fetchRoot(ctx context.Context, f *planner.Fetch, sink *errSink) {
	if data := r.rootData(ctx, f, sink); data != nil {
		r.mu.Lock()
		r.mergeInto(r.root, data)
		r.mu.Unlock()
	}
}

// rootData runs a root fetch and returns its data object to merge at the
// root (nil when there is none; errors go to sink).
func (r *run) rootData(ctx context.Context, f *planner.Fetch, sink *errSink) *value {
	var (
		data  *value
		serrs []subgraphError
		err   error
	)
	if f.OperationKind == ast.Subscription {
		data, serrs, err = r.event(f)
	} else {
		body, berr := r.body(f, nil)
		if berr != nil {
			sink.add(internalError(berr.Error()))
			return nil
		}
		data, serrs, err = r.callCached(ctx, f, body)
	}
	if err != nil {
		sink.add(fetchFailure(f.Service, err, nil))
		r.coverRoot(f, sink)
		return nil
	}
	for i := range serrs {
		sink.add(toClientError(f.Service, &serrs[i], unalias(decodePath(serrs[i].Path), f)))
	}
	if data == nil || data.Kind != kindObject {
		r.coverRoot(f, sink)
		return nil
	}
	keepSelected(f, data)
	for _, rw := range f.OutputRewrites {
		r.ex.rewrite(data, rw.Path, rw)
	}
	return data
}

// keepSelected drops the fields of data (a root fetch's data, or one
// entity of an entity fetch) that the fetch did not select at that level: a
// subgraph answering more than it was asked must not overwrite what
// another subgraph answered for those fields. __typename always stays (it
// decides fragments and rewrites).
func keepSelected(f *planner.Fetch, data *value) {
	keys := f.RootKeys()
	n := 0
	fs := data.Fields()
	for _, fd := range fs {
		if fd.Key == "__typename" || slices.Contains(keys, fd.Key) {
			fs[n] = fd
			n++
		}
	}
	data.SetFields(fs[:n])
}

// coverRoot marks the root fields a failed fetch would have filled.
func (r *run) coverRoot(f *planner.Fetch, sink *errSink) {
	for _, k := range f.RootKeys() {
		sink.cover(ast.Path{ast.PathName(k)})
	}
}

// body builds the JSON request body; reps, when non-nil, are the encoded
// representations of an entity fetch.
func (r *run) body(f *planner.Fetch, reps []string) ([]byte, error) {
	start := f.BodyStart()
	size := len(start) + 64
	for _, rp := range reps {
		size += len(rp) + 1
	}
	buf := make([]byte, 0, size)
	buf = append(buf, start...)
	if reps == nil && len(f.Variables) == 0 {
		return append(buf, '}'), nil
	}
	buf = append(buf, `,"variables":{`...)
	first := true
	if reps != nil {
		buf = append(buf, `"representations":[`...)
		for i, rp := range reps {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, rp...)
		}
		buf = append(buf, ']')
		first = false
	}
	for _, name := range f.Variables {
		v, ok := r.req.Variables[name]
		if !ok {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = jsonv.AppendString(buf, name)
		buf = append(buf, ':')
		var err error
		if buf, err = appendAny(buf, v); err != nil {
			return nil, err
		}
	}
	return append(buf, '}', '}'), nil
}

// call sends one fetch and decodes the answer. err is set when there is no
// usable GraphQL response (transport failure, non-2xx, malformed body).
func (r *run) call(ctx context.Context, f *planner.Fetch, body []byte) (data *value, errs []subgraphError, err error) {
	return r.decode(ctx, f, r.send(ctx, f, body))
}

// answer is a subgraph's raw answer to one request, or why there is none.
type answer struct {
	body []byte
	err  error
}

// send makes one request to f's subgraph (its span covers the exchange).
func (r *run) send(ctx context.Context, f *planner.Fetch, body []byte) (ans answer) {
	svc, known := r.ex.services[f.Service]
	if !known {
		svc.span = "subgraph " + f.Service
	}
	sg := svc.sg
	if t := r.req.Trace; t != nil {
		defer t.record(f, t.now(), &ans)
	}
	if r.ex.tracer != nil {
		var span trace.Span
		ctx, span = r.ex.tracer.Start(ctx, svc.span,
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("graphql.federation.subgraph.name", f.Service),
				attribute.String("graphql.operation.name", f.OperationName),
			))
		defer func() {
			if ans.err != nil {
				span.RecordError(ans.err)
				span.SetStatus(codes.Error, ans.err.Error())
			}
			span.End()
		}()
	}
	if sg == nil {
		return answer{err: fmt.Errorf("%w: unknown subgraph %q", ErrSubgraphTransport, f.Service)}
	}
	timeout := r.ex.subgraphTimeout
	if d, ok := r.ex.serviceTimeouts[f.Service]; ok {
		timeout = d
	}
	reqCtx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	resp, err := r.ex.client.Do(ctx, &SubgraphRequest{Service: f.Service, URL: sg.URL, Body: body, Header: r.req.Header,
		Mutation: r.req.Operation.Operation == ast.Mutation})
	if err != nil {
		if errors.Is(context.Cause(reqCtx), errRequestDeadline) {
			// The whole request's deadline passed, not the subgraph's
			// own: say so, rather than blame the subgraph.
			err = fmt.Errorf("%w: %w", errRequestDeadline, err)
		}
		return answer{err: err}
	}
	if max := r.ex.maxMerged; max > 0 && r.held.Add(int64(len(resp))) > max {
		return answer{err: fmt.Errorf("%w: %q: the request's subgraph answers passed %d bytes", ErrMergedTooLarge, f.Service, max)}
	}
	return answer{body: resp}
}

// decode turns an answer into data and errors (an error status whose body
// is a GraphQL response counts as an answer), its nodes in the run's
// pooled slabs.
func (r *run) decode(ctx context.Context, f *planner.Fetch, ans answer) (data *value, errs []subgraphError, err error) {
	data, errs, err = r.decodeAnswer(f, ans)
	if r.ex.onFailure != nil {
		if ans.err != nil {
			r.ex.onFailure(ctx, f.Service, ans.err)
		} else if err != nil {
			r.ex.onFailure(ctx, f.Service, err)
		}
	}
	return data, errs, err
}

// decodeAnswer is decode without reporting failures (a cached answer's
// problems are no subgraph's).
func (r *run) decodeAnswer(f *planner.Fetch, ans answer) (data *value, errs []subgraphError, err error) {
	if ans.err != nil {
		if data, errs, ok := statusBody(f.Service, ans.err); ok {
			return data, errs, nil
		}
		return nil, nil, ans.err
	}
	var a arena
	data, errs, err = parseResponseIn(ans.body, &a)
	r.mu.Lock()
	r.answerBytes += len(ans.body)
	r.arena.Adopt(&a)
	r.mu.Unlock()
	return data, errs, err
}

// parseResponse decodes {"data": ..., "errors": [...]}.
func parseResponse(body []byte) (*value, []subgraphError, error) {
	return parseResponseIn(body, nil)
}

// parseResponseIn is parseResponse with the nodes in a's pooled slabs
// (a nil: plain allocations).
func parseResponseIn(body []byte, a *arena) (*value, []subgraphError, error) {
	if len(body) > jsonv.MaxNodeLen {
		return nil, nil, fmt.Errorf("%w: body larger than %d bytes", errMalformed, jsonv.MaxNodeLen)
	}
	p := jsonv.NewParser(body, a)
	defer p.Release()
	p.SkipSpace()
	if p.Pos >= len(body) || body[p.Pos] != '{' {
		return nil, nil, fmt.Errorf("%w: not a JSON object", errMalformed)
	}
	p.Pos++
	var (
		data      *value
		errsRaw   []byte
		seen      bool
		parseErr  error
		firstLoop = true
	)
	for {
		p.SkipSpace()
		if firstLoop && p.Pos < len(body) && body[p.Pos] == '}' {
			p.Pos++
			break
		}
		firstLoop = false
		key, err := p.Key()
		if err != nil {
			parseErr = err
			break
		}
		if err := p.Expect(':'); err != nil {
			parseErr = err
			break
		}
		switch key {
		case "data":
			seen = true
			data, parseErr = p.Value()
		case "errors":
			seen = true
			errsRaw, parseErr = p.Skip()
		default:
			_, parseErr = p.Skip()
		}
		if parseErr != nil {
			break
		}
		p.SkipSpace()
		if p.Pos < len(body) && body[p.Pos] == ',' {
			p.Pos++
			continue
		}
		if p.Pos < len(body) && body[p.Pos] == '}' {
			p.Pos++
			break
		}
		parseErr = p.Fail("expected ',' or '}'")
		break
	}
	if parseErr != nil {
		return nil, nil, fmt.Errorf("%w: %w", errMalformed, parseErr)
	}
	p.SkipSpace()
	if p.Pos != len(body) {
		return nil, nil, fmt.Errorf("%w: trailing data", errMalformed)
	}
	if !seen {
		return nil, nil, fmt.Errorf("%w: neither data nor errors", errMalformed)
	}
	if data != nil && data.Kind != kindObject && data.Kind != kindNull {
		return nil, nil, fmt.Errorf("%w: data is not an object", errMalformed)
	}
	errs, err := decodeErrors(errsRaw)
	if err != nil {
		return nil, nil, err
	}
	return data, errs, nil
}
