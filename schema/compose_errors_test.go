package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// fed2 prefixes a subgraph SDL with a Federation 2 @link importing every
// directive the error cases use.
func fed2(sdl string) string {
	return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@interfaceObject"])` + "\n" + sdl
}

// composeErrors parses and composes sdls and returns the composition
// errors (nil when it composes).
func composeErrors(t *testing.T, sdls map[string]string) CompositionErrors {
	t.Helper()
	var subs []*SubgraphSchema
	var all CompositionErrors
	for _, n := range sortedKeys(sdls) {
		s, err := ParseSubgraph(n, "http://"+n+".invalid", sdls[n])
		if err != nil {
			var ce CompositionErrors
			if !errors.As(err, &ce) {
				t.Fatalf("%s: ParseSubgraph error is %T, not CompositionErrors", n, err)
			}
			all = append(all, ce...)
			continue
		}
		subs = append(subs, s)
	}
	if len(all) > 0 {
		return all
	}
	_, err := Compose(subs)
	if err == nil {
		return nil
	}
	var ce CompositionErrors
	if !errors.As(err, &ce) {
		t.Fatalf("Compose error is %T, not CompositionErrors", err)
	}
	return ce
}

// TestCompositionErrors is the error table: input SDLs, the expected code,
// coordinates and subgraphs.
func TestCompositionErrors(t *testing.T) {
	const q = "type Query { x: Int }\n"
	tests := []struct {
		name   string
		sdls   map[string]string
		code   string
		coords []string
		subs   []string
	}{
		{"field type mismatch scalar", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! name: String @shareable }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! name: Int @shareable }`),
		}, "FIELD_TYPE_MISMATCH", []string{"P.name"}, []string{"a", "b"}},
		{"field type mismatch list", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! tags: [String] @shareable }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! tags: String @shareable }`),
		}, "FIELD_TYPE_MISMATCH", []string{"P.tags"}, []string{"a", "b"}},
		{"input field type mismatch", map[string]string{
			"a": fed2(`type Query { f(i: In): Int } input In { v: Int }`),
			"b": fed2(`type Query { g(i: In): Int } input In { v: String }`),
		}, "FIELD_TYPE_MISMATCH", []string{"In.v"}, []string{"a", "b"}},

		{"non-shareable entity field", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! name: String }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! name: String }`),
		}, "INVALID_FIELD_SHARING", []string{"P.name"}, []string{"a", "b"}},
		{"root field in two subgraphs", map[string]string{
			"a": fed2(`type Query { me: String }`),
			"b": fed2(`type Query { me: String @shareable }`),
		}, "INVALID_FIELD_SHARING", []string{"Query.me"}, []string{"a", "b"}},
		{"value type not shareable", map[string]string{
			"a": fed2(`type Query { a: V } type V { x: Int }`),
			"b": fed2(`type Query { b: V } type V { x: Int }`),
		}, "INVALID_FIELD_SHARING", []string{"V.x"}, []string{"a", "b"}},

		{"key selects interface", map[string]string{
			"a": fed2(q + `interface I { id: ID! } type T implements I { id: ID! } type P @key(fields: "i { id }") { i: I! }`),
		}, "KEY_FIELDS_SELECT_INVALID_TYPE", []string{"P.i"}, []string{"a"}},
		{"key selects union", map[string]string{
			"a": fed2(q + `type T { id: ID! } union U = T type P @key(fields: "u { ... on T { id } }") { u: U! }`),
		}, "KEY_FIELDS_SELECT_INVALID_TYPE", []string{"P.u"}, []string{"a"}},

		{"key names unknown field", map[string]string{
			"a": fed2(q + `type P @key(fields: "upc") { id: ID! }`),
		}, "KEY_INVALID_FIELDS", []string{"P"}, []string{"a"}},
		{"key does not parse", map[string]string{
			"a": fed2(q + `type P @key(fields: "id {") { id: ID! }`),
		}, "KEY_INVALID_FIELDS", []string{"P"}, []string{"a"}},
		{"key object field without selection", map[string]string{
			"a": fed2(q + `type O { v: Int } type P @key(fields: "o") { o: O! }`),
		}, "KEY_INVALID_FIELDS", []string{"P"}, []string{"a"}},

		{"external nowhere defined", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! w: Int @external t: Int @requires(fields: "w") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! other: Int }`),
		}, "EXTERNAL_MISSING_ON_BASE", []string{"P.w"}, []string{"a"}},
		{"external everywhere", map[string]string{
			"a": fed2(`type Query { p: P @provides(fields: "n") } type P @key(fields: "id") { id: ID! n: String @external }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String @external }`),
		}, "EXTERNAL_MISSING_ON_BASE", []string{"P.n"}, []string{"a"}},

		{"requires unknown field", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! t: Int @requires(fields: "weight") }`),
		}, "REQUIRES_INVALID_FIELDS", []string{"P.t"}, []string{"a"}},
		{"requires bad syntax", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! w: Int @external t: Int @requires(fields: "w {") }`),
		}, "REQUIRES_INVALID_FIELDS", []string{"P.t"}, []string{"a"}},

		{"provides unknown field", map[string]string{
			"a": fed2(`type Query { p: P @provides(fields: "nope") } type P @key(fields: "id") { id: ID! }`),
		}, "PROVIDES_INVALID_FIELDS", []string{"Query.p"}, []string{"a"}},
		{"provides leaf with selection", map[string]string{
			"a": fed2(`type Query { p: P @provides(fields: "id { x }") } type P @key(fields: "id") { id: ID! }`),
		}, "PROVIDES_INVALID_FIELDS", []string{"Query.p"}, []string{"a"}},

		{"override chain", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! n: String @override(from: "b") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String @override(from: "c") }`),
			"c": fed2(`type P @key(fields: "id") { id: ID! n: String }`),
		}, "OVERRIDE_SOURCE_HAS_OVERRIDE", []string{"P.n"}, []string{"a", "b"}},
		{"override each other", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! n: String @override(from: "b") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String @override(from: "a") }`),
		}, "OVERRIDE_SOURCE_HAS_OVERRIDE", []string{"P.n"}, []string{"a", "b"}},

		{"enum used both ways differs", map[string]string{
			"a": fed2(`type Query { c: Color f(c: Color): Int } enum Color { RED GREEN }`),
			"b": fed2(`type Query { g: Color } enum Color { RED }`),
		}, "ENUM_VALUE_MISMATCH", []string{"Color.GREEN"}, []string{"a", "b"}},
		{"enum both ways across subgraphs", map[string]string{
			"a": fed2(`type Query { c: Color } enum Color { RED BLUE }`),
			"b": fed2(`type Query { f(c: Color): Int } enum Color { RED GREEN }`),
		}, "ENUM_VALUE_MISMATCH", []string{"Color.BLUE"}, []string{"a", "b"}},

		{"disjoint input", map[string]string{
			"a": fed2(`type Query { f(i: In): Int } input In { x: Int }`),
			"b": fed2(`type Query { g(i: In): Int } input In { y: Int }`),
		}, "EMPTY_MERGED_INPUT_TYPE", []string{"In"}, []string{"a", "b"}},
		{"disjoint input three subgraphs", map[string]string{
			"a": fed2(`type Query { f(i: In): Int } input In { x: Int y: Int }`),
			"b": fed2(`type Query { g(i: In): Int } input In { y: Int z: Int }`),
			"c": fed2(`type Query { h(i: In): Int } input In { x: Int z: Int }`),
		}, "EMPTY_MERGED_INPUT_TYPE", []string{"In"}, []string{"a", "b", "c"}},

		{"interface field added elsewhere", map[string]string{
			"a": fed2(`type Query { i: I } interface I { id: ID! } type T implements I @key(fields: "id") { id: ID! }`),
			"b": fed2(`interface I { id: ID! extra: Int } type U implements I @key(fields: "id") { id: ID! extra: Int }`),
		}, "INTERFACE_FIELD_NO_IMPLEM", []string{"I.extra", "T"}, []string{"a", "b"}},
		{"interface field no implementation anywhere", map[string]string{
			"a": fed2(`type Query { i: I } interface I { id: ID! } type T implements I @key(fields: "id") { id: ID! }`),
			"b": fed2(`interface I { id: ID! name: String } type T implements I @key(fields: "id") { id: ID! name: String }`),
			"c": fed2(`type V implements I @key(fields: "id") { id: ID! } interface I { id: ID! }`),
		}, "INTERFACE_FIELD_NO_IMPLEM", []string{"I.name", "V"}, []string{"b", "c"}},
		{"external unused", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! w: Int }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! w: Int @external other: Int }`),
		}, "EXTERNAL_UNUSED", []string{"P.w"}, []string{"b"}},
		{"external unused beside a used one", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! w: Int v: Int }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! w: Int @external v: Int @external t: Int @requires(fields: "w") }`),
		}, "EXTERNAL_UNUSED", []string{"P.v"}, []string{"b"}},

		{"override label out of range", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! n: String @override(from: "b", label: "percent(150)") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String }`),
		}, "OVERRIDE_LABEL_INVALID", []string{"P.n"}, []string{"a"}},
		{"override label bad characters", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! n: String @override(from: "b", label: "1 bad label") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String }`),
		}, "OVERRIDE_LABEL_INVALID", []string{"P.n"}, []string{"a"}},

		{"override and external", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! n: String @override(from: "b") @external t: Int @requires(fields: "n") }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! n: String }`),
		}, "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", []string{"P.n"}, []string{"a"}},
		{"override and external on a key field", map[string]string{
			"a": fed2(q + `type P @key(fields: "id") { id: ID! @override(from: "b") @external n: String }`),
			"b": fed2(`type P @key(fields: "id") { id: ID! }`),
		}, "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", []string{"P.id"}, []string{"a"}},

		// Contexts (@context / @fromContext, federation v2.8): each case
		// gives the same code with @apollo/composition 2.14.
		{"context name with an underscore", map[string]string{
			"a": fed28(ctxT("my_ctx") + ctxU(`a: String @fromContext(field: "$my_ctx { prop }")`, "")),
		}, "CONTEXT_NAME_INVALID", []string{"T"}, []string{"a"}},
		{"context name starting with a digit", map[string]string{
			"a": fed28(ctxT("1ctx") + ctxU(`a: String @fromContext(field: "$ctx { prop }")`, "")),
		}, "CONTEXT_NAME_INVALID", []string{"T"}, []string{"a"}},
		{"fromContext without a context", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "{ prop }")`, "")),
		}, "NO_CONTEXT_IN_SELECTION", []string{"U.f(a:)"}, []string{"a"}},
		{"fromContext context without $", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "ctx { prop }")`, "")),
		}, "NO_CONTEXT_IN_SELECTION", []string{"U.f(a:)"}, []string{"a"}},
		{"context never set", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "$other { prop }")`, "")),
		}, "CONTEXT_NOT_SET", []string{"U.f(a:)"}, []string{"a"}},
		{"contextual argument with a default", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String = "x" @fromContext(field: "$ctx { prop }")`, "")),
		}, "CONTEXT_NOT_SET", []string{"U.f(a:)"}, []string{"a"}},
		{"contextual argument on an interface field", map[string]string{
			"a": fed28(`type Query { t: T! } type T @key(fields: "id") @context(name: "ctx") { id: ID! u: I! prop: String! }
				interface I { id: ID! f(a: String @fromContext(field: "$ctx { prop }")): Int! }
				type U implements I @key(fields: "id") { id: ID! f(a: String): Int! }`),
		}, "CONTEXT_NOT_SET", []string{"I.f(a:)"}, []string{"a"}},
		{"context selection of another type", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: Int @fromContext(field: "$ctx { prop }")`, "")),
		}, "CONTEXT_INVALID_SELECTION", []string{"U.f(a:)"}, []string{"a"}},
		{"context selection of an unknown field", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "$ctx { nope }")`, "")),
		}, "CONTEXT_INVALID_SELECTION", []string{"U.f(a:)"}, []string{"a"}},
		{"context selection of two fields", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "$ctx { prop id }")`, "")),
		}, "CONTEXT_INVALID_SELECTION", []string{"U.f(a:)"}, []string{"a"}},
		{"contextual field without a resolvable key", map[string]string{
			"a": fed28(ctxT("ctx") + `type U @key(fields: "id", resolvable: false) { id: ID! f(a: String @fromContext(field: "$ctx { prop }")): Int! }`),
		}, "CONTEXT_NO_RESOLVABLE_KEY", []string{"U"}, []string{"a"}},
		{"contextual field without a key", map[string]string{
			"a": fed28(ctxT("ctx") + `type U { id: ID! f(a: String @fromContext(field: "$ctx { prop }")): Int! }`),
		}, "CONTEXT_NO_RESOLVABLE_KEY", []string{"U"}, []string{"a"}},
		{"argument required where it is not contextual", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "$ctx { prop }")`, " @shareable")),
			"b": fed28(`type U @key(fields: "id") { id: ID! f(a: String!): Int! @shareable }`),
		}, "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS", []string{"U.f(a:)"}, []string{"b"}},
		{"argument of another type, required, where it is not contextual", map[string]string{
			"a": fed28(ctxT("ctx") + ctxU(`a: String @fromContext(field: "$ctx { prop }"), b: Int`, " @shareable")),
			"b": fed28(`type U @key(fields: "id") { id: ID! f(a: [ID]!, b: Int): Int! @shareable }`),
		}, "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS", []string{"U.f(a:)"}, []string{"b"}},
	}
	perCode := map[string]int{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := composeErrors(t, tt.sdls)
			if len(errs) == 0 {
				t.Fatalf("composed; want %s", tt.code)
			}
			for _, e := range errs {
				if e.Code == tt.code && slices.Equal(e.Coordinates, tt.coords) {
					if !slices.Equal(e.Subgraphs, tt.subs) {
						t.Errorf("%s subgraphs = %v, want %v", tt.code, e.Subgraphs, tt.subs)
					}
					for _, s := range tt.subs {
						if !strings.Contains(e.Message, s) {
							t.Errorf("message does not name subgraph %s: %s", s, e.Message)
						}
					}
					return
				}
			}
			t.Errorf("no %s at %v in:\n%v", tt.code, tt.coords, errs)
		})
		perCode[tt.code]++
	}
	for code, n := range perCode {
		if n < 2 {
			t.Errorf("code %s has %d cases, want at least 2", code, n)
		}
	}
}

func TestComposeDeterministicErrors(t *testing.T) {
	sdls := map[string]string{
		"a": fed2(`type Query { me: String x: Int } type P @key(fields: "id") { id: ID! n: String }`),
		"b": fed2(`type Query { me: String } type P @key(fields: "id") { id: ID! n: Int }`),
	}
	first := composeErrors(t, sdls).Error()
	for range 5 {
		if got := composeErrors(t, sdls).Error(); got != first {
			t.Fatalf("errors differ between runs:\n%s\n---\n%s", first, got)
		}
	}
}

// TestComposeConcurrent: parsed subgraphs are immutable and may be
// composed by many goroutines at once (the registry does).
func TestComposeConcurrent(t *testing.T) {
	subs := largeSubgraphs(t, 10, 60)
	want, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 4)
	for range 4 {
		go func() {
			sg, err := Compose(subs)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- Print(sg)
		}()
	}
	for range 4 {
		if got := <-done; got != Print(want) {
			t.Errorf("concurrent composition differs: %.200s", got)
		}
	}
}
