package cache

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxPurgeBody bounds a purge request's body.
const maxPurgeBody = 64 << 10

// Purge is a purge request: every entry (All), the entities of a type and
// the root fields returning it (Type), or one entity (Type and Key, its
// key fields as the subgraphs take them, e.g. {"upc": "1"}).
type Purge struct {
	All  bool                       `json:"all"`
	Type string                     `json:"type"`
	Key  map[string]json.RawMessage `json:"key"`
}

// Purge drops what p names and returns how many entries went.
func (c *Cache) Purge(ctx context.Context, p Purge) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	switch {
	case p.All:
		return c.o.Store.PurgeAll(ctx)
	case p.Type != "" && len(p.Key) > 0:
		return c.o.Store.PurgeTags(ctx, []string{"id:" + p.Type + ":" + canonicalKey(p.Key, nil)})
	case p.Type != "":
		return c.o.Store.PurgeTags(ctx, []string{"type:" + p.Type})
	}
	return 0, fmt.Errorf("cache: a purge names all: true, a type, or a type and key")
}

// purgeTags drops the entries of tags, bounded like Purge.
func (c *Cache) purgeTags(ctx context.Context, tags []string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.o.Store.PurgeTags(ctx, tags)
}

// Handler serves POST purges guarded by `Authorization: Bearer <token>`
// (token() read at each request; an empty token refuses every request).
// The body is a Purge as JSON; the answer {"purged": N}.
func (c *Cache) Handler(token func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "use POST"})
			return
		}
		want := token()
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if want == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="junction-cache"`)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "the registry token is required (Authorization: Bearer <token>)"})
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPurgeBody+1))
		if err != nil || len(body) > maxPurgeBody {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("the body must be JSON of at most %d bytes", maxPurgeBody)})
			return
		}
		var p Purge
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad purge: " + err.Error() + ` (want {"all": true}, {"type": "T"} or {"type": "T", "key": {...}})`})
			return
		}
		n, err := c.Purge(r.Context(), p)
		if err != nil {
			code := http.StatusBadRequest
			if !strings.HasPrefix(err.Error(), "cache: a purge") {
				code = http.StatusServiceUnavailable
			}
			writeJSON(w, code, map[string]any{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"purged": n})
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
