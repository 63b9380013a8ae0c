package executor

import (
	"sync/atomic"
	"time"
)

// Branches of a Parallel run on reused goroutines. A new goroutine starts
// with a small stack and grows it (copying it each time) as the branch
// walks the response tree and decodes subgraph answers; a worker that has
// already run a branch keeps its grown stack, and handing it a task costs
// less than starting a goroutine. Idle workers wait for the next task and
// exit after workerIdle, so a quiet gateway holds none.
const workerIdle = 10 * time.Second

// maxIdleWorkers bounds the workers kept waiting: after a burst, the extra
// ones exit at once instead of holding their stacks for workerIdle.
const maxIdleWorkers = 256

// idle counts the workers waiting for a task.
var idle atomic.Int32

// idleWorkers hands a task to a worker waiting for one (unbuffered: a send
// succeeds only when a worker is receiving).
var idleWorkers = make(chan func())

// goWork runs f on an idle worker, or on a new one when none is idle.
func goWork(f func()) {
	select {
	case idleWorkers <- f:
	default:
		go worker(f)
	}
}

func worker(f func()) {
	t := time.NewTimer(workerIdle)
	defer t.Stop()
	for {
		f()
		f = nil // the finished task's closure must not stay reachable
		if idle.Add(1) > maxIdleWorkers {
			idle.Add(-1)
			return
		}
		t.Reset(workerIdle)
		select {
		case f = <-idleWorkers:
			idle.Add(-1)
		case <-t.C:
			idle.Add(-1)
			return
		}
	}
}
