package persisted

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

const (
	topBody   = "query Top { topProducts(first: 2) { name } }"
	usersBody = "query Users { users { id } }"
	topData   = `{"topProducts":[{"name":"Table"},{"name":"Couch"}]}`
)

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// writeManifest writes a manifest of ops ([id, body, name, type]...).
func writeManifest(t *testing.T, path string, ops ...[4]string) {
	t.Helper()
	list := make([]map[string]string, 0, len(ops))
	for _, o := range ops {
		list = append(list, map[string]string{"id": o[0], "body": o[1], "name": o[2], "type": o[3]})
	}
	b, _ := json.Marshal(map[string]any{"format": Format, "version": 1, "operations": list})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	url      string
	gw       *gateway.Gateway
	sg       *schema.Supergraph
	demo     *subgraphs.Demo
	manifest string
	log      *syncBuf
}

// start serves the demo graph over HTTP with persisted documents.
func start(t *testing.T, require bool) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{sg: sg, demo: demo, manifest: filepath.Join(t.TempDir(), "manifest.json"), log: &syncBuf{}}
	writeManifest(t, e.manifest, [4]string{hash(topBody), topBody, "Top", "query"}, [4]string{"top-names", topBody, "Top", "query"})
	p, err := New(Options{Manifest: e.manifest, Require: require, LogUnknown: true, Log: slog.New(slog.NewTextHandler(e.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if e.gw, err = gateway.New(sg, gateway.WithPlugins(p)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e.gw))
	t.Cleanup(srv.Close)
	e.url = srv.URL + "/graphql"
	return e
}

type answer struct {
	Status int
	Data   json.RawMessage
	Code   string
	Msg    string
}

func (e *env) post(t *testing.T, body map[string]any) answer {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(e.url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func read(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	a := answer{Status: resp.StatusCode, Data: out.Data}
	if len(out.Errors) > 0 {
		a.Code, _ = out.Errors[0].Extensions["code"].(string)
		a.Msg = out.Errors[0].Message
	}
	return a
}

func pq(h string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": h}}
}

func TestPersistedDocuments(t *testing.T) {
	e := start(t, false)
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"apq hash", map[string]any{"extensions": pq(hash(topBody))}},
		{"document id", map[string]any{"documentId": "top-names"}},
		{"document id with sha256: prefix", map[string]any{"documentId": "sha256:" + hash(topBody)}},
		{"document id and its own body", map[string]any{"documentId": "top-names", "query": topBody}},
		{"the body as text", map[string]any{"query": topBody}},
	} {
		if a := e.post(t, tc.body); string(a.Data) != topData || a.Code != "" {
			t.Errorf("%s: %+v", tc.name, a)
		}
	}
	// An unknown documentId is not found (the client may send the text).
	if a := e.post(t, map[string]any{"documentId": "nope"}); a.Code != CodeNotFound || a.Msg != `persisted document "nope" is not in the manifest` {
		t.Errorf("unknown id: %+v", a)
	}
	// A documentId with another body is refused.
	if a := e.post(t, map[string]any{"documentId": "top-names", "query": usersBody}); a.Code != CodeNotInList {
		t.Errorf("id with another body: %+v", a)
	}
	// Without require, other documents run (and are logged), and APQ
	// registers as usual.
	if a := e.post(t, map[string]any{"query": usersBody}); a.Code != "" || !strings.HasPrefix(string(a.Data), `{"users":[`) {
		t.Errorf("freeform: %+v", a)
	}
	if got := e.log.String(); !strings.Contains(got, "document not in the persisted documents manifest") || !strings.Contains(got, "sha256="+hash(usersBody)) {
		t.Errorf("log: %s", got)
	}
	if a := e.post(t, map[string]any{"extensions": pq(hash(usersBody))}); a.Code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("apq miss: %+v", a)
	}
	if a := e.post(t, map[string]any{"query": usersBody, "extensions": pq(hash(usersBody))}); a.Code != "" {
		t.Errorf("apq register: %+v", a)
	}
	if a := e.post(t, map[string]any{"extensions": pq(hash(usersBody))}); a.Code != "" || !strings.HasPrefix(string(a.Data), `{"users":[`) {
		t.Errorf("apq hit: %+v", a)
	}
}

func TestPersistedDocumentsRequired(t *testing.T) {
	e := start(t, true)
	before := e.demo.Servers["accounts"].Requests()
	// Any other document is refused before parsing.
	a := e.post(t, map[string]any{"query": usersBody})
	if a.Code != CodeNotInList || a.Status != http.StatusUnprocessableEntity || a.Data != nil ||
		a.Msg != "Persisted query not in the list: only the documents of the persisted documents manifest run here (persisted_documents.require)" {
		t.Errorf("freeform: %+v", a)
	}
	// APQ registration is refused, and its hash stays unknown.
	if a := e.post(t, map[string]any{"query": usersBody, "extensions": pq(hash(usersBody))}); a.Code != CodeNotInList {
		t.Errorf("apq register: %+v", a)
	}
	if a := e.post(t, map[string]any{"extensions": pq(hash(usersBody))}); a.Code != CodeNotFound {
		t.Errorf("apq hash: %+v", a)
	}
	if n := e.demo.Servers["accounts"].Requests(); n != before {
		t.Errorf("accounts was asked %d times", n-before)
	}
	// The manifest's documents run: by hash, by id, by their exact text,
	// and over GET.
	for _, body := range []map[string]any{
		{"extensions": pq(hash(topBody))},
		{"documentId": "top-names"},
		{"query": topBody},
		{"query": topBody, "extensions": pq(hash(topBody))},
	} {
		if a := e.post(t, body); string(a.Data) != topData {
			t.Errorf("%v: %+v", body, a)
		}
	}
	resp, err := http.Get(e.url + "?documentId=top-names")
	if err != nil {
		t.Fatal(err)
	}
	if a := read(t, resp); string(a.Data) != topData {
		t.Errorf("GET: %+v", a)
	}
	// Only exact text matches: a reformatted body is another document.
	if a := e.post(t, map[string]any{"query": strings.ReplaceAll(topBody, " {", "{")}); a.Code != CodeNotInList {
		t.Errorf("reformatted: %+v", a)
	}
}

// TestManifestReload: every swap re-reads the manifest; a bad one refuses
// the swap and the one in use keeps serving.
func TestManifestReload(t *testing.T) {
	e := start(t, true)
	writeManifest(t, e.manifest, [4]string{"users", usersBody, "Users", "query"})
	if err := e.gw.Swap(e.sg); err != nil {
		t.Fatal(err)
	}
	if a := e.post(t, map[string]any{"documentId": "users"}); a.Code != "" || !strings.HasPrefix(string(a.Data), `{"users":[`) {
		t.Errorf("new manifest: %+v", a)
	}
	if a := e.post(t, map[string]any{"documentId": "top-names"}); a.Code != CodeNotFound {
		t.Errorf("old id: %+v", a)
	}
	writeManifest(t, e.manifest, [4]string{"users", usersBody, "Users", "query"}, [4]string{"bad", "query { users {", "", "query"})
	err := e.gw.Swap(e.sg)
	if err == nil || !strings.Contains(err.Error(), e.manifest+`: operations[1] (id "bad"): body does not parse`) {
		t.Errorf("bad manifest: %v", err)
	}
	if a := e.post(t, map[string]any{"documentId": "users"}); a.Code != "" {
		t.Errorf("after a refused reload: %+v", a)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"missing", "", "persisted documents: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"notjson", `[`, "not a JSON manifest"},
		{"format", `{"format":"relay","version":1,"operations":[]}`, `format is "relay", want "apollo-persisted-query-manifest"`},
		{"version", `{"format":"apollo-persisted-query-manifest","version":2,"operations":[]}`, "version must be 1"},
		{"operations", `{"format":"apollo-persisted-query-manifest","version":1}`, "operations must be a list"},
		{"noid", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"","body":"{ a }"}]}`, `operations[0] (id ""): id is empty`},
		{"type", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x","body":"{ a }","type":"fetch"}]}`, `operations[0] (id "x"): type "fetch" is not query, mutation or subscription`},
		{"kind", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x","body":"mutation M { a }","name":"M","type":"query"}]}`, `operations[0] (id "x"): type "query", but the body's operation "M" is a mutation`},
		{"dup", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"x","body":"{ a }"},{"id":"x","body":"{ b }"}]}`, `operations[1] (id "x"): the id is given to another body earlier`},
	} {
		path := filepath.Join(dir, tc.name)
		if tc.content != "" {
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.name != "missing" && !strings.Contains(err.Error(), path)) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}
