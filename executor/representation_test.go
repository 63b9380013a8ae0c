package executor

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/junction-gateway/junction/jsonv"
	"github.com/junction-gateway/junction/planner"
)

// TestRepresentationFastPath checks that the representation written
// directly (no input rewrites) is byte for byte what building a value tree
// and encoding it gives, including every case that rejects an object.
func TestRepresentationFastPath(t *testing.T) {
	requires := map[string]string{
		"key":      `{ ... on Product { __typename upc } }`,
		"nested":   `{ ... on Product { __typename upc dims { w h } } }`,
		"list":     `{ ... on Product { __typename upc tags { name } } }`,
		"inline":   `{ ... on Product { __typename upc ... on Product { sku } } }`,
		"aliased":  `{ ... on Product { __typename id: upc } }`,
		"no-frag":  `{ __typename upc }`,
		"other":    `{ ... on User { __typename id } }`,
		"two-keys": `{ ... on Product { __typename upc sku } }`,
	}
	objects := []string{
		`{"__typename":"Product","upc":"1","sku":"s","dims":{"w":1,"h":2},"tags":[{"name":"a"},{"name":"b"}]}`,
		`{"__typename":"Product","upc":null,"sku":"s"}`,
		`{"__typename":"Product","upc":"1","sku":null,"dims":null,"tags":null}`,
		`{"__typename":"Product","upc":"1","dims":{"w":1},"tags":[{"name":"a"},null]}`,
		`{"__typename":"Product","upc":"1","dims":"flat","tags":[1]}`,
		`{"__typename":"Product","upc":"1","id":"x\"y"}`,
		`{"__typename":"User","id":"u"}`,
		`{"upc":"1"}`,
	}
	ex := &Executor{keyFields: map[string]map[string]bool{
		"Product\x00inventory": {"upc": true},
	}}
	for name, src := range requires {
		doc, err := parser.ParseQuery(&ast.Source{Input: src})
		if err != nil {
			t.Fatal(err)
		}
		f := &planner.Fetch{Service: "inventory", Requires: doc.Operations[0].SelectionSet}
		for _, raw := range objects {
			p := jsonv.NewParser([]byte(raw), nil)
			obj, err := p.Value()
			p.Release()
			if err != nil {
				t.Fatal(err)
			}
			var b repBuilder
			got, gotOK := b.representation(ex, obj, f, []byte("prefix"))
			want, wantOK := slowRepresentation(ex, obj, f)
			if gotOK != wantOK || (gotOK && string(got) != "prefix"+string(want)) || (!gotOK && string(got) != "prefix") {
				t.Errorf("%s on %s: got %q %v, want %q %v", name, raw, got, gotOK, want, wantOK)
			}
		}
	}
}

// slowRepresentation is the value-tree path of repBuilder.representation.
func slowRepresentation(e *Executor, obj *value, f *planner.Fetch) ([]byte, bool) {
	tn, _ := obj.Get("__typename").StringValue()
	var sel ast.SelectionSet
	for _, s := range f.Requires {
		switch s := s.(type) {
		case *ast.InlineFragment:
			if sel == nil && e.typeApplies(s.TypeCondition, tn) {
				sel = s.SelectionSet
			}
		case *ast.Field:
			sel = f.Requires
		}
	}
	if sel == nil {
		return nil, false
	}
	rep := &value{Kind: kindObject}
	if !e.buildSelection(obj, sel, rep, e.keyFields[tn+"\x00"+f.Service], true) {
		return nil, false
	}
	return jsonv.AppendValue(nil, rep), true
}
