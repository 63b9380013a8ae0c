package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const collectSDL = `
type Query { n: Node r: [Result] }
interface Node { id: ID! }
interface Media implements Node { id: ID! url: String }
type Image implements Media & Node { id: ID! url: String w: Int }
type User implements Node { id: ID! name: String }
type Other { x: Int }
union Result = User | Other`

// testFilter collects for an object of type typ: @skip/@include by Included,
// fragments by TypeConditions.Satisfies; it records the selections offered.
type testFilter struct {
	conds   *TypeConditions
	typ     string
	vars    map[string]any
	offered int
}

func (f *testFilter) Include(_ ast.Selection, dirs ast.DirectiveList) bool {
	f.offered++
	ok, _ := Included(dirs, f.vars)
	return ok
}

func (f *testFilter) Applies(cond string) bool { return f.conds.Satisfies(f.typ, cond) }

// groupsString prints groups as key:field,field;... with each field's
// line and column, so that which fields joined a key shows.
func groupsString(gs []FieldGroup) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(g.Key + ":")
		for j, f := range g.Fields {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%s@%d", f.Name, f.Position.Column)
		}
	}
	return b.String()
}

// TestCollectFields: response keys in first-seen order, fields merged by
// key, fragments applied by the object's type (interfaces, unions,
// interfaces implementing interfaces), @skip/@include by variables and
// their defaults, each fragment spread once.
func TestCollectFields(t *testing.T) {
	s := gqlparser.MustLoadSchema(&ast.Source{Input: collectSDL})
	conds := NewTypeConditions(s)
	// One line per selection of the n field's set, so columns tell fields apart.
	q := `query($yes: Boolean!, $def: Boolean = false) { n {
id
... on Media { url ... on Image { w } }
... on User { name }
a: id @skip(if: $yes)
... @include(if: $def) { id }
...F ...F
id @include(if: true)
} }
fragment F on Node { __typename a: id }`
	doc, errs := gqlparser.LoadQuery(s, q)
	if errs != nil {
		t.Fatal(errs)
	}
	sel := doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
	for _, tc := range []struct{ typ, want string }{
		{"Image", "id:id@1,id@1 url:url@16 w:w@35 __typename:__typename@22 a:id@33"},
		{"User", "id:id@1,id@1 name:name@15 __typename:__typename@22 a:id@33"},
		{"Other", "id:id@1,id@1"},
	} {
		f := &testFilter{conds: conds, typ: tc.typ, vars: map[string]any{"yes": true}}
		if got := groupsString(CollectFields(f, nil, nil, sel)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.typ, got, tc.want)
		}
	}
	// With $yes false the skipped alias comes first; $def's default is false.
	f := &testFilter{conds: conds, typ: "User", vars: map[string]any{"yes": false}}
	if got, want := groupsString(CollectFields(f, nil, nil, sel)), "id:id@1,id@1 name:name@15 a:id@1,id@33 __typename:__typename@22"; got != want {
		t.Errorf("$yes false:\n got %s\nwant %s", got, want)
	}
	// Several selection sets (a key's merged sub-selections) share one
	// visited set, and out is appended to.
	out := []FieldGroup{{Key: "first"}}
	f = &testFilter{conds: conds, typ: "Other", vars: map[string]any{"yes": true}}
	if got, want := groupsString(CollectFields(f, nil, out, sel, sel)), "first: id:id@1,id@1,id@1,id@1"; got != want {
		t.Errorf("two sets:\n got %s\nwant %s", got, want)
	}
}

// TestCollectFieldsUnboundAndCycles: a spread validation did not bind is
// read from the fragments given, or left out; fragments that spread each
// other end.
func TestCollectFieldsUnboundAndCycles(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: `{ ...A ...Missing x }
fragment A on T { a ...B }
fragment B on T { b ...A }`})
	if err != nil {
		t.Fatal(err)
	}
	f := &testFilter{typ: "T"}
	got := groupsString(CollectFields(f, doc.Fragments, nil, doc.Operations[0].SelectionSet))
	if want := "a:a@19 b:b@19 x:x@19"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := groupsString(CollectFields(f, nil, nil, doc.Operations[0].SelectionSet)); got != "x:x@19" {
		t.Errorf("no fragments given: got %s", got)
	}
}

// TestCollectFieldsMany: past the short lists (keys, fragments) the map
// index keeps the order and the merging.
func TestCollectFieldsMany(t *testing.T) {
	var q, frags strings.Builder
	q.WriteString("{")
	for i := range 40 {
		fmt.Fprintf(&q, " k%d: a ...F%d", i, i)
		fmt.Fprintf(&frags, "fragment F%d on T { k%d: a k%d: a }\n", i, i%7, i)
	}
	q.WriteString(" ...F3 }\n")
	doc, err := parser.ParseQuery(&ast.Source{Input: q.String() + frags.String()})
	if err != nil {
		t.Fatal(err)
	}
	f := &testFilter{typ: "T"}
	gs := CollectFields(f, doc.Fragments, nil, doc.Operations[0].SelectionSet)
	if len(gs) != 40 {
		t.Fatalf("%d keys, want 40", len(gs))
	}
	for i, g := range gs {
		// k_i: its own field and F_i's, then one from each F_j with
		// j%7 == i (the second ...F3 adds nothing).
		want := 2
		for j := range 40 {
			if j%7 == i {
				want++
			}
		}
		if g.Key != fmt.Sprintf("k%d", i) || len(g.Fields) != want {
			t.Errorf("group %d: %s with %d fields, want k%d with %d", i, g.Key, len(g.Fields), i, want)
		}
	}
}

// TestIncluded: the spec's @skip/@include, literals and variables (their
// defaults when not given); an unreadable if is ignored with an error.
func TestIncluded(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: `query($v: Boolean, $d: Boolean = true) { a
b @skip(if: true)
c @skip(if: false)
d @include(if: false)
e @include(if: $v)
f @skip(if: $d)
g @include(if: $d) @skip(if: $v)
h @skip
i @include(if: "yes") @skip(if: true)
j @other(if: false)
}`})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"v": true}
	var got []string
	for _, s := range doc.Operations[0].SelectionSet {
		f := s.(*ast.Field)
		for _, v := range f.Directives.ForNames("skip") {
			for _, a := range v.Arguments {
				bindVariable(a.Value, doc.Operations[0])
			}
		}
		for _, v := range f.Directives.ForNames("include") {
			for _, a := range v.Arguments {
				bindVariable(a.Value, doc.Operations[0])
			}
		}
		ok, err := Included(f.Directives, vars)
		if err != nil && !errors.Is(err, ErrSkipIncludeIf) {
			t.Errorf("%s: error %v does not wrap ErrSkipIncludeIf", f.Name, err)
		}
		got = append(got, fmt.Sprintf("%s=%v/%v", f.Name, ok, err != nil))
	}
	want := "a=true/false b=false/false c=true/false d=false/false e=true/false f=false/false g=false/false h=true/true i=false/true j=true/false"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

// bindVariable points a variable value at its definition, as validation does.
func bindVariable(v *ast.Value, op *ast.OperationDefinition) {
	if v != nil && v.Kind == ast.Variable {
		v.VariableDefinition = op.VariableDefinitions.ForName(v.Raw)
	}
}
