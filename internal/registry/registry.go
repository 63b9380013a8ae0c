package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
)

// Composer composes subgraphs into a supergraph and compares supergraphs.
// schema.Compose, Print and Diff implement it (see SchemaComposer).
type Composer interface {
	// Compose returns the supergraph SDL of subs (sorted by name), or the
	// composition errors; err is for failures that are not the input's.
	Compose(subs []Subgraph) (sdl string, errs []CompositionError, err error)
	// Diff lists what changed from old to new (old is never nil).
	Diff(old, new *schema.Supergraph) []Change
}

// Target is what serves the registry's supergraph: *gateway.Gateway.
type Target interface {
	// Build prepares the state serving sg; an error refuses sg.
	Build(sg *schema.Supergraph) (*gateway.State, error)
	// Install serves a built state atomically.
	Install(st *gateway.State)
}

// Bounds on what a registration may hold.
const (
	// MaxSubgraphs caps the registered subgraphs.
	MaxSubgraphs = 1000
	// MaxNameLength caps a subgraph name.
	MaxNameLength = 128
	// MaxURLLength caps a routing URL.
	MaxURLLength = 2048
	// MaxSDLBytes caps one subgraph's SDL.
	MaxSDLBytes = 4 << 20
	// commitAttempts bounds the retries of a registration that loses the
	// optimistic check to concurrent ones.
	commitAttempts = 50
)

// Error codes of registrations refused before composition.
const (
	CodeInvalidName      = "INVALID_SUBGRAPH_NAME"
	CodeInvalidURL       = "INVALID_SUBGRAPH_URL"
	CodeInvalidSDL       = "INVALID_SUBGRAPH_SDL"
	CodeTooManySubgraphs = "TOO_MANY_SUBGRAPHS"
	CodeUnknownSubgraph  = "SUBGRAPH_NOT_FOUND"
	CodeLastSubgraph     = "LAST_SUBGRAPH"
	CodeGatewayRefused   = "SUPERGRAPH_REFUSED"
)

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// Result is the outcome of Register or Remove.
type Result struct {
	OK      bool
	Version string
	Errors  []CompositionError
	Changes []Change
}

// Registry holds the registered subgraphs and serves their composition.
type Registry struct {
	store    Store
	composer Composer
	target   Target
	log      *slog.Logger
	poll     time.Duration
	usage    *Usage
	now      func() time.Time
	// configured are the contracts of the configuration (contracts.go).
	configured []schema.Contract

	mu      sync.Mutex // serialises this process's registrations
	instMu  sync.Mutex // serialises installs
	current atomic.Pointer[served]
}

// served is the installed snapshot with its parsed supergraph (nil sg for
// the empty registry).
type served struct {
	snap *Snapshot
	sg   *schema.Supergraph
}

// Option configures a Registry.
type Option func(*Registry)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(r *Registry) { r.log = l } }

// WithPoll makes Start check the store's sequence number every d (and
// on every notification), so a change committed by another replica is
// served within d even if its notification was lost. 0: no polling.
func WithPoll(d time.Duration) Option { return func(r *Registry) { r.poll = d } }

// New returns a registry over store, composing with c and serving through
// t. Call Start before use.
func New(store Store, c Composer, t Target, opts ...Option) *Registry {
	r := &Registry{store: store, composer: c, target: t, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(r)
	}
	r.current.Store(&served{snap: &Snapshot{}})
	return r
}

// Start loads the stored snapshot and serves it, then (with WithPoll or a
// store with notifications) follows other replicas' changes until ctx ends.
// A stored supergraph the gateway refuses is an error.
func (r *Registry) Start(ctx context.Context) error {
	snap, err := r.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("registry: load: %w", err)
	}
	if err := r.installSnapshot(snap); err != nil {
		return err
	}
	ch := r.store.Changed(ctx)
	if ch != nil || r.poll > 0 {
		go r.follow(ctx, ch)
	}
	return nil
}

func (r *Registry) follow(ctx context.Context, ch <-chan struct{}) {
	var tick <-chan time.Time
	if r.poll > 0 {
		t := time.NewTicker(r.poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				ch = nil
				continue
			}
		case <-tick:
		}
		if err := r.CatchUp(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("registry: catching up failed", "error", err)
		}
	}
}

// CatchUp serves the stored snapshot if it is newer than the served one.
func (r *Registry) CatchUp(ctx context.Context) error {
	seq, err := r.store.Seq(ctx)
	if err != nil {
		return err
	}
	if seq <= r.current.Load().snap.Seq {
		return nil
	}
	snap, err := r.store.Load(ctx)
	if err != nil {
		return err
	}
	return r.installSnapshot(snap)
}

// installSnapshot parses, builds and serves snap unless a snapshot at
// least as new is served already.
func (r *Registry) installSnapshot(snap *Snapshot) error {
	if snap.Seq <= r.current.Load().snap.Seq && snap.Seq != 0 {
		return nil
	}
	if snap.Supergraph == "" {
		r.current.Store(&served{snap: snap})
		return nil
	}
	sg, err := schema.ParseSupergraph(snap.Supergraph)
	if err != nil {
		return fmt.Errorf("registry: stored supergraph %d: %w", snap.Seq, err)
	}
	if sg, err = r.withContracts(sg, snap.Contracts); err != nil {
		return fmt.Errorf("registry: stored supergraph %d: %w", snap.Seq, err)
	}
	st, err := r.target.Build(sg)
	if err != nil {
		return fmt.Errorf("registry: stored supergraph %d: %w", snap.Seq, err)
	}
	r.install(snap, sg, st)
	r.log.Info("registry: serving supergraph", "seq", snap.Seq, "version", snap.Version)
	return nil
}

// install serves a built state unless a newer one is served already.
func (r *Registry) install(snap *Snapshot, sg *schema.Supergraph, st *gateway.State) {
	r.instMu.Lock()
	defer r.instMu.Unlock()
	if snap.Seq <= r.current.Load().snap.Seq {
		return
	}
	if st != nil {
		r.target.Install(st)
	}
	r.current.Store(&served{snap: snap, sg: sg})
}

// Snapshot returns the served snapshot (Seq 0 when the registry is empty).
// Never modify it.
func (r *Registry) Snapshot() *Snapshot { return r.current.Load().snap }

// Supergraph returns the served supergraph, nil while the registry is empty.
func (r *Registry) Supergraph() *schema.Supergraph { return r.current.Load().sg }

// History returns up to limit committed changes, newest first.
func (r *Registry) History(ctx context.Context, limit int) ([]HistoryEntry, error) {
	return r.store.History(ctx, limit)
}

// Register adds or replaces subgraph name. The candidate set is composed;
// on success it is stored and served, on failure the errors are returned
// and nothing changes. Re-registering identical content changes nothing.
func (r *Registry) Register(ctx context.Context, name, routingURL, sdl string) (*Result, error) {
	if errs := validateInput(name, routingURL, sdl); len(errs) > 0 {
		return &Result{Errors: errs}, nil
	}
	return r.apply(ctx, "register", name, func(cur *Snapshot) (*draft, *Result) {
		if old := cur.Subgraph(name); old != nil && old.URL == routingURL && old.SDL == sdl {
			return nil, &Result{OK: true, Version: cur.Version}
		}
		if cur.Subgraph(name) == nil && len(cur.Subgraphs) >= MaxSubgraphs {
			return nil, refused(CodeTooManySubgraphs, fmt.Sprintf("the registry holds %d subgraphs, the most it accepts (registry.MaxSubgraphs)", MaxSubgraphs))
		}
		return &draft{subs: withSubgraph(cur.Subgraphs, Subgraph{Name: name, URL: routingURL, SDL: sdl, RegisteredAt: r.now().UTC()}),
			contracts: cur.Contracts}, nil
	})
}

// Remove removes subgraph name and serves the composition of the others.
func (r *Registry) Remove(ctx context.Context, name string) (*Result, error) {
	return r.apply(ctx, "remove", name, func(cur *Snapshot) (*draft, *Result) {
		if cur.Subgraph(name) == nil {
			return nil, refused(CodeUnknownSubgraph, fmt.Sprintf("no subgraph named %q is registered", name))
		}
		if len(cur.Subgraphs) == 1 {
			return nil, refused(CodeLastSubgraph, fmt.Sprintf("%q is the last subgraph: removing it would leave nothing to serve", name))
		}
		return &draft{subs: withoutSubgraph(cur.Subgraphs, name), contracts: cur.Contracts}, nil
	})
}

func refused(code, msg string) *Result {
	return &Result{Errors: []CompositionError{{Code: code, Message: msg}}}
}

// draft is what a change makes of the current snapshot.
type draft struct {
	subs      []Subgraph
	contracts []Contract
}

// apply runs one change: edit the latest stored snapshot's subgraphs or
// contracts, compose, commit with the optimistic check (retried on a
// conflict) and serve. With no subgraph (contracts set on an empty
// registry) nothing is composed.
func (r *Registry) apply(ctx context.Context, action, name string, edit func(*Snapshot) (*draft, *Result)) (*Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for attempt := 0; attempt < commitAttempts; attempt++ {
		cur, err := r.store.Load(ctx)
		if err != nil {
			return nil, fmt.Errorf("registry: load: %w", err)
		}
		d, res := edit(cur)
		if res != nil {
			return res, nil
		}
		cand := &candidate{}
		if len(d.subs) > 0 {
			if cand, res, err = r.compose(d.subs, d.contracts); err != nil || res != nil {
				return res, err
			}
		}
		var changes []Change
		if old := r.parsed(cur); old != nil && cand.sg != nil {
			changes = r.diff(old, cand.sg)
		}
		next := &Snapshot{Seq: cur.Seq + 1, Subgraphs: d.subs, Contracts: d.contracts, ComposedAt: r.now().UTC()}
		if cand.sg != nil {
			next.Version, next.Supergraph = cand.sg.Version, cand.sdl
		}
		h := HistoryEntry{Seq: next.Seq, Version: next.Version, ComposedAt: next.ComposedAt, Action: action, Subgraph: name, Changes: changes}
		err = r.store.Commit(ctx, cur.Seq, next, h)
		if errors.Is(err, ErrConflict) {
			// Another replica committed first: rebuild on its snapshot.
			time.Sleep(time.Duration(rand.IntN(5)+1) * time.Millisecond)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("registry: commit: %w", err)
		}
		r.install(next, cand.sg, cand.st)
		r.log.Info("registry: "+action, "subgraph", name, "seq", next.Seq, "version", next.Version, "changes", len(changes))
		return &Result{OK: true, Version: next.Version, Changes: changes}, nil
	}
	return nil, fmt.Errorf("registry: %s %s: the store kept changing under %d attempts", action, name, commitAttempts)
}

// candidate is a composed, parsed and built supergraph.
type candidate struct {
	sdl string
	sg  *schema.Supergraph
	st  *gateway.State
}

// compose composes subs with the contracts into a candidate built for
// the gateway, or answers why not.
func (r *Registry) compose(subs []Subgraph, contracts []Contract) (*candidate, *Result, error) {
	c, res, err := r.candidate(subs, contracts)
	if res != nil || err != nil {
		return nil, res, err
	}
	sg := c.sg
	if r.target != nil {
		st, err := r.target.Build(sg)
		if err != nil {
			return nil, refused(CodeGatewayRefused, "the gateway refuses the composed supergraph: "+err.Error()), nil
		}
		c.st = st
	}
	return c, nil, nil
}

// candidate composes subs and applies the contracts: the supergraph
// that would be served, not yet built.
func (r *Registry) candidate(subs []Subgraph, contracts []Contract) (*candidate, *Result, error) {
	var (
		sdl   string
		sg    *schema.Supergraph
		cerrs []CompositionError
		err   error
	)
	if mc, ok := r.composer.(ModelComposer); ok {
		// The composed model is what loading its SDL gives: no reload.
		if sg, cerrs, err = mc.ComposeSupergraph(subs); sg != nil {
			sdl = schema.Print(sg)
		}
	} else {
		sdl, cerrs, err = r.composer.Compose(subs)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("registry: compose: %w", err)
	}
	if len(cerrs) > 0 {
		return nil, &Result{Errors: cerrs}, nil
	}
	if sg == nil {
		var res *Result
		if sg, res, err = r.parseCandidate(sdl); res != nil || err != nil {
			return nil, res, err
		}
	}
	if sg, err = r.withContracts(sg, contracts); err != nil {
		return nil, refused(CodeInvalidContract, err.Error()+" (a contract must keep at least one query field and stay a valid schema)"), nil
	}
	return &candidate{sdl: sdl, sg: sg}, nil, nil
}

// parseCandidate loads a composed supergraph as the gateway will.
func (r *Registry) parseCandidate(sdl string) (*schema.Supergraph, *Result, error) {
	sg, err := schema.ParseSupergraph(sdl)
	if err != nil {
		return nil, refused(CodeGatewayRefused, "the composed supergraph does not load: "+err.Error()), nil
	}
	return sg, nil, nil
}

// parsed returns cur's supergraph parsed (the served one when it is cur),
// nil for the empty registry.
func (r *Registry) parsed(cur *Snapshot) *schema.Supergraph {
	if s := r.current.Load(); s.snap.Seq == cur.Seq && s.sg != nil {
		return s.sg
	}
	if cur.Supergraph == "" {
		return nil
	}
	sg, err := schema.ParseSupergraph(cur.Supergraph)
	if err != nil {
		return nil
	}
	if withC, err := r.withContracts(sg, cur.Contracts); err == nil {
		return withC
	}
	return sg
}

func withSubgraph(subs []Subgraph, s Subgraph) []Subgraph {
	out := make([]Subgraph, 0, len(subs)+1)
	for _, x := range subs {
		if x.Name != s.Name {
			out = append(out, x)
		}
	}
	out = append(out, s)
	slices.SortFunc(out, func(a, b Subgraph) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func withoutSubgraph(subs []Subgraph, name string) []Subgraph {
	out := make([]Subgraph, 0, len(subs))
	for _, x := range subs {
		if x.Name != name {
			out = append(out, x)
		}
	}
	return out
}

// validateInput refuses names, URLs and SDL that no composition should see.
func validateInput(name, routingURL, sdl string) []CompositionError {
	var errs []CompositionError
	if len(name) == 0 || len(name) > MaxNameLength || !validName.MatchString(name) {
		errs = append(errs, CompositionError{Code: CodeInvalidName,
			Message: fmt.Sprintf("subgraph name %q must match [A-Za-z_][A-Za-z0-9_-]* and be at most %d bytes", clip(name, 64), MaxNameLength)})
	}
	if msg := checkURL(routingURL); msg != "" {
		errs = append(errs, CompositionError{Code: CodeInvalidURL, Message: msg, Subgraphs: nonEmpty(name)})
	}
	if strings.TrimSpace(sdl) == "" {
		errs = append(errs, CompositionError{Code: CodeInvalidSDL, Message: "the subgraph SDL is empty", Subgraphs: nonEmpty(name)})
	} else if len(sdl) > MaxSDLBytes {
		errs = append(errs, CompositionError{Code: CodeInvalidSDL,
			Message: fmt.Sprintf("the subgraph SDL is %d bytes, more than the limit of %d (registry.MaxSDLBytes)", len(sdl), MaxSDLBytes), Subgraphs: nonEmpty(name)})
	}
	return errs
}

func checkURL(s string) string {
	if len(s) > MaxURLLength {
		return fmt.Sprintf("the routing URL is %d bytes, more than the limit of %d", len(s), MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("routing URL %q is not an http(s) URL", RedactURL(clip(s, 256)))
	}
	return ""
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// RedactURL hides the credentials a URL may carry: its userinfo and the
// values of its query parameters. Text that does not parse as a URL is
// replaced entirely when it looks like it holds userinfo.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return "[redacted]"
		}
		return s
	}
	if u.User == nil && u.RawQuery == "" {
		return s
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, url.QueryEscape(k)+"=redacted")
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return u.String()
}
