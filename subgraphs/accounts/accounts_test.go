package accounts

import (
	"net/http"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/subgraphs/internal/gqltest"
)

func TestRootQueries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, want string
	}{
		{"me", `{ me { id name username birthday } }`,
			`{"me":{"id":"1","name":"Ada Lovelace","username":"@ada","birthday":18151210}}`},
		{"user", `{ user(id: "3") { id name } }`, `{"user":{"id":"3","name":"Grace Hopper"}}`},
		{"unknown user", `{ user(id: "99") { id } }`, `{"user":null}`},
		{"users", `{ users { id } }`,
			`{"users":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"4"},{"id":"5"},{"id":"6"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := gqltest.JSON(t, gqltest.Post(t, Handler(), tt.query, nil))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestMeIsTheCaller(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-User-Id": {"4"}}
	got := gqltest.PostHeader(t, Handler(), `{ me { id username email } }`, nil, h)
	if len(got.Errors) > 0 || string(got.Data) != `{"me":{"id":"4","username":"@goto","email":"goto@example.com"}}` {
		t.Fatalf("got %s %v", got.Data, got.Errors)
	}
	h.Set("X-User-Id", "99")
	got = gqltest.PostHeader(t, Handler(), `{ me { id } }`, nil, h)
	if string(got.Data) != `{"me":null}` {
		t.Fatalf("unknown caller: %s", got.Data)
	}
}

func TestServiceSDL(t *testing.T) {
	t.Parallel()
	sdl := gqltest.SDL(t, Handler())
	for _, want := range []string{`type User @key(fields: "id")`, `me: User`, `user(id: ID!): User`,
		`users: [User]`, `birthday: Int`, `https://specs.apollo.dev/federation/v2.5`,
		`me: User @authenticated`, `email: String @requiresScopes(scopes: [["read:email"], ["admin"]])`} {
		if !strings.Contains(sdl, want) {
			t.Errorf("sdl lacks %q:\n%s", want, sdl)
		}
	}
}

func TestEntitiesBatched(t *testing.T) {
	t.Parallel()
	srv := New()
	reps := []map[string]any{
		{"__typename": "User", "id": "3"},
		{"__typename": "User", "id": "1"},
		{"__typename": "User", "id": "99"},
		{"__typename": "User", "id": "3"},
	}
	got := gqltest.Entities(t, srv, reps, "... on User { id username }")
	want := `[{"id":"3","username":"@amazing"},{"id":"1","username":"@ada"},null,{"id":"3","username":"@amazing"}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c, r := srv.EntityCalls(), srv.Representations(); c != 1 || r != int64(len(reps)) {
		t.Errorf("entity resolver calls = %d with %d representations, want 1 with %d", c, r, len(reps))
	}
	if n := srv.Requests(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}
