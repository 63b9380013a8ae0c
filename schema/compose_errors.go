package schema

import (
	"cmp"
	"slices"
	"strings"
)

// CompositionError is one reason subgraphs do not compose (or one subgraph
// does not parse), with Apollo's error code so that it can be searched for,
// the schema coordinates (Type, Type.field, Type.field(arg:), Enum.VALUE)
// and the subgraphs involved. The message says what to change.
type CompositionError struct {
	Code        string
	Message     string
	Coordinates []string
	Subgraphs   []string
}

func (e *CompositionError) Error() string { return e.Code + ": " + e.Message }

// CompositionErrors is what ParseSubgraph and Compose return on failure,
// sorted by code, coordinates, subgraphs and message.
type CompositionErrors []*CompositionError

func (es CompositionErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort sorts the errors (and each one's subgraphs) deterministically.
func (es CompositionErrors) Sort() {
	for _, e := range es {
		slices.Sort(e.Subgraphs)
		e.Subgraphs = slices.Compact(e.Subgraphs)
	}
	slices.SortStableFunc(es, func(a, b *CompositionError) int {
		return cmp.Or(
			strings.Compare(a.Code, b.Code),
			slices.Compare(a.Coordinates, b.Coordinates),
			slices.Compare(a.Subgraphs, b.Subgraphs),
			strings.Compare(a.Message, b.Message),
		)
	})
}
