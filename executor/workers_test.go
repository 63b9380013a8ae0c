package executor

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestGoWorkRunsTasksConcurrently: tasks that wait for each other all
// complete (each gets a worker; none waits behind another).
func TestGoWorkRunsTasksConcurrently(t *testing.T) {
	const n = 16
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	for range n {
		goWork(func() {
			ready.Done()
			ready.Wait() // every task must be running at once to pass this
			done.Done()
		})
	}
	done.Wait()
}

// TestGoWorkReusesWorkers: tasks run one after another reuse an idle
// worker instead of starting a goroutine each.
func TestGoWorkReusesWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 200 {
		ch := make(chan struct{})
		goWork(func() { close(ch) })
		<-ch
		runtime.Gosched() // let the worker get back to waiting
	}
	if grown := runtime.NumGoroutine() - before; grown > 20 {
		t.Errorf("%d goroutines more after 200 sequential tasks: workers are not reused", grown)
	}
}

// TestIdleWorkersAreBounded: after a burst of concurrent tasks, at most
// maxIdleWorkers workers stay waiting.
func TestIdleWorkersAreBounded(t *testing.T) {
	const n = maxIdleWorkers + 200
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	release := make(chan struct{})
	for range n {
		goWork(func() {
			ready.Done()
			<-release
			done.Done()
		})
	}
	ready.Wait()
	close(release)
	done.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for idle.Load() > maxIdleWorkers {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle workers, want at most %d", idle.Load(), maxIdleWorkers)
		}
		time.Sleep(time.Millisecond)
	}
	// The counter is never above the bound, and the extra workers exited.
	time.Sleep(50 * time.Millisecond)
	if got := idle.Load(); got > maxIdleWorkers {
		t.Errorf("%d idle workers, want at most %d", got, maxIdleWorkers)
	}
}
