package registry

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var inputSchema = gqlparser.MustLoadSchema(&ast.Source{Input: `
type Query { products(filter: Filter, color: Color): [Product] }
type Product { id: ID! name: String }
enum Color { RED GREEN BLUE }
input Filter { color: Color min: Int range: Range tags: [Color!] }
input Range { lo: Int hi: Int }`})

func inputOperation(t *testing.T, q string) *ast.OperationDefinition {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(inputSchema, q)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return doc.Operations[0]
}

// Literal enum values and input fields, and variable defaults, are
// coordinates of the operation itself.
func TestInputCoordinatesFromLiterals(t *testing.T) {
	op := inputOperation(t, `query Q($f: Filter, $c: Color = GREEN) {
	  a: products(filter: {color: RED, range: {lo: 1}, tags: [BLUE]}) { name }
	  b: products(filter: $f, color: $c) { id }
	}`)
	got := fmt.Sprint(Coordinates(op))
	want := "[Color.BLUE Color.GREEN Color.RED Filter Filter.color Filter.range Filter.tags Product.id Product.name " +
		"Query.products Query.products(color:) Query.products(filter:) Range Range.lo]"
	if got != want {
		t.Fatalf("Coordinates =\n %s\nwant\n %s", got, want)
	}
	if hasInputVariables(inputOperation(t, `query($n: Int) { products(filter: {min: $n}) { id } }`)) {
		t.Fatal("an Int variable is not an input variable")
	}
}

// Variable values are recorded per execution, merged across executions
// and flushes, and bounded.
func TestInputCoordinatesFromVariables(t *testing.T) {
	st, err := OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := NewUsage(st, 10, 0)
	op := inputOperation(t, `query V($f: Filter, $c: Color) { products(filter: $f, color: $c) { id } }`)
	now := time.Now()
	u.RecordInputs("web", "1", inputSchema, op, map[string]any{"f": map[string]any{"min": 3, "range": map[string]any{"hi": 9}}, "c": "RED"}, now)
	u.RecordInputs("web", "1", inputSchema, op, map[string]any{"f": map[string]any{"tags": []any{"BLUE", "GREEN"}}}, now)
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	u.RecordInputs("web", "1", inputSchema, op, map[string]any{"c": "BLUE"}, now)
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := u.Recent(context.Background(), now)
	if err != nil || len(got) != 1 {
		t.Fatalf("usage %v %v", got, err)
	}
	want := "[Color.BLUE Color.GREEN Color.RED Filter Filter.min Filter.range Filter.tags Product.id " +
		"Query.products Query.products(color:) Query.products(filter:) Range Range.hi]"
	if fmt.Sprint(got[0].Coordinates) != want || got[0].Count != 3 {
		t.Fatalf("coordinates %v x%d\nwant %s x3", got[0].Coordinates, got[0].Count, want)
	}
	// Which breaking changes hit it.
	for _, c := range []struct {
		change string
		want   bool
	}{
		{"Color.RED", true},          // enum value removed: the operation passed it
		{"Filter.newRequired", true}, // a new required input field: it passes Filter
		{"Filter.min", true},         // input field removed or made required
		{"Range.lo", true},           // it passes Range (hi only): lo made required breaks it
		{"Color.PURPLE", false},      // never passed
		{"Product.name", false},
	} {
		if got := got[0].Uses(c.change); got != c.want {
			t.Errorf("Uses(%s) = %v, want %v", c.change, got, c.want)
		}
	}
	// Hostile variables: the walk is bounded in entries and depth.
	deep := map[string]any{}
	set := map[string]bool{}
	var tags []any
	for i := 0; i < 10*maxInputCoordinates; i++ {
		tags = append(tags, strings.Repeat("A", i%500+1))
	}
	deep["tags"] = tags
	inputCoordinates(inputSchema, op, map[string]any{"f": deep, "c": "RED"}, set, maxInputCoordinates)
	if len(set) > maxInputCoordinates {
		t.Fatalf("%d coordinates recorded, over the bound %d", len(set), maxInputCoordinates)
	}
}
