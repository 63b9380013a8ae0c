package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/internal/config"
)

func TestConfigSchemaCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"config", "schema"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !bytes.Equal(out.Bytes(), config.Schema()) {
		t.Fatal("junction config schema differs from config.Schema()")
	}
}

func TestConfigValidateCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("listen: 127.0.0.1:4000\n"), 0o644)
	os.WriteFile(bad, []byte("listen: 127.0.0.1:4000\nlimits:\n  max_depth: deep\nplaygrund: true\n"), 0o644)

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"config", "validate", good}, &out, &errb); code != 0 || !strings.Contains(out.String(), "ok") {
		t.Fatalf("good file: exit %d: %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	code := run(context.Background(), []string{"config", "validate", bad}, &out, &errb)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if code != 1 || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], bad+":3:14: limits.max_depth: ") ||
		!strings.HasPrefix(lines[1], bad+":4:1: playgrund: unknown key (did you mean playground?)") ||
		!strings.Contains(lines[2], "2 problem(s)") {
		t.Fatalf("bad file: exit %d, stderr:\n%s", code, errb.String())
	}
	if code := run(context.Background(), []string{"config", "validate"}, &out, &errb); code != 2 {
		t.Fatalf("no file: exit %d", code)
	}
}
