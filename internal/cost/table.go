package cost

import (
	"fmt"
	"slices"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/directives"
	"github.com/junction-gateway/junction/schema"
)

// Table is the per-supergraph cost data read from @cost and @listSize
// (Prepare builds it at every swap), with the estimates cached for that
// supergraph. It is immutable but for its cache, and safe for concurrent
// use.
type Table struct {
	api *ast.Schema
	// conds answers the fragments' type conditions in api.
	conds *schema.TypeConditions
	// types: @cost(weight:) on an object, scalar or enum, by type name.
	types map[string]float64
	// fields: @cost(weight:) on a field or an input field, by "T.f".
	fields map[string]float64
	// args: @cost(weight:) on an argument, by "T.f(arg:)".
	args map[string]float64
	// costedInputs: the input object types that hold (directly or
	// nested) an input field with @cost.
	costedInputs map[string]bool
	// sizes: @listSize on a field, by "T.f".
	sizes map[string]*listSize
	// defaultSize is the assumed size of a list nothing else sizes.
	defaultSize float64
	estimates   *lru.Cache[estimateKey, estimateEntry]
}

// listSize is one @listSize application.
type listSize struct {
	assumed    float64 // -1 when not given
	slicing    [][]string
	sized      [][]string
	requireOne bool
}

func coord(t, f string) string { return t + "." + f }

func argCoord(t, f, a string) string { return t + "." + f + "(" + a + ":)" }

// newTable reads the cost directives of sg. A malformed application (a
// weight that is not a number, a negative size) refuses the supergraph,
// naming the coordinate.
func newTable(sg *schema.Supergraph, defaultSize, cacheSize int) (*Table, error) {
	t := &Table{
		api:         sg.API,
		conds:       schema.NewTypeConditions(sg.API),
		types:       map[string]float64{},
		fields:      map[string]float64{},
		args:        map[string]float64{},
		sizes:       map[string]*listSize{},
		defaultSize: float64(defaultSize),
	}
	cache, err := lru.New[estimateKey, estimateEntry](cacheSize)
	if err != nil {
		return nil, fmt.Errorf("demand control: estimate cache: %w", err)
	}
	t.estimates = cache
	r := directives.NewReader(sg)
	dCost := r.Names("cost", "cost", "federation")
	dSize := r.Names("listSize", "cost", "federation")
	for _, a := range r.All(dCost) {
		w, err := weight(a.Directive)
		if err != nil {
			return nil, fmt.Errorf("demand control: @%s on %s: %w", a.Directive.Name, a.Coordinate, err)
		}
		if a.Coordinate.Field == "" {
			t.types[a.Coordinate.Type] = w
		} else if def := sg.Schema.Types[a.Coordinate.Type]; def != nil && def.Kind != ast.Enum {
			t.fields[a.Coordinate.String()] = w
		}
	}
	for _, a := range r.All(dSize) {
		if a.Coordinate.Field == "" {
			continue
		}
		ls, err := readListSize(a.Directive)
		if err != nil {
			return nil, fmt.Errorf("demand control: @%s on %s: %w", a.Directive.Name, a.Coordinate, err)
		}
		t.sizes[a.Coordinate.String()] = ls
	}
	if len(dCost) > 0 {
		if err := t.readArgs(sg.Schema, dCost); err != nil {
			return nil, err
		}
	}
	t.costedInputs = t.findCostedInputs()
	return t, nil
}

// readArgs reads @cost on field arguments (directives.Reader answers by
// type and field coordinates only).
func (t *Table) readArgs(s *ast.Schema, names []string) error {
	tns := make([]string, 0, len(s.Types))
	for n := range s.Types {
		tns = append(tns, n)
	}
	slices.Sort(tns)
	for _, tn := range tns {
		def := s.Types[tn]
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				for _, d := range a.Directives {
					if !slices.Contains(names, d.Name) {
						continue
					}
					w, err := weight(d)
					if err != nil {
						return fmt.Errorf("demand control: @%s on %s: %w", d.Name, argCoord(tn, f.Name, a.Name), err)
					}
					t.args[argCoord(tn, f.Name, a.Name)] = w
				}
			}
		}
	}
	return nil
}

// weight is @cost(weight:): an Int in the federation's cost spec, a
// numeric string in IBM's.
func weight(d *ast.Directive) (float64, error) {
	v, ok := directives.Arg(d, "weight")
	if !ok {
		return 0, fmt.Errorf("weight is missing")
	}
	f, ok := number(v)
	if !ok {
		if s, isStr := v.(string); isStr {
			if _, err := fmt.Sscanf(strings.TrimSpace(s), "%g", &f); err == nil {
				return f, nil
			}
		}
		return 0, fmt.Errorf("weight %v is not a number", v)
	}
	return f, nil
}

func readListSize(d *ast.Directive) (*listSize, error) {
	ls := &listSize{assumed: -1, requireOne: true}
	if v, ok := directives.Arg(d, "assumedSize"); ok && v != nil {
		n, isNum := number(v)
		if !isNum || n < 0 {
			return nil, fmt.Errorf("assumedSize %v is not a size", v)
		}
		ls.assumed = n
	}
	for _, p := range []struct {
		arg string
		to  *[][]string
	}{{"slicingArguments", &ls.slicing}, {"sizedFields", &ls.sized}} {
		v, ok := directives.Arg(d, p.arg)
		if !ok || v == nil {
			continue
		}
		list, isList := v.([]any)
		if !isList {
			list = []any{v}
		}
		for _, e := range list {
			s, isStr := e.(string)
			if !isStr || s == "" {
				return nil, fmt.Errorf("%s holds %v, not a field or argument name", p.arg, e)
			}
			*p.to = append(*p.to, strings.Split(s, "."))
		}
	}
	if v, ok := directives.Arg(d, "requireOneSlicingArgument"); ok {
		if b, isBool := v.(bool); isBool {
			ls.requireOne = b
		}
	}
	return ls, nil
}

// number converts what gqlparser and encoding/json give for a number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case interface{ Float64() (float64, error) }: // json.Number
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// typeWeight is the weight of a value of the named type: its @cost, else
// 1 for an object, interface or union and 0 for a scalar or an enum.
func (t *Table) typeWeight(def *ast.Definition) float64 {
	if w, ok := t.types[def.Name]; ok {
		return w
	}
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		return 1
	}
	return 0
}

// fieldWeight is the weight of one value of field f of parent: the
// field's @cost, else its type's weight.
func (t *Table) fieldWeight(parent string, f *ast.FieldDefinition, ret *ast.Definition) float64 {
	if w, ok := t.fields[coord(parent, f.Name)]; ok {
		return w
	}
	return t.typeWeight(ret)
}

// findCostedInputs returns the input object types of the API schema
// whose values can carry a weight: an input field with @cost, or one of
// such a type (to any depth).
func (t *Table) findCostedInputs() map[string]bool {
	out := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, def := range t.api.Types {
			if def.Kind != ast.InputObject || out[def.Name] {
				continue
			}
			for _, f := range def.Fields {
				if _, ok := t.fields[coord(def.Name, f.Name)]; ok || out[f.Type.Name()] {
					out[def.Name], changed = true, true
					break
				}
			}
		}
	}
	return out
}
