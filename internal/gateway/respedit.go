package gateway

import "github.com/vektah/gqlparser/v2/gqlerror"

// WithExtension returns a shallow copy of r with extensions entry key set
// to v (r itself may be shared between deduplicated requests and is not
// changed). The copy owns r's buffer from now on: release only the copy.
func (r *Response) WithExtension(key string, v any) *Response {
	cp := *r
	cp.Extensions = make(map[string]any, len(r.Extensions)+1)
	for k, x := range r.Extensions {
		cp.Extensions[k] = x
	}
	cp.Extensions[key] = v
	r.result = nil
	return &cp
}

// WithErrors returns a shallow copy of r with errs appended to its errors
// (r itself is not changed). The copy owns r's buffer from now on:
// release only the copy.
func (r *Response) WithErrors(errs ...*gqlerror.Error) *Response {
	cp := *r
	cp.Errors = append(append(make(gqlerror.List, 0, len(r.Errors)+len(errs)), r.Errors...), errs...)
	r.result = nil
	return &cp
}
