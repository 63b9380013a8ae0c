package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// A gateway started without a supergraph is not ready and answers 503
// SUPERGRAPH_NOT_READY until the first Swap, then serves.
func TestNewEmptyThenSwap(t *testing.T) {
	gw, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Ready(); !errors.Is(err, ErrNoSupergraph) {
		t.Fatalf("Ready() = %v, want ErrNoSupergraph", err)
	}
	if gw.State() != nil {
		t.Fatal("State() of an empty gateway is not nil")
	}
	resp := gw.Serve(context.Background(), &Request{Query: "{ me { id } }"})
	if resp.Status != http.StatusServiceUnavailable || len(resp.Errors) != 1 ||
		resp.Errors[0].Extensions["code"] != "SUPERGRAPH_NOT_READY" {
		t.Fatalf("empty gateway answered %d %v", resp.Status, resp.Errors)
	}
	acc := &cannedAccounts{name: "Ada"}
	srv := httptest.NewServer(acc)
	defer srv.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": srv.URL, "products": srv.URL, "reviews": srv.URL, "inventory": srv.URL,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Swap(sg); err != nil {
		t.Fatal(err)
	}
	if err := gw.Ready(); err != nil {
		t.Fatalf("Ready() after Swap = %v", err)
	}
	resp = gw.Serve(context.Background(), &Request{Query: "{ me { id name } }"})
	if len(resp.Errors) > 0 || string(resp.Data) != `{"me":{"id":"1","name":"Ada"}}` {
		t.Fatalf("after Swap: data %s errors %v", resp.Data, resp.Errors)
	}
}
