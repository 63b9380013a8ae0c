package traffic

import (
	"fmt"
	"sync"
	"time"

	"github.com/junction-gateway/junction/executor"
)

// buckets is the number of slices of the breaker's window.
const buckets = 10

type breakerState int

const (
	closed breakerState = iota
	open
	halfOpen
)

// subgraphState is the retry budget and breaker of one subgraph.
type subgraphState struct {
	p   Policy // with defaults
	now func() time.Time

	mu sync.Mutex
	// Retry budget.
	tokens   float64
	refilled time.Time
	// Breaker: counts per bucket of Window/buckets, the current one at cur.
	total, failed [buckets]int
	cur           int
	curStart      time.Time
	state         breakerState
	openUntil     time.Time
	probes        int // probes in flight while half-open
}

// deposit adds a request's share to the retry budget.
func (s *subgraphState) deposit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refill()
	s.tokens += s.p.Retry.BudgetRatio
	if max := s.p.Retry.MinPerSecond * 10; s.tokens > max {
		s.tokens = max
	}
}

// withdraw takes a token for a retry, if there is one.
func (s *subgraphState) withdraw() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refill()
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}

func (s *subgraphState) refill() {
	now := s.now()
	if d := now.Sub(s.refilled); d > 0 {
		s.tokens += d.Seconds() * s.p.Retry.MinPerSecond
		if max := s.p.Retry.MinPerSecond * 10; s.tokens > max {
			s.tokens = max
		}
		s.refilled = now
	}
}

// admit lets a request through the breaker: probe reports a half-open
// probe; an open breaker refuses with an error wrapping
// executor.ErrCircuitOpen.
func (s *subgraphState) admit() (probe bool, err error) {
	if !s.p.Breaker.Enabled {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.state == open && !now.Before(s.openUntil) {
		s.state, s.probes = halfOpen, 0
	}
	switch s.state {
	case open:
		return false, fmt.Errorf("%w: retrying in %v", executor.ErrCircuitOpen, s.openUntil.Sub(now).Round(time.Millisecond))
	case halfOpen:
		if s.probes >= s.p.Breaker.HalfOpenProbes {
			return false, fmt.Errorf("%w: probing", executor.ErrCircuitOpen)
		}
		s.probes++
		return true, nil
	}
	return false, nil
}

// record counts one outcome, opening or closing the breaker.
func (s *subgraphState) record(probe bool, r result) {
	if !s.p.Breaker.Enabled {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if probe {
		s.probes--
		switch r {
		case success:
			s.state = closed
			s.total, s.failed = [buckets]int{}, [buckets]int{}
			s.curStart = now
		case failure:
			s.state, s.openUntil = open, now.Add(s.p.Breaker.OpenFor)
		}
		return
	}
	if r == ignored || s.state != closed {
		return
	}
	s.advance(now)
	s.total[s.cur]++
	if r == failure {
		s.failed[s.cur]++
	}
	var total, failed int
	for i := range buckets {
		total += s.total[i]
		failed += s.failed[i]
	}
	if total >= s.p.Breaker.MinRequests && float64(failed) >= s.p.Breaker.ErrorRate*float64(total) {
		s.state, s.openUntil = open, now.Add(s.p.Breaker.OpenFor)
	}
}

// advance moves the current bucket to now, clearing the buckets passed.
func (s *subgraphState) advance(now time.Time) {
	width := s.p.Breaker.Window / buckets
	if s.curStart.IsZero() {
		s.curStart = now
		return
	}
	steps := int(now.Sub(s.curStart) / width)
	if steps <= 0 {
		return
	}
	if steps > buckets {
		steps = buckets
	}
	for range steps {
		s.cur = (s.cur + 1) % buckets
		s.total[s.cur], s.failed[s.cur] = 0, 0
	}
	s.curStart = s.curStart.Add(time.Duration(int(now.Sub(s.curStart)/width)) * width)
}
