package subgraphs

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, u, query string) (map[string]any, error) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: status %d: %s", u, resp.StatusCode, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %v: %s", u, err, raw)
	}
	return out, nil
}

func TestStart(t *testing.T) {
	t.Parallel()
	demo, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	if len(demo.URLs) != len(Names) {
		t.Fatalf("URLs = %v, want one per subgraph %v", demo.URLs, Names)
	}
	sdl := Supergraph(demo.URLs)
	for _, name := range Names {
		u := demo.URLs[name]
		if !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, "/query") {
			t.Errorf("%s url = %q", name, u)
		}
		if !strings.Contains(sdl, `@join__graph(name: "`+name+`", url: "`+u+`")`) {
			t.Errorf("supergraph lacks the url of %s", name)
		}
		out, err := post(t, u, "{ _service { sdl } }")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, _ := out["data"].(map[string]any)
		svc, _ := data["_service"].(map[string]any)
		if s, _ := svc["sdl"].(string); !strings.Contains(s, "@key") {
			t.Errorf("%s: _service.sdl = %v", name, out)
		}
		// The GET transport answers too.
		resp, err := http.Get(u + "?query=" + url.QueryEscape("{ __typename }"))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), `"__typename":"Query"`) {
			t.Errorf("%s GET: %d %s", name, resp.StatusCode, raw)
		}
		if n := demo.Servers[name].Requests(); n != 2 {
			t.Errorf("%s served %d requests, want 2", name, n)
		}
	}
	demo.Close()
	demo.Close() // idempotent
	if _, err := post(t, demo.URLs["accounts"], "{ __typename }"); err == nil {
		t.Error("accounts still answers after Close")
	}
}

func TestStartStopsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	demo, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	if _, err := post(t, demo.URLs["products"], "{ topProducts { upc } }"); err != nil {
		t.Fatal(err)
	}
	cancel()
	// Shutdown runs in the background after cancel: wait for it, bounded.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := post(t, demo.URLs["products"], "{ __typename }"); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("products still answers 5s after the context was cancelled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNewServer(t *testing.T) {
	t.Parallel()
	for _, name := range Names {
		if NewServer(name) == nil {
			t.Errorf("NewServer(%q) = nil", name)
		}
	}
	if NewServer("nope") != nil {
		t.Error(`NewServer("nope") != nil`)
	}
}
