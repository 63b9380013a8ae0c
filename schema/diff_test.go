package schema

import (
	"strings"
	"testing"
)

func composeSDLs(t *testing.T, sdls map[string]string) *Supergraph {
	t.Helper()
	var subs []*SubgraphSchema
	for _, n := range sortedKeys(sdls) {
		s, err := ParseSubgraph(n, "http://"+n+".invalid", sdls[n])
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		subs = append(subs, s)
	}
	sg, err := Compose(subs)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

func TestDiff(t *testing.T) {
	const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])` + "\n"
	old := composeSDLs(t, map[string]string{"a": link + `
type Query { user(id: ID!, full: Boolean): User users(first: Int): [User] search(f: Filter): [User] }
type User @key(fields: "id") { id: ID! name: String age: Int role: Role! }
enum Role { ADMIN USER GUEST }
input Filter { name: String age: Int }
`})
	new := composeSDLs(t, map[string]string{"a": link + `
type Query { user(id: ID!, verbose: Boolean!): User! users(first: Int!): [User] search(f: Filter): [User] team: String }
type User @key(fields: "id") { id: ID! name: Int role: Role! email: String }
enum Role { ADMIN USER MODERATOR }
input Filter { name: String! age: Int }
`})
	var got []string
	for _, c := range Diff(old, new) {
		got = append(got, c.Kind+" "+c.Coordinate+" "+map[bool]string{true: "breaking", false: "safe"}[c.Breaking])
	}
	want := []string{
		"ARG_REMOVED Query.user(full:) breaking",
		"ARG_ADDED Query.user(verbose:) breaking",
		"FIELD_TYPE_CHANGED Query.user safe",
		"ARG_TYPE_CHANGED Query.users(first:) breaking",
		"FIELD_ADDED Query.team safe",
		"ENUM_VALUE_ADDED Role.MODERATOR safe",
		"ENUM_VALUE_REMOVED Role.GUEST breaking",
		"INPUT_FIELD_TYPE_CHANGED Filter.name breaking",
		"FIELD_REMOVED User.age breaking",
		"FIELD_ADDED User.email safe",
		"FIELD_TYPE_CHANGED User.name breaking",
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing change %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d changes, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	if len(Diff(old, old)) != 0 {
		t.Error("a supergraph differs from itself")
	}
}
