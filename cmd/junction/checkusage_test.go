package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/junction-gateway/junction/internal/registry"
)

// check --against --usage names the clients a breaking change hits (from
// the registry's usage store) and calls a breaking change no recorded
// operation uses unused, failing only on the used ones.
func TestCheckAgainstWithUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := demoConfig(t, dir)
	old := filepath.Join(dir, "old.graphql")
	if code, _, stderr := runCLI("compose", "--config", cfg, "--output", old); code != 0 {
		t.Fatal(stderr)
	}
	acc := filepath.Join(dir, "accounts.graphql")
	raw, err := os.ReadFile(acc)
	if err != nil {
		t.Fatal(err)
	}
	sdl := strings.Replace(string(raw), "  birthday: Int\n", "  nickname: String\n", 1)
	sdl = strings.Replace(sdl, "user(id: ID!): User", "user(id: ID!, org: String!): User", 1)
	if sdl == string(raw) {
		t.Fatal("the demo accounts schema changed: update this test")
	}
	if err := os.WriteFile(acc, []byte(sdl), 0o600); err != nil {
		t.Fatal(err)
	}
	storeDir := filepath.Join(dir, "registry")
	junctionCfg := filepath.Join(dir, "junction.yaml")
	if err := os.WriteFile(junctionCfg, []byte("registry:\n  store: file\n  dir: "+storeDir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	record := func(us ...registry.OperationUsage) {
		t.Helper()
		st, err := registry.OpenFileStore(storeDir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.AddUsage(context.Background(), us); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	// Only an operation reading User.username: both breaking changes are unused.
	record(registry.OperationUsage{Client: "web", ClientVersion: "1.4", Operation: "Me", Hash: "h1",
		Coordinates: []string{"Query.me", "User.username"}, Count: 3, LastSeen: now})
	code, stdout, stderr := runCLI("check", "--config", cfg, "--against", old, "--usage", junctionCfg)
	if code != 0 || !strings.Contains(stdout, "unused   FIELD_REMOVED User.birthday") ||
		!strings.Contains(stdout, "unused   ARG_ADDED Query.user(org:)") || !strings.Contains(stdout, "(2 breaking, 0 used by the 1 recorded operation(s))") {
		t.Fatalf("no recorded use: exit %d\n%s%s", code, stdout, stderr)
	}
	// An operation reading User.birthday through user(id:): both hit it.
	record(registry.OperationUsage{Client: "ios", ClientVersion: "7", Operation: "Birthday", Hash: "h2",
		Coordinates: []string{"Query.user", "Query.user(id:)", "User.birthday"}, Count: 2, LastSeen: now})
	code, stdout, _ = runCLI("check", "--config", cfg, "--against", old, "--usage", junctionCfg)
	if code != 1 {
		t.Fatalf("used breaking change: exit %d\n%s", code, stdout)
	}
	for _, want := range []string{"BREAKING FIELD_REMOVED User.birthday", "used by ios 7: Birthday, 2 time(s)",
		"BREAKING ARG_ADDED Query.user(org:)", "(2 breaking, 2 used by the 2 recorded operation(s))"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "used by web") {
		t.Errorf("web's operation does not use the changed coordinates:\n%s", stdout)
	}
	if code, _, stderr := runCLI("check", "--config", cfg, "--usage", junctionCfg); code != 2 || !strings.Contains(stderr, "--usage needs --against") {
		t.Errorf("--usage alone: exit %d %s", code, stderr)
	}
}

// check --contracts applies a Junction config's contracts to the composed
// supergraph and to the --against one: a change that only a contract's
// clients see (a field newly tagged out of it) fails the check as that
// contract's breaking change, and a contract the new supergraph empties
// fails it too.
func TestCheckContracts(t *testing.T) {
	dir := t.TempDir()
	cfg := demoConfig(t, dir)
	prod := filepath.Join(dir, "products.graphql")
	tag := func(fields ...string) {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join("../../subgraphs/products/schema.graphqls"))
		if err != nil {
			t.Fatal(err)
		}
		sdl := strings.Replace(string(raw), `import: ["@key", "@composeDirective"]`, `import: ["@key", "@composeDirective", "@tag"]`, 1)
		for _, f := range fields {
			sdl = strings.Replace(sdl, "  "+f+"\n", "  "+f+" @tag(name: \"internal\")\n", 1)
		}
		if strings.Count(sdl, `@tag(name: "internal")`) != len(fields) || !strings.Contains(sdl, `"@tag"]`) {
			t.Fatal("the demo products schema changed: update this test")
		}
		if err := os.WriteFile(prod, []byte(sdl), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	contracts := filepath.Join(dir, "junction.yaml")
	writeContracts := func(yaml string) {
		t.Helper()
		if err := os.WriteFile(contracts, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tag("name: String")
	old := filepath.Join(dir, "old.graphql")
	if code, _, stderr := runCLI("compose", "--config", cfg, "--output", old); code != 0 {
		t.Fatal(stderr)
	}
	tag("name: String", "price: Int")
	writeContracts("contracts:\n  partner:\n    exclude: [internal]\n")

	// The full API schema did not change: without --contracts the check passes.
	if code, stdout, stderr := runCLI("check", "--config", cfg, "--against", old); code != 0 || !strings.Contains(stdout, "(0 breaking") {
		t.Fatalf("without contracts: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr := runCLI("check", "--config", cfg, "--against", old, "--contracts", contracts)
	if code != 1 || !strings.Contains(stdout, "contracts: ok (1)") ||
		!strings.Contains(stdout, "BREAKING [contract partner] FIELD_REMOVED Product.price") || !strings.Contains(stdout, "(1 breaking") {
		t.Fatalf("partner loses Product.price: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Product.name") {
		t.Errorf("Product.name was outside partner already:\n%s", stdout)
	}

	// Each contract is compared with itself on the old supergraph: one that
	// sees no change reports none.
	writeContracts("contracts:\n  partner:\n    exclude: [internal]\n  web:\n    exclude: [beta]\n")
	code, stdout, stderr = runCLI("check", "--config", cfg, "--against", old, "--contracts", contracts)
	if code != 1 || !strings.Contains(stdout, "contracts: ok (2)") || strings.Contains(stdout, "contract web") ||
		!strings.Contains(stdout, "[contract partner] FIELD_REMOVED Product.price") {
		t.Fatalf("two contracts: exit %d\n%s%s", code, stdout, stderr)
	}

	// A contract that the old supergraph would leave empty is reported as
	// added (the new one tags a query field into it).
	tag("name: String", "price: Int", "topProducts(first: Int = 5): [Product] @cacheControl(maxAge: 60)")
	writeContracts("contracts:\n  web:\n    include: [internal]\n")
	code, stdout, stderr = runCLI("check", "--config", cfg, "--against", old, "--contracts", contracts)
	if code != 0 || !strings.Contains(stdout, "safe     [contract web] CONTRACT_ADDED web") ||
		!strings.Contains(stderr, "contract web does not apply to the --against supergraph") {
		t.Fatalf("contract new on this supergraph: exit %d\n%s%s", code, stdout, stderr)
	}

	// A contract the composed supergraph leaves empty fails the check.
	writeContracts("contracts:\n  tv:\n    include: [nothing-has-this-tag]\n")
	code, stdout, stderr = runCLI("check", "--config", cfg, "--contracts", contracts)
	if code != 1 || !strings.Contains(stderr, "tv") || !strings.Contains(stderr, "invalid contract") {
		t.Fatalf("empty contract: exit %d\n%s%s", code, stdout, stderr)
	}
}
