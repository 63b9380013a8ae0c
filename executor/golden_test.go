package executor

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestLargeResponseGolden runs the benchmark's five-fetch plan and compares
// the whole response byte for byte with testdata/large_response.json.
func TestLargeResponseGolden(t *testing.T) {
	ex, req := benchSetup(t)
	res := ex.Execute(context.Background(), req)
	got := responseJSON(t, res) + "\n"
	path := filepath.Join("testdata", "large_response.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("response differs from %s (run with -update after checking the change)\n got %.400s", path, got)
	}
}
