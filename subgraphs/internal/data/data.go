package data

import "strconv"

// User is an account (owned by the accounts subgraph).
type User struct {
	ID       string
	Name     string
	Username string
	Birthday int
}

// Product is a catalogue item (owned by products; stock by inventory).
type Product struct {
	UPC     string
	Name    string
	Price   int
	Weight  int
	InStock bool
}

// Review is a user's review of a product (owned by reviews).
type Review struct {
	ID        string
	Body      string
	ProductID string
	AuthorID  string
}

// ReviewCount is the number of generated reviews, ids "1" to "12".
const ReviewCount = 12

var (
	users = []User{
		{ID: "1", Name: "Ada Lovelace", Username: "@ada", Birthday: 18151210},
		{ID: "2", Name: "Alan Turing", Username: "@complete", Birthday: 19120623},
		{ID: "3", Name: "Grace Hopper", Username: "@amazing", Birthday: 19061209},
		{ID: "4", Name: "Edsger Dijkstra", Username: "@goto", Birthday: 19300511},
		{ID: "5", Name: "Barbara Liskov", Username: "@substitute", Birthday: 19391107},
		{ID: "6", Name: "Donald Knuth", Username: "@tex", Birthday: 19380110},
	}
	products = []Product{
		{UPC: "1", Name: "Table", Price: 899, Weight: 100, InStock: true},
		{UPC: "2", Name: "Couch", Price: 1299, Weight: 1000, InStock: false},
		{UPC: "3", Name: "Chair", Price: 54, Weight: 50, InStock: true},
		{UPC: "4", Name: "Lamp", Price: 35, Weight: 8, InStock: true},
		{UPC: "5", Name: "Rug", Price: 1500, Weight: 220, InStock: false},
	}
	reviews = buildReviews()

	usersByID      = index(users, func(u User) string { return u.ID })
	productsByUPC  = index(products, func(p Product) string { return p.UPC })
	reviewsByID    = index(reviews, func(r Review) string { return r.ID })
	reviewsByUser  = group(reviews, func(r Review) string { return r.AuthorID })
	reviewsByProdu = group(reviews, func(r Review) string { return r.ProductID })
)

func index[T any](xs []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[key(x)] = i
	}
	return m
}

func group[T any](xs []T, key func(T) string) map[string][]int {
	m := make(map[string][]int)
	for i, x := range xs {
		k := key(x)
		m[k] = append(m[k], i)
	}
	return m
}

// buildReviews writes review i (1-based) by user ((i-1) mod 6)+1 about
// product ((i-1) mod 5)+1: every user has two reviews, every product two or
// three, and no (user, product) pair repeats. With bodies of 360 to 560
// characters this sizes the benchmark query's response (test/bench) at
// about 85 KB.
func buildReviews() []Review {
	out := make([]Review, ReviewCount)
	for i := range out {
		out[i] = Review{
			ID:        strconv.Itoa(i + 1),
			Body:      Body(i + 1),
			AuthorID:  strconv.Itoa(i%len(users) + 1),
			ProductID: strconv.Itoa(i%len(products) + 1),
		}
	}
	return out
}

// Users returns every user in id order. The slice is a copy.
func Users() []User { return append([]User(nil), users...) }

// Products returns every product in upc order. The slice is a copy.
func Products() []Product { return append([]Product(nil), products...) }

// Reviews returns every review in id order. The slice is a copy.
func Reviews() []Review { return append([]Review(nil), reviews...) }

// UserByID returns the user with that id.
func UserByID(id string) (User, bool) {
	i, ok := usersByID[id]
	if !ok {
		return User{}, false
	}
	return users[i], true
}

// ProductByUPC returns the product with that upc.
func ProductByUPC(upc string) (Product, bool) {
	i, ok := productsByUPC[upc]
	if !ok {
		return Product{}, false
	}
	return products[i], true
}

// ReviewByID returns the review with that id.
func ReviewByID(id string) (Review, bool) {
	i, ok := reviewsByID[id]
	if !ok {
		return Review{}, false
	}
	return reviews[i], true
}

// ReviewsByAuthor returns the user's reviews in id order.
func ReviewsByAuthor(userID string) []Review { return pick(reviewsByUser[userID]) }

// ReviewsByProduct returns the product's reviews in id order.
func ReviewsByProduct(upc string) []Review { return pick(reviewsByProdu[upc]) }

func pick(idx []int) []Review {
	out := make([]Review, len(idx))
	for i, j := range idx {
		out[i] = reviews[j]
	}
	return out
}

// ShippingEstimate is the inventory rule: free above 1000, else half the weight.
func ShippingEstimate(price, weight int) int {
	if price > 1000 {
		return 0
	}
	return weight / 2
}
