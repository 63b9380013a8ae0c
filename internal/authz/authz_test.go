package authz_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/junction-gateway/junction/internal/auth"
	"github.com/junction-gateway/junction/internal/authz"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/test/fedtest"
)

const secret = "test-secret-test-secret-test-secret-0123"

// token signs claims for the test provider; scope is space-separated.
func token(t testing.TB, sub, scope string, extra ...any) string {
	t.Helper()
	c := jwt.MapClaims{"iss": "test", "sub": sub, "exp": time.Now().Add(time.Hour).Unix()}
	if scope != "" {
		c["scope"] = scope
	}
	for i := 0; i+1 < len(extra); i += 2 {
		c[extra[i].(string)] = extra[i+1]
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// plugins are the authentication and authorization plugins of a test.
func plugins(t testing.TB, reject bool, policies map[string]string) []gateway.Plugin {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a, err := auth.New(ctx, auth.Options{
		JWT:    config.JWT{Providers: []config.JWTProvider{{Name: "test", Issuer: "test", Secret: secret, Leeway: time.Second}}},
		Claims: map[string]string{"x-user-id": "sub"},
	})
	if err != nil {
		t.Fatal(err)
	}
	z, err := authz.New(authz.Options{RejectUnauthorized: reject, Policies: policies})
	if err != nil {
		t.Fatal(err)
	}
	return append(a.Plugins(), z)
}

func newAuthorizer(t testing.TB) (*authz.Authorizer, error) {
	z, err := authz.New(authz.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return z, nil
}

const supergraph = `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY, import: [{name: "@requiresScopes", as: "@scopes"}])
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY, import: [{name: "@policy", as: "@federation__policy"}])
{
  query: Query
}

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @scopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @federation__policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

scalar join__FieldSet
scalar link__Import
scalar requiresScopes__Scope
scalar policy__Policy
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  A @join__graph(name: "a", url: "http://a.invalid")
}

interface Node @join__type(graph: A) {
  id: ID!
}

type Public implements Node @join__type(graph: A) @join__implements(graph: A, interface: "Node") {
  id: ID!
  title: String
}

type Private implements Node @join__type(graph: A) @join__implements(graph: A, interface: "Node") @authenticated {
  id: ID!
  secret: String
}

union Item @join__type(graph: A) @join__unionMember(graph: A, member: "Public") @join__unionMember(graph: A, member: "Private") = Public | Private

scalar Money @join__type(graph: A) @scopes(scopes: [["finance"]])

type Account @join__type(graph: A) {
  id: ID!
  owner: String!
  balance: Money! @federation__policy(policies: [["owner"]])
  note: String @scopes(scopes: [["a", "b"], ["c"]])
}

type Query @join__type(graph: A) {
  items: [Item!]!
  nodes: [Node!]!
  account: Account
  adminOnly: String @federation__policy(policies: [["isAdmin"], ["isStaff", "onDuty"]])
  broken: String @federation__policy(policies: [["broken"]])
  unknownPolicy: String @federation__policy(policies: [["nobody"]])
}
`

var policies = map[string]string{
	"owner":   `authenticated && claims.sub == "7"`,
	"isAdmin": `"admin" in scopes`,
	"isStaff": `has(claims.role) && claims.role == "staff"`,
	"onDuty":  `request.headers["x-shift"] == "on"`,
	"broken":  `claims.missing.deeper == 1`,
}

func subgraphA() *fedtest.Subgraph {
	pub := map[string]any{"__typename": "Public", "id": "p1", "title": "hello"}
	priv := map[string]any{"__typename": "Private", "id": "s1", "secret": "hidden"}
	return &fedtest.Subgraph{Name: "a", Query: map[string]fedtest.Resolver{
		"items": func(map[string]any) (any, error) { return []any{pub, priv}, nil },
		"nodes": func(map[string]any) (any, error) { return []any{pub, priv}, nil },
		"account": func(map[string]any) (any, error) {
			return map[string]any{"__typename": "Account", "id": "1", "owner": "7", "balance": "12.50", "note": "n"}, nil
		},
		"adminOnly":     func(map[string]any) (any, error) { return "admin", nil },
		"broken":        func(map[string]any) (any, error) { return "broken", nil },
		"unknownPolicy": func(map[string]any) (any, error) { return "x", nil },
	}, Supertypes: map[string][]string{"Public": {"Node", "Item"}, "Private": {"Node", "Item"}}}
}

func start(t *testing.T, reject bool) (*fedtest.Gateway, *fedtest.Subgraph) {
	a := subgraphA()
	gw := fedtest.Start(t, supergraph, []*fedtest.Subgraph{a}, gateway.WithPlugins(plugins(t, reject, policies)...), gateway.WithInboundDedupe(false))
	return gw, a
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

func sentQueries(s *fedtest.Subgraph) string {
	var qs []string
	for _, r := range s.Requests() {
		qs = append(qs, r.Query)
	}
	return strings.Join(qs, "\n")
}

func TestAbstractTypes(t *testing.T) {
	gw, a := start(t, false)
	denied := func(path, coord string) string {
		return `{"message":"Unauthorized field or type: ` + coord + ` requires authentication","path":` + path + `,"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}`
	}
	for _, tc := range []struct {
		name, query, header, want string
	}{
		// A fragment on a protected member is denied through its fields.
		{"union member", `{ items { __typename ... on Public { title } ... on Private { secret } } }`, "",
			`{"data":{"items":[{"__typename":"Public","title":"hello"},{"__typename":"Private","secret":null}]},"errors":[` + denied(`["items",1,"secret"]`, "Private.secret") + `]}`},
		{"union member, authenticated", `{ items { __typename ... on Public { title } ... on Private { secret } } }`, "1",
			`{"data":{"items":[{"__typename":"Public","title":"hello"},{"__typename":"Private","secret":"hidden"}]}}`},
		{"interface, unprotected member only", `{ nodes { ... on Public { title } } }`, "",
			`{"data":{"nodes":[{"title":"hello"},{}]}}`},
		// Node.id may come from a Private: denied, and its null
		// propagates up the non-null list to data.
		{"interface field", `{ nodes { id } }`, "",
			`{"data":null,"errors":[` + denied(`["nodes",0,"id"]`, "Node.id") + `]}`},
		{"interface field, authenticated", `{ nodes { id ... on Private { secret } } }`, "1",
			`{"data":{"nodes":[{"id":"p1"},{"id":"s1","secret":"hidden"}]}}`},
	} {
		a.ResetRequests()
		var h []string
		if tc.header != "" {
			h = bearer(token(t, tc.header, ""))
		}
		_, got := gw.Query(tc.query, nil, h...)
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if s := sentQueries(a); tc.header == "" && strings.Contains(s, "secret") || strings.Contains(tc.want, "Node.id") && strings.Contains(s, "id") {
			t.Errorf("%s: a denied field reached the subgraph: %s", tc.name, s)
		}
	}
}

func TestScopesEveryCombination(t *testing.T) {
	gw, a := start(t, false)
	// note: @scopes([["a","b"],["c"]]).
	for _, tc := range []struct {
		scopes  string
		granted bool
	}{
		{"", false}, {"a", false}, {"b", false}, {"a b", true}, {"c", true},
		{"a c", true}, {"b c", true}, {"a b c", true}, {"d", false}, {"ab", false},
	} {
		a.ResetRequests()
		_, got := gw.Query(`{ account { id note } }`, nil, bearer(token(t, "1", tc.scopes))...)
		sent := sentQueries(a)
		if tc.granted {
			if got != `{"data":{"account":{"id":"1","note":"n"}}}` || !strings.Contains(sent, "note") {
				t.Errorf("scopes %q: got %s (sent %s)", tc.scopes, got, sent)
			}
			continue
		}
		if !strings.Contains(got, `"data":{"account":{"id":"1","note":null}}`) ||
			!strings.Contains(got, `requires scopes [a b] or [c]","path":["account","note"]`) || strings.Contains(sent, "note") {
			t.Errorf("scopes %q: got %s (sent %s)", tc.scopes, got, sent)
		}
	}
}

func TestNonNullDeniedPropagates(t *testing.T) {
	gw, a := start(t, false)
	// balance: Money! needs the owner policy and, through its scalar, the
	// finance scope: its null propagates to the nullable account.
	_, got := gw.Query(`{ account { id balance } }`, nil, bearer(token(t, "7", ""))...)
	want := `{"data":{"account":null},"errors":[{"message":"Unauthorized field or type: Account.balance requires scopes [finance], policies [owner]","path":["account","balance"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if s := sentQueries(a); strings.Contains(s, "balance") {
		t.Errorf("sent %s", s)
	}
	_, got = gw.Query(`{ account { id balance } }`, nil, bearer(token(t, "7", "finance"))...)
	if got != `{"data":{"account":{"id":"1","balance":"12.50"}}}` {
		t.Errorf("owner with finance: %s", got)
	}
	_, got = gw.Query(`{ account { id balance } }`, nil, bearer(token(t, "8", "finance"))...)
	if !strings.Contains(got, `"data":{"account":null}`) {
		t.Errorf("not the owner: %s", got)
	}
}

func TestPolicies(t *testing.T) {
	gw, _ := start(t, false)
	for _, tc := range []struct {
		name    string
		header  []string
		field   string
		granted bool
	}{
		{"true", bearer(token(t, "1", "admin")), "adminOnly", true},
		{"false", bearer(token(t, "1", "read")), "adminOnly", false},
		{"anonymous", nil, "adminOnly", false},
		{"second alternative, both", append(bearer(token(t, "1", "", "role", "staff")), "X-Shift", "on"), "adminOnly", true},
		{"second alternative, one", append(bearer(token(t, "1", "", "role", "staff")), "X-Shift", "off"), "adminOnly", false},
		{"error fails closed", bearer(token(t, "1", "admin")), "broken", false},
		{"unknown policy fails closed", bearer(token(t, "1", "admin")), "unknownPolicy", false},
	} {
		_, got := gw.Query(`{ `+tc.field+` }`, nil, tc.header...)
		if tc.granted != !strings.Contains(got, "UNAUTHORIZED_FIELD_OR_TYPE") {
			t.Errorf("%s: %s", tc.name, got)
		}
	}
}

func TestRejectUnauthorized(t *testing.T) {
	gw, a := start(t, true)
	status, got := gw.Query(`{ account { id note } }`, nil)
	if status != http.StatusForbidden || strings.Contains(got, `"data"`) ||
		!strings.Contains(got, `"message":"Unauthorized field or type: Account.note requires scopes [a b] or [c]","extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}`) {
		t.Errorf("%d %s", status, got)
	}
	if n := len(a.Requests()); n != 0 {
		t.Errorf("subgraph asked %d times", n)
	}
	status, got = gw.Query(`{ account { id note } }`, nil, bearer(token(t, "1", "c"))...)
	if status != http.StatusOK || got != `{"data":{"account":{"id":"1","note":"n"}}}` {
		t.Errorf("granted: %d %s", status, got)
	}
}

func TestIntrospectionIsNotDenied(t *testing.T) {
	gw, _ := start(t, false)
	_, got := gw.Query(`{ __type(name: "Private") { fields { name } } }`, nil)
	if got != `{"data":{"__type":{"fields":[{"name":"id"},{"name":"secret"}]}}}` {
		t.Errorf("got %s", got)
	}
}

func TestPreparedRequirements(t *testing.T) {
	gw, _ := start(t, false)
	var z *authz.Authorizer
	for _, p := range plugins(t, false, policies) {
		if a, ok := p.(*authz.Authorizer); ok {
			z = a
		}
	}
	prep, err := z.Prepare(gw.GW.State().Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	p := prep.(*authz.Prepared)
	var got []string
	for _, c := range []string{"Query.items", "Query.nodes", "Node.id", "Public.id", "Private.id", "Account.note", "Account.balance", "Query.adminOnly"} {
		typ, field, _ := strings.Cut(c, ".")
		if r := p.Requirement(typ, field); r != nil {
			got = append(got, c+": "+r.String())
		}
	}
	want := []string{
		"Node.id: authentication",
		"Private.id: authentication",
		"Account.note: scopes [a b] or [c]",
		"Account.balance: scopes [finance], policies [owner]",
		"Query.adminOnly: policies [isAdmin] or [isStaff onDuty]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestIntrospectionSetting(t *testing.T) {
	for _, tc := range []struct {
		setting      string
		anon, authed bool // granted
	}{
		{"public", true, true}, {"authenticated", false, true}, {"off", false, false},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		a, err := auth.New(ctx, auth.Options{JWT: config.JWT{Providers: []config.JWTProvider{{Name: "test", Issuer: "test", Secret: secret, Leeway: time.Second}}}})
		if err != nil {
			t.Fatal(err)
		}
		z, err := authz.New(authz.Options{Introspection: tc.setting})
		if err != nil {
			t.Fatal(err)
		}
		gw := fedtest.Start(t, supergraph, []*fedtest.Subgraph{subgraphA()}, gateway.WithPlugins(append(a.Plugins(), z)...))
		for _, who := range []struct {
			header []string
			want   bool
		}{{nil, tc.anon}, {bearer(token(t, "1", "")), tc.authed}} {
			for _, q := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Query") { name } }`} {
				_, got := gw.Query(q, nil, who.header...)
				if granted := !strings.Contains(got, "UNAUTHORIZED_FIELD_OR_TYPE"); granted != who.want || granted && !strings.Contains(got, `"name":"Query"`) {
					t.Errorf("%s, token %v: %s: %s", tc.setting, who.header != nil, q, got)
				}
			}
		}
		cancel()
	}
	if _, err := authz.New(authz.Options{Introspection: "sometimes"}); err == nil {
		t.Error("an unknown introspection setting was accepted")
	}
}

// interceptOnly hides the Authorizer's Prepare from the gateway.
type interceptOnly struct{ z *authz.Authorizer }

func (p interceptOnly) Name() string { return "authorization without prepare" }
func (p interceptOnly) InterceptOperation(ctx context.Context, op *gateway.Operation, next gateway.OperationHandler) *gateway.Response {
	return p.z.InterceptOperation(ctx, op, next)
}

func TestUnpreparedFailsClosed(t *testing.T) {
	z, _ := newAuthorizer(t)
	gw := fedtest.Start(t, supergraph, []*fedtest.Subgraph{subgraphA()}, gateway.WithPlugins(interceptOnly{z}))
	status, got := gw.Query(`{ account { id } }`, nil)
	if status != http.StatusInternalServerError || !strings.Contains(got, "authorization is not prepared") {
		t.Errorf("%d %s", status, got)
	}
}
