package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestCommandLineErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "usage"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"serve", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"serve"}, "--supergraph FILE (or --subgraphs FILE, or --registry) is required"},
		{[]string{"serve", "--supergraph", filepath.Join(dir, "missing.graphql")}, "cannot read supergraph"},
		{[]string{"serve", "--config", filepath.Join(dir, "missing.yaml")}, "read config"},
		{[]string{"plan", "--supergraph", filepath.Join(dir, "x")}, "--query FILE are required"},
		{[]string{"plan", "--supergraph", filepath.Join(dir, "x"), "--query", filepath.Join(dir, "y")}, "cannot read supergraph"},
		{[]string{"dev", "--listen"}, "flag needs an argument"},
		{[]string{"dev", "extra"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errb)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tc.args, code, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr %q does not mention %q", tc.args, errb.String(), tc.want)
		}
		if len(tc.args) > 0 && len(lines) != 1 && !strings.Contains(tc.want, "not defined") {
			t.Errorf("%v: want a one-line error, got %q", tc.args, errb.String())
		}
	}
}

// TestDevServesDemo builds the binary and runs the README's command: the
// demo answers a federated query, the playground page is served, and
// SIGTERM stops it cleanly.
func TestDevServesDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr := freeAddr(t)
	cmd, lines := start(t, "dev", "--listen", addr)
	select {
	case line := <-lines.ready:
		if !regexp.MustCompile(`url=http://127\.0\.0\.1:\d+/graphql`).MatchString(line) {
			t.Fatalf("ready line %q does not name the URL", line)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("dev never logged that it was ready")
	}

	body := `{"query":"{ topProducts(first: 2) { upc name reviews { id author { username } } } }"}`
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var got struct {
		Data struct {
			TopProducts []struct {
				UPC     string
				Reviews []struct{ Author struct{ Username string } }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(raw, &got); err != nil || len(got.Errors) > 0 {
		t.Fatalf("bad response %s (%v)", raw, err)
	}
	if len(got.Data.TopProducts) != 2 || len(got.Data.TopProducts[0].Reviews) == 0 || got.Data.TopProducts[0].Reviews[0].Author.Username == "" {
		t.Fatalf("federated fields missing: %s", raw)
	}

	// The dev config authenticates: me needs a token from dev token.
	var tok bytes.Buffer
	if err := runDevToken([]string{"--sub", "2"}, &tok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ auth, want string }{
		{"", `"me":null`},
		{"Bearer " + strings.TrimSpace(tok.String()), `{"data":{"me":{"id":"2"}}}`},
	} {
		req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", strings.NewReader(`{"query":"{ me { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(raw), c.want) {
			t.Fatalf("me with %q: %s", c.auth, raw)
		}
	}

	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Header.Set("Accept", "text/html")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(page)), "graphiql") {
		t.Fatalf("playground: %d %.200s", resp.StatusCode, page)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the junction binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "junction-cmd-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "junction")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// logLines follows a process's stderr: ready gets the "junction ready"
// line; all collects every line.
type logLines struct {
	ready chan string
	mu    sync.Mutex
	all   []string
}

func (l *logLines) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.all {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// start runs the binary with args until the test ends.
func start(t *testing.T, args ...string) (*exec.Cmd, *logLines) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := &logLines{ready: make(chan string, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines.mu.Lock()
			lines.all = append(lines.all, sc.Text())
			lines.mu.Unlock()
			if strings.Contains(sc.Text(), "junction ready") {
				lines.ready <- sc.Text()
			}
		}
	}()
	return cmd, lines
}
