package gctune

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, floor uint64
		base, want  int
	}{
		{0, 32 * mb, 100, 100},       // before the first cycle
		{4 * mb, 32 * mb, 100, 700},  // goal 4 × 8 = 32 MB
		{8 * mb, 32 * mb, 100, 300},  // goal 32 MB
		{16 * mb, 32 * mb, 100, 100}, // 2 × live is the floor already
		{20 * mb, 32 * mb, 100, 100}, // never below base
		{64 * mb, 32 * mb, 100, 100}, // large heap: as without the tuner
		{1024, 32 * mb, 100, 800},    // tiny heap: 4 MB × 8 = the floor
		{1024, 1 << 40, 100, maxPercent},
		{8 * mb, 32 * mb, 400, 400},
	} {
		if got := percent(c.live, c.floor, c.base); got != c.want {
			t.Errorf("percent(%d, %d, %d) = %d, want %d", c.live, c.floor, c.base, got, c.want)
		}
	}
}

func TestLimit(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, nonHeap, floor uint64
		want                 int64
	}{
		{0, 0, 32 * mb, 40 * mb},           // before the first cycle: the floor applies
		{8 * mb, 9 * mb, 32 * mb, 40 * mb}, // small heap: floor × 5/4
		{16 * mb, 0, 32 * mb, noLimit},
		{200 * mb, 0, 32 * mb, noLimit},      // large heap: never collected to meet a limit
		{12 * mb, 20 * mb, 32 * mb, noLimit}, // many stacks: no room left for the heap to double
		{mb, 0, math.MaxUint64, noLimit},
	} {
		if got := limit(c.live, c.nonHeap, c.floor); got != c.want {
			t.Errorf("limit(%d, %d, %d) = %d, want %d", c.live, c.nonHeap, c.floor, got, c.want)
		}
	}
	if got := nonHeap(50, 30, 5, 5, 4); got != 6 {
		t.Errorf("nonHeap = %d, want 6", got)
	}
	if got := nonHeap(10, 30, 5, 5, 4); got != 0 {
		t.Errorf("nonHeap when the heap classes exceed the total = %d, want 0", got)
	}
}

// TestStartStop checks that the tuner raises the percentage for a small
// heap, keeps doing so after collections, and restores the base on Stop.
func TestStartStop(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	runtime.GC()            // so that the live heap is known
	runtime.GC()            // so that the live heap is known
	tu := Start(1<<40, 100) // a floor no test heap reaches
	if p := tu.Percent(); p != maxPercent {
		t.Fatalf("after Start: percent %d, want %d", p, maxPercent)
	}
	debug.SetGCPercent(100) // as if something reset it
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		if p := debug.SetGCPercent(-1); p == maxPercent {
			debug.SetGCPercent(p)
			break
		} else {
			debug.SetGCPercent(p)
		}
		if time.Now().After(deadline) {
			t.Fatal("the tuner did not re-apply the percentage after a collection")
		}
		tu.mu.Lock()
		tu.last = 100 // force the next adjust to set it again
		tu.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	if _, env := os.LookupEnv("GOMEMLIMIT"); !env {
		if got := debug.SetMemoryLimit(-1); got != int64(1<<40)*5/4 || tu.Limit() != got {
			t.Errorf("while the floor applies: memory limit %d (tuner says %d), want %d", got, tu.Limit(), int64(1<<40)*5/4)
		}
	}
	tu.Stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Fatalf("after Stop: percent %d, want 100", p)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after Stop: memory limit %d, want none", got)
	}
}
