package reviews

import (
	"context"
	"sync"
)

// feedBuffer is how many added reviews one subscriber may fall behind;
// a subscriber further behind is ended (its channel closed) rather than
// allowed to block addReview.
const feedBuffer = 64

// feed hands each added review to the reviewAdded subscriptions of one
// server.
type feed struct {
	mu   sync.Mutex
	subs map[chan *Review]struct{}
}

// subscribe returns a channel of the reviews added from now on, closed
// when ctx is done (or when the subscriber falls feedBuffer behind).
func (f *feed) subscribe(ctx context.Context) <-chan *Review {
	ch := make(chan *Review, feedBuffer)
	f.mu.Lock()
	if f.subs == nil {
		f.subs = map[chan *Review]struct{}{}
	}
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	context.AfterFunc(ctx, func() { f.drop(ch) })
	return ch
}

// drop ends one subscriber, once.
func (f *feed) drop(ch chan *Review) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[ch]; ok {
		delete(f.subs, ch)
		close(ch)
	}
}

// publish sends rv to every subscriber without waiting.
func (f *feed) publish(rv *Review) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- rv:
		default:
			delete(f.subs, ch)
			close(ch)
		}
	}
}
