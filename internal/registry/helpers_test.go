package registry

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// listComposer is a test double of the composer for the registry's own
// mechanics (stores, retries, replicas): it "composes" the demo supergraph
// with the registered URLs of the demo subgraphs and a comment naming every
// registered subgraph and the hash of its SDL, so that every distinct set
// gives a distinct, loadable supergraph. An SDL containing BROKEN fails
// with a FIELD_TYPE_MISMATCH naming its subgraph. Composition itself is
// tested in schema and, through the registry, in cmd/junction.
type listComposer struct{}

func (listComposer) Compose(subs []Subgraph) (string, []CompositionError, error) {
	urls := map[string]string{}
	var b strings.Builder
	var errs []CompositionError
	for _, s := range subs {
		if strings.Contains(s.SDL, "BROKEN") {
			errs = append(errs, CompositionError{Code: "FIELD_TYPE_MISMATCH", Message: "broken on purpose",
				Coordinates: []string{"Query.broken"}, Subgraphs: []string{s.Name}})
		}
		urls[s.Name] = s.URL
		sum := sha256.Sum256([]byte(s.SDL))
		fmt.Fprintf(&b, "# %s %s\n", s.Name, hex.EncodeToString(sum[:8]))
	}
	if len(errs) > 0 {
		return "", errs, nil
	}
	return b.String() + subgraphs.Supergraph(urls), nil, nil
}

func (listComposer) Diff(old, new *schema.Supergraph) []Change {
	if old.Version == new.Version {
		return nil
	}
	return []Change{{Kind: "FIELD_REMOVED", Coordinate: "Product.price", Message: "test change", Breaking: true}}
}

// newGateway starts the demo subgraphs and an empty gateway over them.
func newGateway(t *testing.T) (*gateway.Gateway, *subgraphs.Demo) {
	t.Helper()
	demo, err := subgraphs.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	gw, err := gateway.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return gw, demo
}

// registerDemo registers the four demo subgraphs.
func registerDemo(t *testing.T, r *Registry, demo *subgraphs.Demo) {
	t.Helper()
	for _, n := range subgraphs.Names {
		res, err := r.Register(context.Background(), n, demo.URLs[n], "type Query { "+n+": String }")
		if err != nil || !res.OK {
			t.Fatalf("register %s: %v %+v", n, err, res)
		}
	}
}

// query runs a query through gw and returns the data or fails.
func query(t *testing.T, gw *gateway.Gateway, q string) string {
	t.Helper()
	resp := gw.Serve(context.Background(), &gateway.Request{Query: q})
	if len(resp.Errors) > 0 {
		t.Fatalf("%s: %v", q, resp.Errors)
	}
	return string(resp.Data)
}

func names(s *Snapshot) string {
	var out []string
	for _, x := range s.Subgraphs {
		out = append(out, x.Name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// startRedis starts a real redis-server on a free loopback port for t
// (skipped when the binary is missing) and returns a client.
func startRedis(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
		}
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr}})
	t.Cleanup(func() { rdb.Close() })
	deadline := time.Now().Add(5 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rdb, addr
}
