package directives

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
)

func load(t testing.TB, file string) *schema.Supergraph {
	t.Helper()
	sdl, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := schema.ParseSupergraph(string(sdl))
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

// dump lists every application of name as "coordinate @local(args)".
func dump(r *Reader, name string, specs ...string) string {
	var b strings.Builder
	for _, a := range r.All(r.Names(name, specs...)) {
		fmt.Fprintf(&b, "%s @%s", a.Coordinate, a.Directive.Name)
		for i, arg := range a.Directive.Arguments {
			sep := ", "
			if i == 0 {
				sep = "("
			}
			fmt.Fprintf(&b, "%s%s: %s", sep, arg.Name, arg.Value.String())
		}
		if len(a.Directive.Arguments) > 0 {
			b.WriteString(")")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		file, name string
		specs      []string
		want       string
	}{
		{"renamed.graphql", "requiresScopes", []string{"requiresScopes"}, "scopes"},
		{"renamed.graphql", "authenticated", []string{"authenticated"}, "authenticated"},
		{"renamed.graphql", "policy", []string{"policy"}, ""},
		{"prefixed.graphql", "authenticated", []string{"authenticated"}, "federation__authenticated"},
		{"prefixed.graphql", "requiresScopes", []string{"requiresScopes"}, "federation__requiresScopes"},
		{"prefixed.graphql", "policy", []string{"policy"}, "federation__policy"},
		{"composed.graphql", "rateLimit", nil, "rl"},
		{"composed.graphql", "rl", nil, ""}, // an alias is not a name of its own
		{"bare.graphql", "authenticated", nil, "authenticated"},
		{"bare.graphql", "cacheControl", nil, "cacheControl"},
		{"bare.graphql", "nothing", nil, ""},
	} {
		r := NewReader(load(t, tc.file))
		if got := strings.Join(r.Names(tc.name, tc.specs...), ","); got != tc.want {
			t.Errorf("%s %s: got %q want %q", tc.file, tc.name, got, tc.want)
		}
	}
}

func TestAll(t *testing.T) {
	r := NewReader(load(t, "prefixed.graphql"))
	got := dump(r, "requiresScopes", "requiresScopes") + dump(r, "policy", "policy") + dump(r, "authenticated", "authenticated")
	want := `Color @federation__requiresScopes(scopes: [["x"]])
User.age @federation__requiresScopes(scopes: [["age"]])
User @federation__policy(policies: [["p1"]])
Query.me @federation__authenticated
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	r = NewReader(load(t, "renamed.graphql"))
	got = dump(r, "requiresScopes", "requiresScopes")
	want = `Query.secret @scopes(scopes: [["a","b"],["c"]])
User.email @scopes(scopes: [["read:email"]])
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	r = NewReader(load(t, "composed.graphql"))
	got = dump(r, "rateLimit")
	want = "Query.me @rl(max: 5, window: \"1m\")\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestOnAndArgs(t *testing.T) {
	r := NewReader(load(t, "bare.graphql"))
	names := r.Names("cacheControl")
	ds := r.On(Coordinate{"Product", "price"}, names)
	if len(ds) != 1 {
		t.Fatalf("Product.price: %d applications", len(ds))
	}
	if v, ok := Arg(ds[0], "maxAge"); !ok || v != int64(30) {
		t.Fatalf("maxAge %v %v", v, ok)
	}
	if v, ok := Arg(ds[0], "scope"); !ok || v != "PUBLIC" {
		t.Fatalf("scope default: %v %v", v, ok)
	}
	if _, ok := Arg(ds[0], "inheritMaxAge"); ok {
		t.Fatal("absent argument without default reported present")
	}
	ds = r.On(Coordinate{"Product", ""}, names)
	if len(ds) != 1 {
		t.Fatalf("Product: %d applications", len(ds))
	}
	if got := r.On(Coordinate{"Nope", ""}, names); got != nil {
		t.Fatalf("unknown type: %v", got)
	}
	if got := r.On(Coordinate{"Level", "HIGH"}, r.Names("authenticated")); len(got) != 1 {
		t.Fatalf("enum value: %v", got)
	}
	ds = r.On(Coordinate{"Query", "secret"}, r.Names("requiresScopes"))
	lists, ok := StringLists(ds[0], "scopes")
	if !ok || fmt.Sprint(lists) != "[[a b] [c]]" {
		t.Fatalf("scopes %v %v", lists, ok)
	}
	ds = r.On(Coordinate{"Query", "single"}, r.Names("requiresScopes"))
	lists, ok = StringLists(ds[0], "scopes")
	if !ok || fmt.Sprint(lists) != "[[only]]" {
		t.Fatalf("coerced scopes %v %v", lists, ok)
	}
}
