package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
)

// OperationUsage is what one client (name and version, from the
// apollographql-client-name and -version headers) did with one operation:
// the schema coordinates the operation uses, how often and when last.
type OperationUsage struct {
	Client        string    `json:"client"`
	ClientVersion string    `json:"clientVersion"`
	Operation     string    `json:"operation"`
	Hash          string    `json:"hash"`
	Coordinates   []string  `json:"coordinates"`
	Count         int64     `json:"count"`
	LastSeen      time.Time `json:"lastSeen"`
	// Contract is the contract the operation was sent to (empty for the
	// full API schema).
	Contract string `json:"contract,omitempty"`
}

// Key identifies the usage entry: client, client version, operation hash
// and contract.
func (u *OperationUsage) Key() string {
	return u.Client + "\x00" + u.ClientVersion + "\x00" + u.Hash + "\x00" + u.Contract
}

// Uses reports whether the operation uses coordinate c (see Touches).
func (u *OperationUsage) Uses(c string) bool {
	for _, x := range u.Coordinates {
		if Touches(c, x) {
			return true
		}
	}
	return false
}

// Touches reports whether a change at coordinate change ("Type",
// "Type.field", "Type.field(arg:)", "Enum.VALUE") affects an operation
// that used coordinate used ("Type.field" or "Type.field(arg:)"). It errs
// on the side of reporting: a change to an argument hits every use of its
// field (a new required argument breaks them all), a change to a type hits
// every use of its fields, and a change to an input type's field hits every
// operation that passes that input type (recorded as "Input").
func Touches(change, used string) bool {
	if change == used {
		return true
	}
	cb, ub := stripArg(change), stripArg(used)
	if cb == ub {
		return true
	}
	if !strings.Contains(cb, ".") {
		return strings.HasPrefix(ub, cb+".")
	}
	// An operation that passes an input type ("Input") is hit by every
	// change to that type's fields (a new required field breaks it).
	if !strings.Contains(ub, ".") {
		return strings.HasPrefix(cb, ub+".")
	}
	return false
}

// unionCoordinates returns the sorted union of two sorted lists, at most
// maxStoredCoordinates long.
func unionCoordinates(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := slices.Concat(a, b)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxStoredCoordinates {
		out = out[:maxStoredCoordinates]
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func stripArg(c string) string {
	if i := strings.IndexByte(c, '('); i >= 0 {
		return c[:i]
	}
	return c
}

// Usage bounds and defaults.
const (
	// DefaultMaxUsageEntries caps the distinct (client, version, operation)
	// entries counted in memory between flushes and kept in the store.
	DefaultMaxUsageEntries = 10000
	// DefaultUsageFlush is how often counted usage is written to the store.
	DefaultUsageFlush = 10 * time.Second
	// DefaultUsageWindow is how far back checkSubgraph looks.
	DefaultUsageWindow = 7 * 24 * time.Hour
	// maxClientLen caps a client name or version taken from a header.
	maxClientLen = 128
)

// Usage counts operations per client in memory, cheaply, on the request
// path (a gateway OperationInterceptor), and flushes them to a Store.
type Usage struct {
	store      Store
	maxEntries int
	window     time.Duration
	log        *slog.Logger

	mu      sync.Mutex
	counts  map[usageKey]*usageCount
	dropped atomic.Int64
	flushMu sync.Mutex
}

type usageKey struct {
	client, version, contract string
	op                        *ast.OperationDefinition
}

type usageCount struct {
	n    int64
	last int64 // unix nanoseconds
	// inputs are the coordinates variable values added (usage_inputs.go).
	inputs map[string]bool
}

// NewUsage returns a usage recorder flushing to store. maxEntries <= 0 and
// window <= 0 take the defaults.
func NewUsage(store Store, maxEntries int, window time.Duration) *Usage {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxUsageEntries
	}
	if window <= 0 {
		window = DefaultUsageWindow
	}
	return &Usage{store: store, maxEntries: maxEntries, window: window, log: slog.Default(), counts: map[usageKey]*usageCount{}}
}

// Name implements gateway.Plugin.
func (u *Usage) Name() string { return "registry-usage" }

// InterceptOperation records the operation for its client, then runs it.
func (u *Usage) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	var h map[string][]string
	if op.Request != nil {
		h = op.Request.Header
	}
	contract := ""
	if op.State != nil && op.State.Supergraph != nil {
		contract = op.State.Supergraph.Contract
	}
	var inputs map[string]bool
	if op.Definition != nil && hasInputVariables(op.Definition) && len(op.Variables) > 0 {
		var api *ast.Schema
		if op.State != nil && op.State.Supergraph != nil {
			api = op.State.Supergraph.API
		}
		inputs = map[string]bool{}
		inputCoordinates(api, op.Definition, op.Variables, inputs, maxInputCoordinates)
	}
	u.record(contract, first(h["Apollographql-Client-Name"]), first(h["Apollographql-Client-Version"]), op.Definition, time.Now(), inputs)
	return next(ctx, op)
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// Record counts one execution of op by a client. Past the entry bound,
// operations not yet counted since the last flush are dropped (and
// counted as dropped).
func (u *Usage) Record(client, version string, op *ast.OperationDefinition, at time.Time) {
	u.record("", client, version, op, at, nil)
}

// RecordInputs is Record for an execution whose variable values are
// vars (their enum values and input fields are recorded too).
func (u *Usage) RecordInputs(client, version string, api *ast.Schema, op *ast.OperationDefinition, vars map[string]any, at time.Time) {
	var inputs map[string]bool
	if op != nil && hasInputVariables(op) {
		inputs = map[string]bool{}
		inputCoordinates(api, op, vars, inputs, maxInputCoordinates)
	}
	u.record("", client, version, op, at, inputs)
}

// record counts one execution of op by a client through a contract ("":
// the full API schema).
func (u *Usage) record(contract, client, version string, op *ast.OperationDefinition, at time.Time, inputs map[string]bool) {
	if op == nil {
		return
	}
	k := usageKey{client: clip(client, maxClientLen), version: clip(version, maxClientLen), contract: contract, op: op}
	u.mu.Lock()
	c := u.counts[k]
	if c == nil {
		if len(u.counts) >= u.maxEntries {
			u.mu.Unlock()
			u.dropped.Add(1)
			return
		}
		c = &usageCount{}
		u.counts[k] = c
	}
	c.n++
	c.last = at.UnixNano()
	for k := range inputs {
		if c.inputs == nil {
			c.inputs = map[string]bool{}
		}
		if len(c.inputs) >= maxInputCoordinates {
			break
		}
		c.inputs[k] = true
	}
	u.mu.Unlock()
}

// Dropped is the number of executions not counted because of the bound.
func (u *Usage) Dropped() int64 { return u.dropped.Load() }

// Flush writes what was counted since the last flush to the store.
func (u *Usage) Flush(ctx context.Context) error {
	u.flushMu.Lock()
	defer u.flushMu.Unlock()
	u.mu.Lock()
	counts := u.counts
	u.counts = make(map[usageKey]*usageCount, len(counts))
	u.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	merged := map[string]*OperationUsage{}
	for k, c := range counts {
		e := &OperationUsage{Client: k.client, ClientVersion: k.version, Operation: k.op.Name, Contract: k.contract,
			Hash: operationHash(k.op), Count: c.n, LastSeen: time.Unix(0, c.last).UTC()}
		if m := merged[e.Key()]; m != nil {
			m.Count += e.Count
			if e.LastSeen.After(m.LastSeen) {
				m.LastSeen = e.LastSeen
			}
			m.Coordinates = unionCoordinates(m.Coordinates, sortedKeys(c.inputs))
			continue
		}
		e.Coordinates = unionCoordinates(Coordinates(k.op), sortedKeys(c.inputs))
		merged[e.Key()] = e
	}
	return u.store.AddUsage(ctx, sortedUsage(merged))
}

// Run flushes every interval until ctx ends, then once more.
func (u *Usage) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultUsageFlush
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := u.Flush(fctx); err != nil {
				u.log.Warn("registry: usage flush failed", "error", err)
			}
			cancel()
			return
		case <-t.C:
			if err := u.Flush(ctx); err != nil {
				u.log.Warn("registry: usage flush failed", "error", err)
			}
		}
	}
}

// Recent returns the stored usage seen within the window, sorted.
func (u *Usage) Recent(ctx context.Context, now time.Time) ([]OperationUsage, error) {
	all, err := u.store.Usage(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, e := range all {
		if now.Sub(e.LastSeen) <= u.window {
			out = append(out, e)
		}
	}
	return out, nil
}

func sortedUsage(m map[string]*OperationUsage) []OperationUsage {
	out := make([]OperationUsage, 0, len(m))
	for _, e := range m {
		out = append(out, *e)
	}
	sortUsage(out)
	return out
}

func sortUsage(us []OperationUsage) {
	slices.SortFunc(us, func(a, b OperationUsage) int {
		if c := strings.Compare(a.Client, b.Client); c != 0 {
			return c
		}
		if c := strings.Compare(a.ClientVersion, b.ClientVersion); c != 0 {
			return c
		}
		if c := strings.Compare(a.Operation, b.Operation); c != 0 {
			return c
		}
		if c := strings.Compare(a.Hash, b.Hash); c != 0 {
			return c
		}
		return strings.Compare(a.Contract, b.Contract)
	})
}

// mergeUsage adds batch into stored (by key), keeps entries seen within
// window of now, and at most max of them (the most recently seen).
func mergeUsage(stored, batch []OperationUsage, now time.Time, window time.Duration, max int) []OperationUsage {
	m := make(map[string]*OperationUsage, len(stored)+len(batch))
	for i := range stored {
		e := stored[i]
		m[e.Key()] = &e
	}
	for _, e := range batch {
		if s := m[e.Key()]; s != nil {
			s.Count += e.Count
			if e.LastSeen.After(s.LastSeen) {
				s.LastSeen = e.LastSeen
			}
			// Variable values differ between flushes: keep what every
			// flush saw (bounded).
			s.Coordinates = unionCoordinates(s.Coordinates, e.Coordinates)
			continue
		}
		e := e
		m[e.Key()] = &e
	}
	out := make([]OperationUsage, 0, len(m))
	for _, e := range m {
		if window <= 0 || now.Sub(e.LastSeen) <= window {
			out = append(out, *e)
		}
	}
	if len(out) > max {
		slices.SortFunc(out, func(a, b OperationUsage) int { return b.LastSeen.Compare(a.LastSeen) })
		out = out[:max]
	}
	sortUsage(out)
	return out
}

// operationHash identifies an operation by its document text and name.
func operationHash(op *ast.OperationDefinition) string {
	h := sha256.New()
	if op.Position != nil && op.Position.Src != nil {
		h.Write([]byte(op.Position.Src.Input))
	}
	h.Write([]byte{0})
	h.Write([]byte(op.Name))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Coordinates lists the schema coordinates a validated operation uses:
// "Type.field" for every field selected (on the type it is selected on,
// through fragments), "Type.field(arg:)" for every argument given, and
// the input side of its literal values and variable definitions ("Input",
// "Input.field", "Enum.VALUE": usage_inputs.go), sorted. Introspection
// fields are left out.
func Coordinates(op *ast.OperationDefinition) []string {
	set := map[string]bool{}
	seen := map[string]bool{}
	var walk func(ss ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				if strings.HasPrefix(s.Name, "__") || s.ObjectDefinition == nil {
					walk(s.SelectionSet)
					continue
				}
				c := s.ObjectDefinition.Name + "." + s.Name
				set[c] = true
				for _, a := range s.Arguments {
					set[c+"("+a.Name+":)"] = true
					literalCoordinates(a.Value, set)
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	variableCoordinates(op, set)
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
