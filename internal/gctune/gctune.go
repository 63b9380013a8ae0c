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
// collector cost. Once the live heap passes floor/2, or when the memory
// outside the heap (goroutine stacks above all) plus twice the live heap
// would not fit under the limit, the limit is lifted again, so that a
// process is never collected over and over to meet it. A GOMEMLIMIT set in
// the environment is left alone.
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

// limit is the soft memory limit for a live heap and the runtime's memory
// outside the heap (stacks, metadata): floor × 5/4 while the floor applies
// (live below floor/2, or not yet known) and the limit still leaves the
// heap room to double (a process with many goroutine stacks would
// otherwise be collected over and over to stay under it); none otherwise.
func limit(live, nonHeap, floor uint64) int64 {
	if live < floor/2 && floor <= math.MaxInt64/5 && nonHeap+2*live < floor*5/4 {
		return int64(floor * 5 / 4)
	}
	return noLimit
}

// nonHeap is the runtime's memory outside heap objects and heap pages
// (free, unused or released): stacks, metadata, profiling buckets.
func nonHeap(total, objects, unused, free, released uint64) uint64 {
	heap := objects + unused + free + released
	if heap >= total {
		return 0
	}
	return total - heap
}

// Start begins tuning with the given floor in bytes; base is the percentage
// to keep when the live heap is large (the GOGC in force, usually 100).
func Start(floor uint64, base int) *Tuner {
	_, envLimit := os.LookupEnv("GOMEMLIMIT")
	t := &Tuner{floor: floor, base: base, last: base, limits: !envLimit, lastLimit: noLimit,
		sample: []metrics.Sample{
			{Name: "/gc/heap/live:bytes"},
			{Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/memory/classes/heap/unused:bytes"},
			{Name: "/memory/classes/heap/free:bytes"},
			{Name: "/memory/classes/heap/released:bytes"},
		}}
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
	var v [6]uint64
	for i := range v {
		if t.sample[i].Value.Kind() == metrics.KindUint64 {
			v[i] = t.sample[i].Value.Uint64()
		}
	}
	live := v[0]
	p := percent(live, t.floor, t.base)
	if p != t.last {
		debug.SetGCPercent(p)
		t.last = p
	}
	if l := limit(live, nonHeap(v[1], v[2], v[3], v[4], v[5]), t.floor); t.limits && l != t.lastLimit {
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
