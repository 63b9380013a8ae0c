package planner

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// TestPreparedFetches: every fetch of a built plan (under conditions and
// deferred blocks too) is prepared when the plan is built: its request
// body start decodes to its operation and name, its root keys are the
// response keys at the top of its selection (under _entities for an entity
// fetch, through inline fragments).
func TestPreparedFetches(t *testing.T) {
	sg, _ := loadArchive(t, "demo")
	for _, q := range []string{
		`query TestQuery { me { name reviews { body a: id } } topProducts { upc shippingEstimate } }`,
		`query C($x: Boolean!) { topProducts @include(if: $x) { name inStock } me { id } }`,
		`query D { me { name ... @defer { reviews { body } } } }`,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if errs := validator.Validate(sg.API, doc); len(errs) > 0 {
			t.Fatal(errs)
		}
		p, perr := New(sg).Plan(doc, "")
		if perr != nil {
			t.Fatal(perr)
		}
		n := 0
		var walk func(Node)
		walk = func(nd Node) {
			switch nd := nd.(type) {
			case *Sequence:
				for _, c := range nd.Nodes {
					walk(c)
				}
			case *Parallel:
				for _, c := range nd.Nodes {
					walk(c)
				}
			case *Flatten:
				walk(nd.Node)
			case *Condition:
				walk(nd.If)
				walk(nd.Else)
			case *Defer:
				walk(nd.Primary)
				for _, b := range nd.Deferred {
					walk(b.Node)
				}
			case *Fetch:
				n++
				if nd.prep == nil {
					t.Errorf("%s: fetch to %s not prepared", q, nd.Service)
					return
				}
				var body struct {
					Query         string `json:"query"`
					OperationName string `json:"operationName"`
				}
				if err := json.Unmarshal(append(append([]byte(nil), nd.BodyStart()...), '}'), &body); err != nil {
					t.Errorf("%s: body start %s: %v", q, nd.BodyStart(), err)
				}
				if body.Query != nd.Operation || body.OperationName != nd.OperationName {
					t.Errorf("%s: body start %s, want %q %q", q, nd.BodyStart(), nd.Operation, nd.OperationName)
				}
				if want := (&Fetch{Operation: nd.Operation, Requires: nd.Requires}).derive().rootKeys; !reflect.DeepEqual(nd.RootKeys(), want) || len(want) == 0 {
					t.Errorf("%s: root keys %v, want %v", q, nd.RootKeys(), want)
				}
			}
		}
		walk(p.Root)
		if n == 0 {
			t.Errorf("%s: no fetch", q)
		}
	}
	// Root keys of an entity fetch are those under _entities, through
	// fragments; aliases are response keys.
	f := &Fetch{Requires: ast.SelectionSet{}, Operation: `query($representations:[_Any!]!){_entities(representations:$representations){...on User{a: name reviews{id}} ...on Product{upc}}}`}
	if got, want := f.RootKeys(), []string{"a", "reviews", "upc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("entity root keys %v, want %v", got, want)
	}
	// A body start escapes what JSON requires.
	g := &Fetch{Operation: "{ a(s: \"x\\\"<y>\\n\") }", OperationName: "N"}
	var body map[string]string
	if err := json.Unmarshal(append(append([]byte(nil), g.BodyStart()...), '}'), &body); err != nil || body["query"] != g.Operation || body["operationName"] != "N" {
		t.Errorf("body start %s: %v %v", g.BodyStart(), body, err)
	}
}

// TestPlanWithSelectedOperation: an operation the caller already selected
// is planned as it is, without selecting it again by name.
func TestPlanWithSelectedOperation(t *testing.T) {
	sg, _ := loadArchive(t, "demo")
	doc, errs := gqlparser.LoadQuery(sg.API, `query A { users { id } } query B { topProducts { upc } }`)
	if errs != nil {
		t.Fatal(errs)
	}
	pl := New(sg, WithCacheSize(0))
	want, err := pl.Plan(doc, "B")
	if err != nil {
		t.Fatal(err)
	}
	// No name: selecting would fail (two operations); the given one is used.
	got, err := pl.PlanWith(doc, "", Options{Operation: doc.Operations.ForName("B")})
	if err != nil {
		t.Fatal(err)
	}
	if Print(got) != Print(want) {
		t.Errorf("plan of the selected operation\n%s\nwant\n%s", Print(got), Print(want))
	}
}
