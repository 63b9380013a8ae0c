package graph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

func TestRegistryAPIServesCurrentSupergraph(t *testing.T) {
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(map[string]string{
		"accounts": "http://127.0.0.1:1/a", "products": "http://127.0.0.1:1/p",
		"reviews": "http://127.0.0.1:1/r", "inventory": "http://127.0.0.1:1/i",
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(func() *schema.Supergraph { return sg }))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json",
		strings.NewReader(`{"query":"{ supergraph { version apiSchema } subgraphs { name url } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Data struct {
			Supergraph struct{ Version, APISchema string }
			Subgraphs  []struct{ Name, URL string }
		}
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got.Errors) > 0 {
		t.Fatalf("decode: %v %v", err, got.Errors)
	}
	if got.Data.Supergraph.Version != sg.Version || strings.Contains(got.Data.Supergraph.APISchema, "join__") ||
		!strings.Contains(got.Data.Supergraph.APISchema, "topProducts") {
		t.Errorf("supergraph: %+v", got.Data.Supergraph)
	}
	var names []string
	for _, s := range got.Data.Subgraphs {
		names = append(names, s.Name+"="+s.URL)
	}
	if want := "accounts=http://127.0.0.1:1/a inventory=http://127.0.0.1:1/i products=http://127.0.0.1:1/p reviews=http://127.0.0.1:1/r"; strings.Join(names, " ") != want {
		t.Errorf("subgraphs %q, want %q", strings.Join(names, " "), want)
	}
}
