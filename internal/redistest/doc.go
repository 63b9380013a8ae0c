// Package redistest starts a real redis-server for tests: on a free
// 127.0.0.1 port, without persistence, stopped when the test ends. A test
// that needs Redis is skipped only when the redis-server binary is missing.
//
// Invariants: the server listens on 127.0.0.1 only; Kill stops it at once
// (SIGKILL, as a crash) and Restart starts a fresh, empty one on the same
// port, so that clients configured with the address reconnect to it.
package redistest
