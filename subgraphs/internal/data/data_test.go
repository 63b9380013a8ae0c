package data

import (
	"strconv"
	"testing"
)

func TestShippingEstimate(t *testing.T) {
	t.Parallel()
	tests := []struct{ price, weight, want int }{
		{899, 100, 50}, {1000, 9, 4}, {1001, 500, 0}, {0, 0, 0}, {1, 1, 0},
	}
	for _, tt := range tests {
		if got := ShippingEstimate(tt.price, tt.weight); got != tt.want {
			t.Errorf("ShippingEstimate(%d, %d) = %d, want %d", tt.price, tt.weight, got, tt.want)
		}
	}
}

func TestShape(t *testing.T) {
	t.Parallel()
	if n := len(Users()); n != 6 {
		t.Errorf("%d users, want 6", n)
	}
	if n := len(Products()); n != 5 {
		t.Errorf("%d products, want 5", n)
	}
	for _, u := range Users() {
		if n := len(ReviewsByAuthor(u.ID)); n < 2 {
			t.Errorf("user %s has %d reviews", u.ID, n)
		}
	}
	for _, p := range Products() {
		if n := len(ReviewsByProduct(p.UPC)); n < 2 {
			t.Errorf("product %s has %d reviews", p.UPC, n)
		}
	}
	pairs := map[[2]string]bool{}
	for i, r := range Reviews() {
		if r.ID != strconv.Itoa(i+1) {
			t.Errorf("review %d has id %q", i, r.ID)
		}
		if _, ok := UserByID(r.AuthorID); !ok {
			t.Errorf("review %s: unknown author %s", r.ID, r.AuthorID)
		}
		if _, ok := ProductByUPC(r.ProductID); !ok {
			t.Errorf("review %s: unknown product %s", r.ID, r.ProductID)
		}
		pair := [2]string{r.AuthorID, r.ProductID}
		if pairs[pair] {
			t.Errorf("review %s repeats author/product %v", r.ID, pair)
		}
		pairs[pair] = true
		if n := len(r.Body); n < 360 || n > 700 {
			t.Errorf("review %s body has %d characters", r.ID, n)
		}
	}
}

func TestReadOnly(t *testing.T) {
	t.Parallel()
	Users()[0].Name = "changed"
	Reviews()[0].Body = "changed"
	ReviewsByAuthor("1")[0].Body = "changed"
	if u, _ := UserByID(Users()[0].ID); u.Name == "changed" {
		t.Error("Users() shares its backing array")
	}
	if r, _ := ReviewByID("1"); r.Body == "changed" || r.Body != Body(1) {
		t.Error("Reviews() or ReviewsByAuthor() shares its backing array")
	}
}
