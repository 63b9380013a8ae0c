package reviews

import (
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/junction-gateway/junction/subgraphs/internal/data"
)

// Bounds of what addReview stores.
const (
	// MaxAdded is the number of reviews one server accepts.
	MaxAdded = 10000
	// MaxBodyLength is the longest review body, in characters.
	MaxBodyLength = 2000
)

// added holds the reviews added by mutations on one server.
type added struct {
	mu   sync.RWMutex
	list []data.Review
	byID map[string]int
}

func (a *added) add(upc, body, author string) (data.Review, error) {
	if author == "" {
		return data.Review{}, fmt.Errorf("addReview needs the caller: the gateway sends its id in the X-User-Id header")
	}
	if _, ok := data.ProductByUPC(upc); !ok {
		return data.Review{}, fmt.Errorf("no product with upc %q", upc)
	}
	if n := utf8.RuneCountInString(body); n == 0 || n > MaxBodyLength {
		return data.Review{}, fmt.Errorf("review body must have 1 to %d characters, got %d", MaxBodyLength, n)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.list) >= MaxAdded {
		return data.Review{}, fmt.Errorf("this demo server holds at most %d added reviews", MaxAdded)
	}
	rv := data.Review{
		ID:        strconv.Itoa(data.ReviewCount + len(a.list) + 1),
		Body:      body,
		ProductID: upc,
		AuthorID:  author,
	}
	if a.byID == nil {
		a.byID = map[string]int{}
	}
	a.byID[rv.ID] = len(a.list)
	a.list = append(a.list, rv)
	return rv, nil
}

func (a *added) lookup(id string) (data.Review, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	i, ok := a.byID[id]
	if !ok {
		return data.Review{}, false
	}
	return a.list[i], true
}

// where returns the added reviews for which keep holds, in order added.
func (a *added) where(keep func(data.Review) bool) []data.Review {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var out []data.Review
	for _, rv := range a.list {
		if keep(rv) {
			out = append(out, rv)
		}
	}
	return out
}

// reviewByID finds a generated or an added review.
func (r *Resolver) reviewByID(id string) (data.Review, bool) {
	if rv, ok := data.ReviewByID(id); ok {
		return rv, true
	}
	return r.added.lookup(id)
}

func (r *Resolver) reviewsByProduct(upc string) []data.Review {
	out := data.ReviewsByProduct(upc)
	return append(out, r.added.where(func(rv data.Review) bool { return rv.ProductID == upc })...)
}

func (r *Resolver) reviewsByAuthor(id string) []data.Review {
	out := data.ReviewsByAuthor(id)
	return append(out, r.added.where(func(rv data.Review) bool { return rv.AuthorID == id })...)
}
