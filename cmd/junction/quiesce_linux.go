//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// quiesceListener stops ln from taking new connections without losing
// the ones the kernel already completed. Closing a listening socket resets
// every connection still in its accept queue, and a client may already
// have sent its request on such a connection: under load, closing the
// listener outright loses requests.
//
// Instead, the listen backlog drops to 0: from then on at most one
// connection waits in the queue and the kernel drops further SYNs (their
// clients retry after about a second and are refused, never served half).
// The server keeps accepting what is queued until the queue has been
// empty for a few checks in a row; then, in the same system call sequence
// that saw it empty, the socket is shut down (new connections are refused
// from there). ctx bounds the wait (shutdown.grace): connections still
// queued past it, behind server.max_connections, are reset.
func quiesceListener(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return fmt.Errorf("quiesce listener: %w", err)
	}
	var cerr error
	if err := rc.Control(func(fd uintptr) { cerr = syscall.Listen(int(fd), 0) }); err != nil || cerr != nil {
		return fmt.Errorf("quiesce listener: listen backlog 0: %w", errors.Join(err, cerr))
	}
	const quietChecks = 3 // consecutive empty checks before shutting the socket
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	quiet, logged := 0, false
	for {
		var queued int
		var done bool
		err := rc.Control(func(fd uintptr) {
			ti, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if err != nil {
				cerr, done = err, true
				return
			}
			// On a listening socket, tcpi_unacked is the accept queue's length.
			queued = int(ti.Unacked)
			if queued == 0 {
				if quiet++; quiet >= quietChecks {
					cerr, done = syscall.Shutdown(int(fd), syscall.SHUT_RD), true
				}
				return
			}
			quiet = 0
		})
		if err != nil || done {
			if err = errors.Join(err, cerr); err != nil {
				return fmt.Errorf("quiesce listener: %w", err)
			}
			return nil
		}
		if queued > 0 && !logged {
			logged = true
			log.Info("draining: serving the connections already in the listen queue before closing it", "queued", queued)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("quiesce listener: %d connections still queued after shutdown.grace: %w", queued, ctx.Err())
		case <-tick.C:
		}
	}
}
