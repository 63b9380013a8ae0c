package federation
import ("testing";"fmt")
func TestDbg(t *testing.T) {
	gw, _ := interfaceObjectBasic(t)
	for _, q := range []string{
		`{ featured { ... on Movie { stars } ... on Series { title stars } } }`,
		`{ members { ... on Staff { level handle active } } }`,
		`query($s: Boolean!) { featured { id s: stars @include(if: $s) t: title @skip(if: $s) } }`,
		`{ catalog { ... on Media { s: stars } ... on Movie { stars } } }`,
		`{ members { __typename ... on Guest { level } handle } }`,
		`{ featured { __typename } members { __typename } }`,
		`{ catalog { id } featured { id title } }`,
	} {
		_, got := gw.Query(q, map[string]any{"s": true})
		fmt.Println(q, "\n   ", got)
	}
}
