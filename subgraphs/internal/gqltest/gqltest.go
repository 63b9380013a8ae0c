package gqltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Response is a decoded GraphQL response.
type Response struct {
	Data   json.RawMessage  `json:"data"`
	Errors []map[string]any `json:"errors"`
}

// Post sends query with variables to h as a POST request and fails the test
// on a non-200 status, undecodable body or GraphQL errors.
func Post(t testing.TB, h http.Handler, query string, variables map[string]any) json.RawMessage {
	t.Helper()
	resp := PostRaw(t, h, query, variables)
	if len(resp.Errors) > 0 {
		t.Fatalf("query %q: errors %v", query, resp.Errors)
	}
	return resp.Data
}

// PostRaw is Post without the check for GraphQL errors.
func PostRaw(t testing.TB, h http.Handler, query string, variables map[string]any) Response {
	t.Helper()
	return PostHeader(t, h, query, variables, nil)
}

// PostHeader is PostRaw with extra request headers (a gateway's claim headers).
func PostHeader(t testing.TB, h http.Handler, query string, variables map[string]any, header http.Header) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("query %q: status %d: %s", query, rec.Code, rec.Body.String())
	}
	var out Response
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("query %q: decoding %q: %v", query, rec.Body.String(), err)
	}
	return out
}

// SDL returns the subgraph's _service { sdl }.
func SDL(t testing.TB, h http.Handler) string {
	t.Helper()
	var out struct {
		Service struct {
			SDL string `json:"sdl"`
		} `json:"_service"`
	}
	if err := json.Unmarshal(Post(t, h, "{ _service { sdl } }", nil), &out); err != nil {
		t.Fatal(err)
	}
	return out.Service.SDL
}

// JSON re-encodes raw compactly so that tests can compare it with a literal.
func JSON(t testing.TB, raw json.RawMessage) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Entities sends one _entities request for reps with selection (the inline
// fragments to select, e.g. "... on User { id name }") and returns the
// compacted JSON of the _entities list.
func Entities(t testing.TB, h http.Handler, reps []map[string]any, selection string) string {
	t.Helper()
	q := "query($r: [_Any!]!) { _entities(representations: $r) { " + selection + " } }"
	var out struct {
		Entities json.RawMessage `json:"_entities"`
	}
	if err := json.Unmarshal(Post(t, h, q, map[string]any{"r": reps}), &out); err != nil {
		t.Fatal(err)
	}
	return JSON(t, out.Entities)
}
