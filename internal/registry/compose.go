package registry

import (
	"errors"
	"fmt"

	"github.com/junction-gateway/junction/compose"
	"github.com/junction-gateway/junction/schema"
)

// SchemaComposer is Junction's composition: schema.ParseSubgraph each
// subgraph, compose.Compose (merging, validation and satisfiability),
// schema.Print; Diff is schema.Diff of the API schemas.
type SchemaComposer struct{}

// Compose implements Composer.
func (c SchemaComposer) Compose(subs []Subgraph) (string, []CompositionError, error) {
	sg, errs, err := c.ComposeSupergraph(subs)
	if sg == nil {
		return "", errs, err
	}
	return schema.Print(sg), nil, nil
}

// ModelComposer is a Composer that also hands over the composed model,
// so that the registry does not load the SDL it just printed again
// (schema.ParseSupergraph(schema.Print(sg)) is the same model).
type ModelComposer interface {
	Composer
	ComposeSupergraph(subs []Subgraph) (*schema.Supergraph, []CompositionError, error)
}

// ComposeSupergraph implements ModelComposer.
func (SchemaComposer) ComposeSupergraph(subs []Subgraph) (*schema.Supergraph, []CompositionError, error) {
	parsed := make([]*schema.SubgraphSchema, 0, len(subs))
	var errs []CompositionError
	for _, s := range subs {
		p, err := schema.ParseSubgraph(s.Name, s.URL, s.SDL)
		if err != nil {
			e, ok := compositionErrors(err)
			if !ok {
				return nil, nil, fmt.Errorf("parse subgraph %s: %w", s.Name, err)
			}
			errs = append(errs, e...)
			continue
		}
		parsed = append(parsed, p)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	sg, err := compose.Compose(parsed)
	if err != nil {
		e, ok := compositionErrors(err)
		if !ok {
			return nil, nil, err
		}
		return nil, e, nil
	}
	return sg, nil, nil
}

func compositionErrors(err error) ([]CompositionError, bool) {
	var ce schema.CompositionErrors
	if !errors.As(err, &ce) {
		return nil, false
	}
	out := make([]CompositionError, 0, len(ce))
	for _, e := range ce {
		out = append(out, CompositionError{Code: e.Code, Message: e.Message,
			Coordinates: append([]string(nil), e.Coordinates...), Subgraphs: append([]string(nil), e.Subgraphs...)})
	}
	return out, true
}

// Diff implements Composer.
func (SchemaComposer) Diff(old, new *schema.Supergraph) []Change {
	cs := schema.Diff(old, new)
	out := make([]Change, 0, len(cs))
	for _, c := range cs {
		out = append(out, Change{Kind: c.Kind, Coordinate: c.Coordinate, Message: c.Message, Breaking: c.Breaking})
	}
	return out
}
