package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestPlaygroundBundleMatchesSources: the committed bundle was built from
// the committed sources. build.mjs writes the hash of its inputs to
// dist/sources.sha256; a change to src/, package.json, the lock file or
// build.mjs without `npm ci && npm run build` fails here (rebuilding needs
// node and the npm registry, so the test compares hashes instead).
func TestPlaygroundBundleMatchesSources(t *testing.T) {
	dir := "playground"
	files := []string{"build.mjs", "package-lock.json", "package.json"}
	src, err := os.ReadDir(filepath.Join(dir, "src"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range src {
		files = append(files, "src/"+e.Name())
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\n%d\n", f, len(b))
		h.Write(b)
	}
	want, err := os.ReadFile(filepath.Join(dir, "dist", "sources.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.TrimSpace(string(want)) {
		t.Errorf("the playground sources changed since the bundle was built (sources %s, bundle built from %s): "+
			"run `npm ci && npm run build` in internal/server/playground and commit dist/", got, strings.TrimSpace(string(want)))
	}
}
