package schema

import (
	"strings"
	"testing"
)

// fed28 prefixes a subgraph SDL with a federation v2.8 @link importing the
// directives the context cases use.
func fed28(sdl string) string {
	return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@shareable", "@context", "@fromContext"])` + "\n" + sdl
}

// ctxT is a root field to T, an entity setting context name with a
// field prop; ctxU is U with field f taking args and fieldDirs.
func ctxT(name string) string {
	return `type Query { t: T! } type T @key(fields: "id") @context(name: "` + name + `") { id: ID! u: U! prop: String! } `
}

func ctxU(args, fieldDirs string) string {
	return `type U @key(fields: "id") { id: ID! f(` + args + `): Int!` + fieldDirs + ` }`
}

// TestContextComposes: the contextual argument leaves the supergraph and
// the API schema; the model records the context on T and the argument's
// source on U.f.
func TestContextComposes(t *testing.T) {
	sg, err := Compose([]*SubgraphSchema{mustSubgraph(t, "a", fed28(ctxT("ctx")+ctxU(`a: String @fromContext(field: "$ctx { prop }"), b: Int`, "")))})
	if err != nil {
		t.Fatal(err)
	}
	if got := sg.Types["T"].Contexts; len(got) != 1 || got[0] != "a__ctx" {
		t.Errorf("T contexts = %v", got)
	}
	src := sg.Types["U"].Fields["f"].Source("a")
	if src == nil || len(src.Contexts) != 1 {
		t.Fatalf("U.f source = %+v", src)
	}
	ca := src.Contexts[0]
	if ca.Name != "a" || ca.Type != "String" || ca.Context != "a__ctx" || strings.TrimSpace(ca.Selection) != "{ prop }" || len(ca.Bound["T"]) != 1 {
		t.Errorf("context argument = %+v", ca)
	}
	f := sg.API.Types["U"].Fields.ForName("f")
	if f.Arguments.ForName("a") != nil || f.Arguments.ForName("b") == nil {
		t.Errorf("API U.f arguments: %v", f.Arguments)
	}
	for _, want := range []string{`@context(name: "a__ctx")`, `contextArguments: [{context: "a__ctx", name: "a", type: "String", selection: " { prop }"}]`,
		`@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)`} {
		if !strings.Contains(Print(sg), want) {
			t.Errorf("supergraph lacks %s", want)
		}
	}
	if strings.Contains(PrintAPI(sg), "context") {
		t.Errorf("API schema mentions contexts:\n%s", PrintAPI(sg))
	}
}

// A supergraph naming a context no type sets is refused at load.
func TestContextUnknownInSupergraph(t *testing.T) {
	sg, err := Compose([]*SubgraphSchema{mustSubgraph(t, "a", fed28(ctxT("ctx")+ctxU(`a: String @fromContext(field: "$ctx { prop }")`, "")))})
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(Print(sg), `context: "a__ctx"`, `context: "a__nope"`, 1)
	if _, err := ParseSupergraph(bad); err == nil || !strings.Contains(err.Error(), "a__nope") {
		t.Errorf("ParseSupergraph = %v, want an error naming a__nope", err)
	}
}

func mustSubgraph(t *testing.T, name, sdl string) *SubgraphSchema {
	t.Helper()
	s, err := ParseSubgraph(name, "http://"+name+".invalid", sdl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
