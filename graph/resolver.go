package graph

import (
	"regexp"
	"time"

	"github.com/junction-gateway/junction/graph/model"
	"github.com/junction-gateway/junction/internal/registry"
)

// Resolver answers the registry API from a registry.
type Resolver struct {
	Registry *registry.Registry
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
		out = append(out, &model.SchemaChange{Kind: c.Kind, Coordinate: c.Coordinate, Message: c.Message, Breaking: c.Breaking})
	}
	return out
}

func usage(in []registry.OperationUsage) []*model.OperationUsage {
	out := make([]*model.OperationUsage, 0, len(in))
	for _, u := range in {
		out = append(out, &model.OperationUsage{ClientName: u.Client, ClientVersion: u.ClientVersion,
			OperationName: u.Operation, OperationHash: u.Hash, Coordinates: orEmpty(u.Coordinates),
			Count: int(u.Count), LastSeen: *rfc3339(u.LastSeen)})
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

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
