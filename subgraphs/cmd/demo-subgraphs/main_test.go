package main

import (
	"context"
	"strings"
	"testing"
)

func TestRunRejectsBadListenBase(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"nope", "127.0.0.1:x", "127.0.0.1:0", "127.0.0.1:65534"} {
		err := run(context.Background(), base)
		if err == nil || !strings.Contains(err.Error(), "--listen-base") {
			t.Errorf("run(%q) = %v, want a --listen-base error", base, err)
		}
	}
}
