package executor

import "github.com/junction-gateway/junction/jsonv"

// The response tree is jsonv's ordered JSON tree: 24-byte nodes whose
// scalars keep their raw tokens (slices of the subgraph bodies). Values
// are only mutated under the executor's tree lock. The names below keep
// the executor's vocabulary.
type (
	value = jsonv.Value
	field = jsonv.Field
	arena = jsonv.Arena
)

const (
	kindNull   = jsonv.Null
	kindScalar = jsonv.Scalar
	kindObject = jsonv.Object
	kindList   = jsonv.List
)

var nullValue = jsonv.NullValue

// typenameAlias is the response key under which the planner asks for a
// __typename it needs for itself.
const typenameAlias = "__junction___typename"

// typenameOf returns the __typename the planner fetched for obj: under
// typenameAlias when the client uses the key "__typename" for another
// field at that object (see planner internal fields), else under
// "__typename".
func typenameOf(obj *value) (string, bool) {
	if tn, ok := obj.Get(typenameAlias).StringValue(); ok {
		return tn, true
	}
	return obj.Get("__typename").StringValue()
}
