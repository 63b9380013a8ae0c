package federation

import "testing"

// An @interfaceObject subgraph answers __typename with the interface's
// name, also for objects an earlier fetch already resolved to a concrete
// type: the concrete type must survive the merge. Here featured.related is
// resolved to Movie/Series by catalog, then ratings answers
// featured { ... on Movie { related { ... } } } again with "Media".
func TestInterfaceObjectTypenameSurvivesMerge(t *testing.T) {
	gw, _ := interfaceObjectBasic(t)
	gw.Expect(`{ featured { related { __typename } ... on Movie { related { title } } } }`, nil,
		`{"data":{"featured":[{"related":[{"__typename":"Series","title":"Dark"}]},{"related":[{"__typename":"Movie"}]}]}}`)
}
