// Package gctune keeps the Go heap goal at or above a floor.
//
// With GOGC=100 the collector runs whenever the heap doubles its live size.
// A gateway's live heap is small (a few MB: the supergraph, the caches) while
// it allocates a few hundred KB per request, so it would collect every few
// requests and spend a third of its CPU in the collector. Start raises the GC
// percentage after every cycle so that the next heap goal is at least floor
// bytes; once the live heap exceeds floor/2 the base percentage applies
// again, so a large heap is collected exactly as without the tuner:
//
//	goal = live × (1 + percent/100), percent = max(base, floor/live×100 − 100)
//
// (capped so that the runtime's minimum heap, 4 MB scaled by the
// percentage, stays within the floor). The peak heap is therefore about max(floor,
// live × (1 + base/100)). This is the "GC tuner" pattern.
//
// While the floor applies, the tuner also sets the runtime's soft memory
// limit to floor × 5/4 (40 MB for the default 32 MB floor): the heap
// goal alone does not bound what the process holds, since the pages the
// collector frees stay mapped until the background scavenger returns them,
// and stacks and metadata come on top. Under the limit the runtime returns
// free pages as soon as the total would pass it; measured on the benchmark
// (inbound dedupe off) this lowers peak RSS by about 8 MB at about the same
// collector cost. Once the live heap passes floor/2 the limit is lifted
// again, so that a large heap is never collected over and over to meet
// it. A GOMEMLIMIT set in the environment is left alone.
package gctune

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// maxPercent bounds the percentage when the live heap is tiny.
const maxPercent = 2000

// minHeap is the runtime's minimum heap goal at GOGC=100; the runtime
// scales it by GOGC/100, so a percentage above floor/minHeap×100 would
// put the goal above the floor even for an empty heap.
const minHeap = 4 << 20

// Tuner adjusts the GC percentage after each collection.
type Tuner struct {
	floor   uint64
	base    int
	stopped atomic.Bool
	mu      sync.Mutex
	last    int
	sample  []metrics.Sample
	// limits: the tuner manages the soft memory limit (GOMEMLIMIT is not
	// set); lastLimit is the limit last set.
	limits    bool
	lastLimit int64
}

// noLimit is the runtime's "no memory limit".
const noLimit = math.MaxInt64

// limit is the soft memory limit for a live heap: floor × 5/4 while the
// floor applies (live below floor/2, or not yet known), none otherwise.
func limit(live, floor uint64) int64 {
	if live < floor/2 && floor <= math.MaxInt64/5 {
		return int64(floor * 5 / 4)
	}
	return noLimit
}

// Start begins tuning with the given floor in bytes; base is the percentage
// to keep when the live heap is large (the GOGC in force, usually 100).
func Start(floor uint64, base int) *Tuner {
	_, envLimit := os.LookupEnv("GOMEMLIMIT")
	t := &Tuner{floor: floor, base: base, last: base, limits: !envLimit, lastLimit: noLimit,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.adjust()
	t.arm()
	return t
}

// sentinel is garbage at birth; its finalizer runs after the next cycle.
type sentinel struct{ _ [64]byte } // never a tiny allocation, so its finalizer runs

func (t *Tuner) arm() {
	s := &sentinel{}
	runtime.SetFinalizer(s, func(*sentinel) {
		if t.stopped.Load() {
			return
		}
		t.adjust()
		t.arm()
	})
}

// percent is the GC percentage that gives a goal of at least floor.
func percent(live, floor uint64, base int) int {
	if live == 0 || live >= floor {
		return base // before the first cycle, or a large heap
	}
	p := int(floor*100/live) - 100
	top := min(int(floor*100/minHeap), maxPercent)
	return max(min(p, top), base)
}

func (t *Tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	var live uint64
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	p := percent(live, t.floor, t.base)
	if p != t.last {
		debug.SetGCPercent(p)
		t.last = p
	}
	if l := limit(live, t.floor); t.limits && l != t.lastLimit {
		debug.SetMemoryLimit(l)
		t.lastLimit = l
	}
}

// Limit returns the soft memory limit last set (math.MaxInt64: none).
func (t *Tuner) Limit() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastLimit
}

// Percent returns the percentage last set.
func (t *Tuner) Percent() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// Stop ends tuning and restores the base percentage.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Swap(true) {
		return
	}
	debug.SetGCPercent(t.base)
	t.last = t.base
	if t.limits && t.lastLimit != noLimit {
		debug.SetMemoryLimit(noLimit)
		t.lastLimit = noLimit
	}
}
