package server

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/junction-gateway/junction/internal/gateway"
)

// The incremental delivery format Apollo Router speaks (deferSpec=20220824):
// a multipart/mixed body with boundary "graphql" whose parts are JSON. Each
// chunk written ends with the delimiter that closes its part, so that a
// client can parse a part as soon as it arrives.
const (
	mediaMultipartDefer = `multipart/mixed;boundary="graphql";deferSpec=20220824`
	multipartStart      = "\r\n--graphql\r\n"
	partHeader          = "content-type: application/json\r\n\r\n"
	partNext            = "\r\n--graphql\r\n"
	partLast            = "\r\n--graphql--\r\n"
)

// acceptsMultipartDefer reports whether an Accept header admits the
// incremental format: a multipart/mixed range with deferSpec=20220824 or
// with no deferSpec parameter (another deferSpec is a format we do not
// speak).
func acceptsMultipartDefer(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		rng, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || rng != "multipart/mixed" {
			continue
		}
		if q, ok := params["q"]; ok && (q == "0" || strings.Trim(q, "0.") == "") {
			continue
		}
		if spec, ok := params["deferspec"]; !ok || spec == "20220824" {
			return true
		}
	}
	return false
}

// writeMultipart streams an incremental response: the initial payload with
// hasNext true, then one part per payload the gateway yields, each flushed
// at once; the part with hasNext false closes the body. A client that goes
// away stops the iteration (writes fail, the request context is canceled).
func (s *Server) writeMultipart(w http.ResponseWriter, r *http.Request, resp *gateway.Response) {
	first, err := encodeResponse(resp)
	if err != nil {
		s.log.LogAttrs(r.Context(), slogError, "encode response", attrErr(err), attrRequestID(r))
		first, _ = encodeResponse(errorResponse(http.StatusInternalServerError, codeInternal, "internal error: could not encode the response"))
	}
	h := w.Header()
	h.Set("Content-Type", mediaMultipartDefer)
	h.Set("Cache-Control", "no-cache")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	// {"data":…,"errors":…} becomes {"data":…,"errors":…,"hasNext":true}
	first = append(first[:len(first)-1], `,"hasNext":true}`...)
	if !writePart(w, rc, multipartStart, first, true) {
		return
	}
	for sub := range resp.Incremental {
		body, err := encodeSubsequent(sub)
		if err != nil {
			s.log.LogAttrs(r.Context(), slogError, "encode incremental payload", attrErr(err), attrRequestID(r))
			body, sub = []byte(`{"hasNext":false}`), &gateway.Subsequent{}
		}
		s.bounds.startWrite(w) // each part has the write timeout
		if !writePart(w, rc, "", body, sub.HasNext) || !sub.HasNext {
			return
		}
	}
	// The payloads ended without one saying so: close the response.
	writePart(w, rc, "", []byte(`{"hasNext":false}`), false)
}

func writePart(w http.ResponseWriter, rc *http.ResponseController, prefix string, body []byte, more bool) bool {
	buf := make([]byte, 0, len(prefix)+len(partHeader)+len(body)+len(partLast))
	buf = append(append(append(buf, prefix...), partHeader...), body...)
	if more {
		buf = append(buf, partNext...)
	} else {
		buf = append(buf, partLast...)
	}
	if _, err := w.Write(buf); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// encodeSubsequent renders {"hasNext":…,"incremental":[{"label"?,"data"?,
// "path","errors"?}]} in the key order Apollo Router writes.
func encodeSubsequent(sub *gateway.Subsequent) ([]byte, error) {
	var buf bytes.Buffer
	if sub.HasNext {
		buf.WriteString(`{"hasNext":true`)
	} else {
		buf.WriteString(`{"hasNext":false`)
	}
	if len(sub.Incremental) > 0 {
		buf.WriteString(`,"incremental":[`)
		for i, inc := range sub.Incremental {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('{')
			sep := false
			field := func(name string, raw []byte) {
				if sep {
					buf.WriteByte(',')
				}
				buf.WriteString(`"` + name + `":`)
				buf.Write(raw)
				sep = true
			}
			if inc.Label != "" {
				l, err := json.Marshal(inc.Label)
				if err != nil {
					return nil, err
				}
				field("label", l)
			}
			if inc.Data != nil {
				field("data", inc.Data)
			}
			path := inc.Path
			if path == nil {
				path = ast.Path{}
			}
			p, err := json.Marshal(path)
			if err != nil {
				return nil, err
			}
			field("path", p)
			if len(inc.Errors) > 0 {
				e, err := json.Marshal(inc.Errors)
				if err != nil {
					return nil, err
				}
				field("errors", e)
			}
			buf.WriteByte('}')
		}
		buf.WriteByte(']')
	}
	if len(sub.Extensions) > 0 {
		e, err := json.Marshal(sub.Extensions)
		if err != nil {
			return nil, err
		}
		buf.WriteString(`,"extensions":`)
		buf.Write(e)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
