package fedtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
)

// AcceptIncremental is the Accept header Apollo Client sends for an
// operation with @defer.
const AcceptIncremental = "multipart/mixed;deferSpec=20220824, application/json"

// Stream is a response read part by part: the parts of a multipart/mixed
// (incremental) response as they arrive, or the one body of any other.
type Stream struct {
	gw          *Gateway
	Status      int
	ContentType string
	body        io.ReadCloser
	r           *bufio.Reader
	delim       string // "\r\n--" + boundary; empty when not multipart
	done        bool
}

// Stream posts query with Accept: AcceptIncremental (header pairs may
// override it) and returns once the response headers arrive.
func (g *Gateway) Stream(query string, vars map[string]any, header ...string) *Stream {
	g.t.Helper()
	raw, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", g.URL, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", AcceptIncremental)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { resp.Body.Close() })
	s := &Stream{gw: g, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), body: resp.Body,
		r: bufio.NewReader(resp.Body)}
	if mt, params, err := mime.ParseMediaType(s.ContentType); err == nil && mt == "multipart/mixed" && params["boundary"] != "" {
		s.delim = "\r\n--" + params["boundary"]
		// The body opens with the first delimiter line.
		if !s.readThrough(s.delim) {
			g.t.Fatalf("multipart body does not start with %q", s.delim)
		}
		if !s.readThrough("\r\n") {
			g.t.Fatal("multipart body: truncated first delimiter")
		}
	}
	return s
}

// readThrough reads up to and including sep; false at EOF first.
func (s *Stream) readThrough(sep string) bool {
	_, ok := s.readUntil(sep)
	return ok
}

func (s *Stream) readUntil(sep string) ([]byte, bool) {
	var buf []byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return buf, false
		}
		buf = append(buf, c)
		if bytes.HasSuffix(buf, []byte(sep)) {
			return buf[:len(buf)-len(sep)], true
		}
	}
}

// Next returns the next part's JSON, compacted, or false when the response
// is complete. It blocks until the part has fully arrived.
func (s *Stream) Next() (string, bool) {
	s.gw.t.Helper()
	if s.done {
		return "", false
	}
	var body []byte
	if s.delim == "" {
		s.done = true
		body, _ = io.ReadAll(s.r)
	} else {
		head, ok := s.readUntil("\r\n\r\n")
		if !ok {
			s.gw.t.Fatalf("multipart part: no header end (got %q)", head)
		}
		if !strings.Contains(strings.ToLower(string(head)), "content-type: application/json") {
			s.gw.t.Errorf("multipart part headers %q: want content-type: application/json", head)
		}
		body, ok = s.readUntil(s.delim)
		if !ok {
			s.gw.t.Fatalf("multipart part not closed by a delimiter: %q", body)
		}
		tail, _ := s.r.Peek(2)
		if string(tail) == "--" {
			s.done = true
		}
		s.readThrough("\r\n")
	}
	var out bytes.Buffer
	if err := json.Compact(&out, body); err != nil {
		s.gw.t.Fatalf("part is not JSON: %q", body)
	}
	return out.String(), true
}

// Rest reads the remaining parts.
func (s *Stream) Rest() []string {
	s.gw.t.Helper()
	var out []string
	for {
		p, ok := s.Next()
		if !ok {
			return out
		}
		out = append(out, p)
	}
}

// ExpectParts streams query and fails the test unless its parts, compacted,
// are want (each compacted first), in order.
func (g *Gateway) ExpectParts(query string, vars map[string]any, want ...string) *Stream {
	g.t.Helper()
	s := g.Stream(query, vars)
	got := s.Rest()
	for i := range want {
		var wb bytes.Buffer
		if err := json.Compact(&wb, []byte(want[i])); err != nil {
			g.t.Fatalf("want[%d] is not JSON: %v", i, err)
		}
		want[i] = wb.String()
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		g.t.Errorf("query %s\n got parts:\n  %s\nwant parts:\n  %s", query, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return s
}

// Close abandons the response (the client goes away).
func (s *Stream) Close() { s.body.Close() }
