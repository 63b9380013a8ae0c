package planner

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// unresolvable is the error of a client field no subgraph can resolve
// where it is selected. It wraps ErrUnsatisfiable.
type unresolvable struct {
	field *ast.Field
	msg   string
}

func (u *unresolvable) Error() string { return ErrUnsatisfiable.Error() + ": " + u.msg }
func (u *unresolvable) Unwrap() error { return ErrUnsatisfiable }

// fieldUnresolvable returns the error for client field f of an item (nil
// f: an internal field, which fails the plan as a whole).
func fieldUnresolvable(f *ast.Field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if f == nil {
		return fmt.Errorf("%w: %s", ErrUnsatisfiable, msg)
	}
	return &unresolvable{field: f, msg: msg}
}

// buildResolvable builds the plan, leaving out the client fields no
// subgraph can resolve: each is skipped (as a denied field is) and
// recorded in Plan.Unresolved, and the plan is built again. Every round
// skips one more field of the document, so this ends.
func (q *planning) buildResolvable(build func() (*Plan, error)) (*Plan, error) {
	var unresolved map[int]*gqlerror.Error
	for {
		pl, err := build()
		var u *unresolvable
		if err == nil || !errors.As(err, &u) || u.field.Position == nil || q.skip[u.field] {
			if pl != nil {
				pl.Unresolved = unresolved
			}
			return pl, err
		}
		skip := make(map[*ast.Field]bool, len(q.skip)+1)
		for f := range q.skip {
			skip[f] = true
		}
		skip[u.field] = true
		q.skip = skip
		if unresolved == nil {
			unresolved = map[int]*gqlerror.Error{}
		}
		unresolved[u.field.Position.Start] = &gqlerror.Error{
			Message:    "Cannot resolve " + u.msg,
			Extensions: map[string]any{"code": "QUERY_PLANNING_FAILED"},
		}
	}
}
