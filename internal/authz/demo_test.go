package authz_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// startDemo runs the gateway with authentication over the demo subgraphs.
func startDemo(t *testing.T) (*gateway.Gateway, *subgraphs.Demo) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(sg, gateway.WithPlugins(plugins(t, false, nil)...))
	if err != nil {
		t.Fatal(err)
	}
	return gw, demo
}

func serve(t *testing.T, gw *gateway.Gateway, query, tok string) string {
	t.Helper()
	h := http.Header{}
	if tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	r := gw.Serve(context.Background(), &gateway.Request{Query: query, Header: h})
	out := map[string]any{}
	if r.Data != nil {
		out["data"] = json.RawMessage(r.Data)
	}
	if len(r.Errors) > 0 {
		out["errors"] = r.Errors
	}
	if r.Status != 0 {
		out["status"] = r.Status
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestDemoMe(t *testing.T) {
	gw, demo := startDemo(t)
	got := serve(t, gw, `{ me { id name } }`, "")
	if !strings.HasPrefix(got, `{"data":{"me":null},"errors":[{"message":"Unauthorized field or type: Query.me requires authentication","path":["me"]`) {
		t.Errorf("anonymous: %s", got)
	}
	if n := demo.Servers["accounts"].Requests(); n != 0 {
		t.Errorf("accounts asked %d times for a denied field", n)
	}
	// The caller's sub reaches accounts as x-user-id.
	if got := serve(t, gw, `{ me { id name } }`, token(t, "3", "")); got != `{"data":{"me":{"id":"3","name":"Grace Hopper"}}}` {
		t.Errorf("sub 3: %s", got)
	}
	if got := serve(t, gw, `{ me { id } }`, token(t, "5", "")); got != `{"data":{"me":{"id":"5"}}}` {
		t.Errorf("sub 5: %s", got)
	}
	// A bad token is 401 and never reaches a subgraph.
	before := demo.Servers["accounts"].Requests()
	if got := serve(t, gw, `{ me { id } }`, token(t, "5", "")+"x"); got != `{"errors":[{"message":"token signature is invalid","extensions":{"code":"UNAUTHENTICATED"}}],"status":401}` {
		t.Errorf("bad token: %s", got)
	}
	if demo.Servers["accounts"].Requests() != before {
		t.Error("a request with a bad token reached accounts")
	}
}

func TestDemoEmailScopes(t *testing.T) {
	gw, _ := startDemo(t)
	q := `{ user(id: "1") { id email } }`
	for _, tc := range []struct{ scopes, want string }{
		{"read:email", `{"data":{"user":{"id":"1","email":"ada@example.com"}}}`},
		{"admin", `{"data":{"user":{"id":"1","email":"ada@example.com"}}}`},
		{"read:email admin", `{"data":{"user":{"id":"1","email":"ada@example.com"}}}`},
		{"read", `{"data":{"user":{"id":"1","email":null}},"errors":[{"message":"Unauthorized field or type: User.email requires scopes [read:email] or [admin]","path":["user","email"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}]}`},
		{"", `{"data":{"user":{"id":"1","email":null}},"errors":[{"message":"Unauthorized field or type: User.email requires scopes [read:email] or [admin]","path":["user","email"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}]}`},
	} {
		if got := serve(t, gw, q, token(t, "1", tc.scopes)); got != tc.want {
			t.Errorf("scopes %q:\n got %s\nwant %s", tc.scopes, got, tc.want)
		}
	}
}

func TestDemoAddReview(t *testing.T) {
	gw, demo := startDemo(t)
	m := `mutation { addReview(upc: "2", body: "Comfy.") { body author { id username } } }`
	got := serve(t, gw, m, "")
	if !strings.Contains(got, `"data":{"addReview":null}`) || !strings.Contains(got, "Mutation.addReview requires authentication") {
		t.Errorf("anonymous: %s", got)
	}
	if n := demo.Servers["reviews"].Requests(); n != 0 {
		t.Errorf("reviews asked %d times for a denied mutation", n)
	}
	got = serve(t, gw, m, token(t, "4", ""))
	if got != `{"data":{"addReview":{"body":"Comfy.","author":{"id":"4","username":"@goto"}}}}` {
		t.Errorf("as user 4: %s", got)
	}
	got = serve(t, gw, `{ user(id: "4") { reviews { body } } }`, "")
	if !strings.Contains(got, `{"body":"Comfy."}`) {
		t.Errorf("the review is not among user 4's: %s", got)
	}
}
