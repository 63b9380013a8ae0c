package executor

import (
	"fmt"
	"strings"
	"testing"
)

// TestArenaParse parses answers larger than a pooled slab (a list longer
// than itemChunk, an object wider than fieldChunk, more nodes than
// valueChunk) into an arena, checks the tree, then checks that release
// hands back zeroed slabs.
func TestArenaParse(t *testing.T) {
	var items, fields []string
	for i := range itemChunk*2 + 3 {
		items = append(items, fmt.Sprintf(`{"id":"%d","n":[%d,null,{}]}`, i, i))
	}
	for i := range fieldChunk + 5 {
		fields = append(fields, fmt.Sprintf(`"f%d":%d`, i, i))
	}
	body := `{"data":{"list":[` + strings.Join(items, ",") + `],"wide":{` + strings.Join(fields, ",") + `},"e":[],"o":{}}}`
	for round := range 3 {
		var a arena
		data, errs, err := parseResponseIn([]byte(body), &a)
		if err != nil || len(errs) > 0 {
			t.Fatal(err, errs)
		}
		want := body[len(`{"data":`) : len(body)-1]
		if got := string(appendValue(nil, data)); got != want {
			t.Fatalf("round %d: tree differs from the input:\n%.200s\nwant\n%.200s", round, got, want)
		}
		if len(a.values) < 2 || len(a.items) < 1 || len(a.fields) < 1 {
			t.Fatalf("round %d: slabs %d/%d/%d, want pooled slabs in use", round, len(a.values), len(a.fields), len(a.items))
		}
		var r arena
		r.adopt(&a)
		r.release()
		for range 4 {
			for class := range 2 {
				c := valuePools[class].Get().(*[]value)
				for i := range *c {
					if v := (*c)[i]; v.kind != 0 || v.ptr != nil || v.n != 0 || v.c != 0 {
						t.Fatalf("round %d: a released value slab (class %d) is not zeroed at %d", round, class, i)
					}
				}
				valuePools[class].Put(c)
				f := fieldPools[class].Get().(*[]field)
				for i := range *f {
					if (*f)[i] != (field{}) {
						t.Fatalf("round %d: a released field slab (class %d) is not zeroed at %d", round, class, i)
					}
				}
				fieldPools[class].Put(f)
			}
		}
	}
}
