package registry

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/gateway"
)

func newFileRegistry(t *testing.T, dir string, gw *gateway.Gateway) *Registry {
	t.Helper()
	st, err := OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := New(st, listComposer{}, gw)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// A registration is served at once; a refused one changes nothing and the
// old supergraph keeps answering; a restart serves the stored state.
func TestRegisterServeRefuseRestart(t *testing.T) {
	gw, demo := newGateway(t)
	dir := t.TempDir()
	r := newFileRegistry(t, dir, gw)
	if gw.Ready() == nil {
		t.Fatal("empty registry: gateway ready")
	}
	registerDemo(t, r, demo)
	if got := query(t, gw, "{ me { username } }"); got != `{"me":{"username":"@ada"}}` {
		t.Fatalf("served at once: %s", got)
	}
	before := r.Snapshot()
	res, err := r.Register(context.Background(), "reviews", demo.URLs["reviews"], "type Query { BROKEN: String }")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || len(res.Errors) != 1 || res.Errors[0].Code != "FIELD_TYPE_MISMATCH" || res.Errors[0].Subgraphs[0] != "reviews" {
		t.Fatalf("broken registration: %+v", res)
	}
	if r.Snapshot() != before || gw.State().Supergraph.Version != before.Version {
		t.Fatal("a refused registration changed what is served")
	}
	query(t, gw, "{ me { username } }")

	// Restart: a new gateway and registry over the same directory.
	gw2, err := gateway.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	r2 := newFileRegistry(t, dir, gw2)
	if r2.Snapshot().Seq != before.Seq || gw2.State() == nil || gw2.State().Supergraph.Version != before.Version {
		t.Fatalf("after restart seq %d version %v, want %d %s", r2.Snapshot().Seq, gw2.State(), before.Seq, before.Version)
	}
	if got := names(r2.Snapshot()); got != "accounts,inventory,products,reviews" {
		t.Fatalf("after restart: %s", got)
	}
	hist, err := r2.History(context.Background(), 10)
	if err != nil || len(hist) != 4 || hist[0].Seq != 4 || hist[3].Subgraph != "accounts" || hist[0].Action != "register" {
		t.Fatalf("history: %v %+v", err, hist)
	}
	if got := query(t, gw2, "{ me { username } }"); got != `{"me":{"username":"@ada"}}` {
		t.Fatalf("after restart: %s", got)
	}
}

// Identical re-registration changes nothing; remove serves the others;
// the last subgraph cannot be removed; invalid input is refused with codes.
func TestRemoveAndInputChecks(t *testing.T) {
	gw, demo := newGateway(t)
	r := newFileRegistry(t, t.TempDir(), gw)
	registerDemo(t, r, demo)
	seq := r.Snapshot().Seq
	res, _ := r.Register(context.Background(), "accounts", demo.URLs["accounts"], "type Query { accounts: String }")
	if !res.OK || r.Snapshot().Seq != seq {
		t.Fatalf("identical registration: %+v seq %d -> %d", res, seq, r.Snapshot().Seq)
	}
	res, _ = r.Remove(context.Background(), "inventory")
	if !res.OK || names(r.Snapshot()) != "accounts,products,reviews" {
		t.Fatalf("remove: %+v %s", res, names(r.Snapshot()))
	}
	res, _ = r.Remove(context.Background(), "nope")
	if res.OK || res.Errors[0].Code != CodeUnknownSubgraph {
		t.Fatalf("remove unknown: %+v", res)
	}
	for _, n := range []string{"products", "reviews"} {
		if res, _ := r.Remove(context.Background(), n); !res.OK {
			t.Fatalf("remove %s: %+v", n, res)
		}
	}
	res, _ = r.Remove(context.Background(), "accounts")
	if res.OK || res.Errors[0].Code != CodeLastSubgraph {
		t.Fatalf("remove last: %+v", res)
	}
	for _, c := range []struct{ name, url, sdl, code string }{
		{"bad name!", "http://x", "type Query { a: Int }", CodeInvalidName},
		{"a", "file:///etc/passwd", "type Query { a: Int }", CodeInvalidURL},
		{"a", "not a url", "type Query { a: Int }", CodeInvalidURL},
		{"a", "http://x", "  ", CodeInvalidSDL},
		{"a", "http://x", strings.Repeat("#", MaxSDLBytes+1), CodeInvalidSDL},
	} {
		res, err := r.Register(context.Background(), c.name, c.url, c.sdl)
		if err != nil || res.OK || res.Errors[0].Code != c.code {
			t.Errorf("%q %q: %v %+v, want %s", c.name, c.url, err, res, c.code)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:secret@host:4001/query":  "http://redacted@host:4001/query",
		"https://host/q?token=abc&b=2":        "https://host/q?b=redacted&token=redacted",
		"http://127.0.0.1:4001/query":         "http://127.0.0.1:4001/query",
		"https://tok@host/graphql?apikey=k#x": "https://redacted@host/graphql?apikey=redacted#x",
		"://user:pw@host":                     "[redacted]",
	} {
		if got := RedactURL(in); got != want || strings.Contains(got, "secret") {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// A crash mid-write (a temporary file left behind, a history entry of a
// change whose snapshot was never renamed in) never loses the previous
// state, and the next change proceeds.
func TestFileStoreCrashMidWrite(t *testing.T) {
	gw, demo := newGateway(t)
	dir := t.TempDir()
	r := newFileRegistry(t, dir, gw)
	registerDemo(t, r, demo)
	good := r.Snapshot()
	// What a crash between the history write and the snapshot rename
	// leaves: the next seq's history entry and a half-written temporary.
	orphan := fmt.Sprintf(`{"seq":%d,"version":"x","action":"register","subgraph":"ghost"}`, good.Seq+1)
	if err := os.WriteFile(filepath.Join(dir, "history", historyName(good.Seq+1)), []byte(orphan), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".current.json.tmp-123"), []byte(`{"seq": 99, "subg`), 0o600); err != nil {
		t.Fatal(err)
	}
	gw2, _ := gateway.New(nil)
	r2 := newFileRegistry(t, dir, gw2)
	if r2.Snapshot().Seq != good.Seq || r2.Snapshot().Version != good.Version {
		t.Fatalf("after crash: seq %d, want %d", r2.Snapshot().Seq, good.Seq)
	}
	hist, _ := r2.History(context.Background(), 100)
	if hist[0].Subgraph == "ghost" {
		t.Fatal("history shows a change that never committed")
	}
	res, err := r2.Register(context.Background(), "extra", "http://127.0.0.1:1/q", "type Query { extra: Int }")
	if err != nil || !res.OK || r2.Snapshot().Seq != good.Seq+1 {
		t.Fatalf("register after crash: %v %+v", err, res)
	}
	hist, _ = r2.History(context.Background(), 1)
	if hist[0].Subgraph != "extra" {
		t.Fatalf("history after crash: %+v", hist[0])
	}
}

// 20 concurrent registrations through two registries sharing a directory
// (two processes' worth of optimistic checks on one store) lose nothing.
func TestConcurrentRegistrationsFile(t *testing.T) {
	gw, _ := newGateway(t)
	gw2, _ := gateway.New(nil)
	dir := t.TempDir()
	regs := []*Registry{newFileRegistry(t, dir, gw), newFileRegistry(t, dir, gw2)}
	concurrentRegistrations(t, regs)
	snap, _ := regs[0].store.Load(context.Background())
	if snap.Seq != 20 || len(snap.Subgraphs) != 20 {
		t.Fatalf("stored seq %d with %d subgraphs, want 20", snap.Seq, len(snap.Subgraphs))
	}
}

func concurrentRegistrations(t *testing.T, regs []*Registry) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("sub%02d", i)
			res, err := regs[i%len(regs)].Register(context.Background(), name, "http://127.0.0.1:1/"+name, "type Query { "+name+": Int }")
			if err == nil && !res.OK {
				err = fmt.Errorf("%s refused: %+v", name, res.Errors)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	hist, err := regs[0].History(context.Background(), 100)
	if err != nil || len(hist) != 20 {
		t.Fatalf("history: %v %d entries", err, len(hist))
	}
	seen := map[string]bool{}
	for i, h := range hist {
		if h.Seq != int64(20-i) {
			t.Errorf("history[%d].Seq = %d", i, h.Seq)
		}
		seen[h.Subgraph] = true
	}
	if len(seen) != 20 {
		t.Errorf("history names %d distinct subgraphs", len(seen))
	}
}

// Two registries sharing a real redis-server: one's registration is
// served by the other within a second, and 20 concurrent registrations
// split between them lose nothing.
func TestRedisReplicasConverge(t *testing.T) {
	rdb, _ := startRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gwA, demo := newGateway(t)
	gwB, _ := gateway.New(nil)
	a := New(NewRedisStore(rdb, "t1:"), listComposer{}, gwA, WithPoll(500*time.Millisecond))
	b := New(NewRedisStore(rdb, "t1:"), listComposer{}, gwB, WithPoll(500*time.Millisecond))
	for _, r := range []*Registry{a, b} {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	registerDemo(t, a, demo)
	want := a.Snapshot().Version
	for gwB.State() == nil || gwB.State().Supergraph.Version != want {
		if time.Since(start) > time.Second {
			t.Fatalf("replica B did not serve A's version within a second")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("replica B served A's 4 registrations %v after the first", time.Since(start))
	if got := query(t, gwB, "{ me { username } }"); got != `{"me":{"username":"@ada"}}` {
		t.Fatalf("replica B: %s", got)
	}
	if err := rdb.Del(ctx, "t1:{registry}:current", "t1:{registry}:seq", "t1:{registry}:history").Err(); err != nil {
		t.Fatal(err)
	}
	// Concurrent registrations on both replicas.
	a2 := New(NewRedisStore(rdb, "t2:"), listComposer{}, gwA, WithPoll(500*time.Millisecond))
	b2 := New(NewRedisStore(rdb, "t2:"), listComposer{}, gwB, WithPoll(500*time.Millisecond))
	for _, r := range []*Registry{a2, b2} {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	concurrentRegistrations(t, []*Registry{a2, b2})
	snap, _ := a2.store.Load(ctx)
	if snap.Seq != 20 || len(snap.Subgraphs) != 20 {
		t.Fatalf("stored seq %d with %d subgraphs, want 20", snap.Seq, len(snap.Subgraphs))
	}
	deadline := time.Now().Add(time.Second)
	for a2.Snapshot().Seq != 20 || b2.Snapshot().Seq != 20 {
		if time.Now().After(deadline) {
			t.Fatalf("replicas at seq %d and %d a second after, want 20", a2.Snapshot().Seq, b2.Snapshot().Seq)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A replica that misses the notification (it listens on another channel
// here) still serves the change, from its interval check.
func TestRedisMissedNotificationCaughtUp(t *testing.T) {
	rdb, _ := startRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gwA, demo := newGateway(t)
	gwB, _ := gateway.New(nil)
	a := New(NewRedisStore(rdb, "m:"), listComposer{}, gwA)
	deaf := NewRedisStore(rdb, "m:")
	deaf.channel = "elsewhere"
	b := New(deaf, listComposer{}, gwB, WithPoll(200*time.Millisecond))
	for _, r := range []*Registry{a, b} {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	registerDemo(t, a, demo)
	deadline := time.Now().Add(time.Second)
	for b.Snapshot().Seq != a.Snapshot().Seq {
		if time.Now().After(deadline) {
			t.Fatalf("replica without notifications at seq %d, want %d", b.Snapshot().Seq, a.Snapshot().Seq)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
