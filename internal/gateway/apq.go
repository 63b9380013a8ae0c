package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Automatic persisted queries (Apollo's APQ protocol). A client first
// sends only extensions.persistedQuery {version: 1, sha256Hash}; an unknown
// hash is answered PERSISTED_QUERY_NOT_FOUND, and the client retries with
// the query and the hash, which the gateway checks and remembers. The
// store is bounded in entries and in the size of a stored query, so a
// client cannot grow it without limit; it outlives supergraph swaps (it
// maps hashes to text, not to validated documents).

const (
	apqEntries  = 512
	apqMaxBytes = 256 << 10
)

type apqStore struct {
	lru *lru.Cache[string, string]
	// shared, when set (WithAPQStore), holds the hashes for every replica:
	// a miss in lru is looked up there, and what is stored goes to both.
	shared APQStore
}

func newAPQStore() *apqStore {
	c, _ := lru.New[string, string](apqEntries) // only errs on size <= 0
	return &apqStore{lru: c}
}

// resolve fills req.Query from the store, or stores it. It returns a
// response to send instead when the request cannot go on.
func (s *apqStore) resolve(ctx context.Context, req *Request) *Response {
	raw, ok := req.Extensions["persistedQuery"]
	if !ok {
		return nil
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return requestError("extensions.persistedQuery must be an object", "BAD_REQUEST")
	}
	if !isOne(pq["version"]) {
		return requestError("Unsupported persisted query version", "PERSISTED_QUERY_VERSION_NOT_SUPPORTED")
	}
	hash, _ := pq["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if len(hash) != 64 {
		return requestError("extensions.persistedQuery.sha256Hash must be a SHA-256 hex digest", "BAD_REQUEST")
	}
	if req.Query == "" {
		q, found := s.lru.Get(hash)
		if !found && s.shared != nil {
			if q, found = s.shared.Get(ctx, hash); found && hashQuery(q) != hash {
				q, found = "", false // a corrupt entry is a miss
			}
			if found {
				s.lru.Add(hash, q)
			}
		}
		if !found {
			return requestError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
		}
		req.Query = q
		return nil
	}
	if hashQuery(req.Query) != hash {
		return requestError("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
	}
	if len(req.Query) <= apqMaxBytes {
		if _, known := s.lru.Get(hash); !known && s.shared != nil {
			s.shared.Put(ctx, hash, req.Query)
		}
		s.lru.Add(hash, req.Query)
	}
	return nil
}

func isOne(v any) bool {
	switch v := v.(type) {
	case json.Number:
		return v.String() == "1"
	case float64:
		return v == 1
	case int:
		return v == 1
	}
	return false
}

// hashQuery is the hex sha256 of a query, as APQ clients send it.
func hashQuery(q string) string {
	h := sha256.Sum256([]byte(q))
	return hex.EncodeToString(h[:])
}
