package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/junction-gateway/junction/subgraphs"
)

// TestFileLimitRaised: started with a low soft limit on open files, serve
// runs with the soft limit raised to the hard one (issue #17: near the
// descriptor limit, new connections failed with "too many open files").
// The Go runtime raises it too on Linux; this checks the behaviour, not
// which of the two did it.
func TestFileLimitRaised(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Max <= 256 {
		t.Skipf("hard limit %d (%v): nothing to raise", lim.Max, err)
	}
	if _, err := os.Stat("/proc/self/limits"); err != nil {
		t.Skip("no /proc")
	}
	sg := filepath.Join(t.TempDir(), "sg.graphql")
	if err := os.WriteFile(sg, []byte(subgraphs.Supergraph(map[string]string{"accounts": "http://127.0.0.1:1/"})), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", `ulimit -Sn 256 && exec "$0" serve --supergraph "$1" --listen "$2"`, binary(t), sg, freeAddr(t))
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		seen := false
		for sc.Scan() {
			if !seen && strings.Contains(sc.Text(), "junction ready") {
				seen = true
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(120 * time.Second): // the first test builds the binary
		t.Fatal("serve never became ready")
	}
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "limits"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "Max open files") {
			continue
		}
		f := strings.Fields(strings.TrimPrefix(line, "Max open files"))
		if len(f) < 2 || f[0] != f[1] || f[0] == "256" {
			t.Errorf("open files limit of serve started with a soft limit of 256: %q (want soft = hard)", line)
		}
		return
	}
	t.Fatalf("no open files line in %s", raw)
}
