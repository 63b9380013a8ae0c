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
	typ   string // the type of the object it was planned at
	msg   string
}

func (u *unresolvable) Error() string { return ErrUnsatisfiable.Error() + ": " + u.msg }
func (u *unresolvable) Unwrap() error { return ErrUnsatisfiable }

// fieldUnresolvable returns the error for client field f of an item (nil
// f: an internal field, which fails the plan as a whole).
func fieldUnresolvable(f *ast.Field, typ string, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if f == nil || f.Position == nil {
		return fmt.Errorf("%w: %s", ErrUnsatisfiable, msg)
	}
	return &unresolvable{field: f, typ: typ, msg: msg}
}

// skipped reports whether client field f is left out at objects of typ
// (Options.Skip, or unresolvable there).
func (q *planning) skipped(f *ast.Field, typ string) bool {
	if q.skip[f] {
		return true
	}
	return q.unresolved != nil && f.Position != nil && q.unresolved[FieldAt{f.Position.Start, typ}] != nil
}

// buildResolvable builds the plan, leaving out the client fields no
// subgraph can resolve: each is skipped at objects of the type it failed
// at (as a denied field is everywhere) and recorded in Plan.Unresolved,
// and the plan is built again. Every round skips one more (field, type)
// of the document, so this ends.
func (q *planning) buildResolvable(build func() (*Plan, error)) (*Plan, error) {
	for {
		pl, err := build()
		var u *unresolvable
		if err == nil || !errors.As(err, &u) || q.skipped(u.field, u.typ) {
			if pl != nil {
				pl.Unresolved = q.unresolved
			}
			return pl, err
		}
		if q.unresolved == nil {
			q.unresolved = map[FieldAt]*gqlerror.Error{}
		}
		q.unresolved[FieldAt{u.field.Position.Start, u.typ}] = &gqlerror.Error{
			Message:    "Cannot resolve " + u.msg,
			Extensions: map[string]any{"code": "QUERY_PLANNING_FAILED"},
		}
	}
}
