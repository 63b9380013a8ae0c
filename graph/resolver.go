package graph

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/graph/model"
	"github.com/junction-gateway/junction/internal/registry"
)

// Resolver answers the registry API from a registry.
type Resolver struct {
	Registry *registry.Registry
	// Purge purges the gateway's response cache (nil: no cache configured).
	Purge Purger
}

// Purger purges the gateway's response cache: every entry (all), the
// entities of a type and the root fields returning it (typ), or one
// entity (typ and key, its key fields). It returns how many entries went.
type Purger func(ctx context.Context, all bool, typ string, key map[string]json.RawMessage) (int, error)

// Error codes of purgeCache.
const (
	CodeBadUserInput       = "BAD_USER_INPUT"
	CodeCacheNotConfigured = "CACHE_NOT_CONFIGURED"
	CodeCacheUnavailable   = "CACHE_UNAVAILABLE"
)

func codeError(code, format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": code}
	return e
}

// purge checks purgeCache's arguments and runs the purge.
func (r *Resolver) purge(ctx context.Context, typ, key *string, all *bool) (int, error) {
	if r.Purge == nil {
		return 0, codeError(CodeCacheNotConfigured, "purgeCache: the gateway has no response cache (cache: is not configured)")
	}
	a := all != nil && *all
	t := ""
	if typ != nil {
		t = *typ
	}
	var k map[string]json.RawMessage
	if key != nil {
		if err := json.Unmarshal([]byte(*key), &k); err != nil || len(k) == 0 {
			return 0, codeError(CodeBadUserInput, `purgeCache: key must be a JSON object of the entity's key fields, e.g. {"upc": "1"}`)
		}
	}
	switch {
	case a && (t != "" || k != nil):
		return 0, codeError(CodeBadUserInput, "purgeCache: all: true takes no type or key")
	case !a && t == "":
		return 0, codeError(CodeBadUserInput, "purgeCache: name all: true, a type, or a type and key")
	}
	n, err := r.Purge(ctx, a, t, k)
	if err != nil {
		return 0, codeError(CodeCacheUnavailable, "purgeCache: %v", err)
	}
	return n, nil
}

// maxHistory caps history(limit:).
const maxHistory = 1000

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// sdlURL matches every `url: "…"` argument of an SDL (@join__graph's
// subgraph URLs, @link's spec URLs).
var sdlURL = regexp.MustCompile(`(url:\s*)"((?:[^"\\]|\\.)*)"`)

// redactSDL redacts the credentials of every URL in an SDL.
func redactSDL(sdl string) string {
	return sdlURL.ReplaceAllStringFunc(sdl, func(m string) string {
		sub := sdlURL.FindStringSubmatch(m)
		r := registry.RedactURL(sub[2])
		if r == sub[2] {
			return m
		}
		return sub[1] + `"` + r + `"`
	})
}

func compositionErrors(in []registry.CompositionError) []*model.CompositionError {
	out := make([]*model.CompositionError, 0, len(in))
	for _, e := range in {
		out = append(out, &model.CompositionError{Code: e.Code, Message: e.Message,
			Coordinates: orEmpty(e.Coordinates), Subgraphs: orEmpty(e.Subgraphs)})
	}
	return out
}

func changes(in []registry.Change) []*model.SchemaChange {
	out := make([]*model.SchemaChange, 0, len(in))
	for _, c := range in {
		out = append(out, &model.SchemaChange{Kind: c.Kind, Coordinate: c.Coordinate, Message: c.Message, Breaking: c.Breaking,
			Contract: optional(c.Contract)})
	}
	return out
}

func usage(in []registry.OperationUsage) []*model.OperationUsage {
	out := make([]*model.OperationUsage, 0, len(in))
	for _, u := range in {
		out = append(out, &model.OperationUsage{ClientName: u.Client, ClientVersion: u.ClientVersion,
			OperationName: u.Operation, OperationHash: u.Hash, Coordinates: orEmpty(u.Coordinates),
			Count: int(u.Count), LastSeen: *rfc3339(u.LastSeen), Contract: optional(u.Contract)})
	}
	return out
}

func registerResult(res *registry.Result) *model.RegisterResult {
	out := &model.RegisterResult{Ok: res.OK, Errors: compositionErrors(res.Errors), Changes: changes(res.Changes)}
	if res.OK {
		v := res.Version
		out.Version = &v
	}
	return out
}

func subgraph(s *registry.Subgraph) *model.Subgraph {
	return &model.Subgraph{Name: s.Name, URL: registry.RedactURL(s.URL), Sdl: s.SDL, RegisteredAt: rfc3339(s.RegisteredAt)}
}

// optional is nil for "", else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
