package registry

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var usageSchema = gqlparser.MustLoadSchema(&ast.Source{Input: `
type Query { product(id: ID!): Product products(first: Int): [Product] }
type Product { id: ID! name: String price(currency: String): Int }`})

func operation(t *testing.T, q string) *ast.OperationDefinition {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(usageSchema, q)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return doc.Operations[0]
}

func TestCoordinatesAndTouches(t *testing.T) {
	op := operation(t, `query Q { product(id: "1") { ...F __typename } } fragment F on Product { name price(currency: "EUR") }`)
	got := fmt.Sprint(Coordinates(op))
	want := "[Product.name Product.price Product.price(currency:) Query.product Query.product(id:)]"
	if got != want {
		t.Fatalf("Coordinates = %s, want %s", got, want)
	}
	for _, c := range []struct {
		change, used string
		want         bool
	}{
		{"Product.name", "Product.name", true},
		{"Product", "Product.name", true},
		{"Query.products(first:)", "Query.products", true},
		{"Product.price", "Product.price(currency:)", true},
		{"Product.id", "Product.name", false},
		{"Prod", "Product.name", false},
		{"Color.RED", "Product.name", false},
	} {
		if got := Touches(c.change, c.used); got != c.want {
			t.Errorf("Touches(%q, %q) = %v", c.change, c.used, got)
		}
	}
}

// Usage is counted per client and operation, bounded in memory (past the
// bound, new entries are dropped and counted), and merged in the store.
func TestUsageBoundedAndFlushed(t *testing.T) {
	st, err := OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := NewUsage(st, 3, 0)
	now := time.Now()
	ops := []*ast.OperationDefinition{
		operation(t, `query A { product(id: "1") { name } }`),
		operation(t, `query B { products { id } }`),
		operation(t, `query C { products { price } }`),
		operation(t, `query D { products { name } }`),
	}
	for i := 0; i < 5; i++ {
		u.Record("web", "1.0", ops[0], now)
	}
	u.Record("web", "2.0", ops[0], now)
	u.Record("ios", "1.0", ops[1], now)
	u.Record("ios", "1.0", ops[2], now) // the fourth entry: over the bound of 3
	u.Record("ios", "1.0", ops[3], now)
	if u.Dropped() != 2 {
		t.Fatalf("dropped %d, want 2", u.Dropped())
	}
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	u.Record("web", "1.0", ops[0], now.Add(time.Second))
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := u.Recent(context.Background(), now.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, fmt.Sprintf("%s/%s %s x%d %v", e.Client, e.ClientVersion, e.Operation, e.Count, e.Coordinates))
	}
	want := "[ios/1.0 B x1 [Product.id Query.products] web/1.0 A x6 [Product.name Query.product Query.product(id:)] web/2.0 A x1 [Product.name Query.product Query.product(id:)]]"
	if fmt.Sprint(lines) != want {
		t.Fatalf("usage %v\nwant %s", lines, want)
	}
	// Entries older than the window are not reported.
	if got, _ := NewUsage(st, 3, time.Hour).Recent(context.Background(), now.Add(2*time.Hour)); len(got) != 0 {
		t.Fatalf("usage outside the window: %v", got)
	}
}
