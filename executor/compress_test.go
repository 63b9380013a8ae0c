package executor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// compressingSubgraph answers answer, encoded as the request's
// Accept-Encoding asks (zstd first), and records what it was sent: the
// Accept-Encoding, the Content-Encoding and the decoded body.
type compressingSubgraph struct {
	answer             []byte
	acceptEnc, bodyEnc chan string
	bodies             chan []byte
}

func newCompressingSubgraph(answer []byte) *compressingSubgraph {
	return &compressingSubgraph{answer: answer, acceptEnc: make(chan string, 16), bodyEnc: make(chan string, 16), bodies: make(chan []byte, 16)}
}

func (s *compressingSubgraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.acceptEnc <- r.Header.Get("Accept-Encoding")
	s.bodyEnc <- r.Header.Get("Content-Encoding")
	var body io.Reader = r.Body
	switch r.Header.Get("Content-Encoding") {
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		body = zr
	case "zstd":
		zr, err := zstd.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		defer zr.Close()
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	s.bodies <- b
	w.Header().Set("Content-Type", "application/json")
	var out bytes.Buffer
	switch ae := r.Header.Get("Accept-Encoding"); {
	case strings.Contains(ae, "zstd"):
		zw, _ := zstd.NewWriter(&out)
		zw.Write(s.answer)
		zw.Close()
		w.Header().Set("Content-Encoding", "zstd")
	case strings.Contains(ae, "gzip"):
		zw := gzip.NewWriter(&out)
		zw.Write(s.answer)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
	default:
		out.Write(s.answer)
	}
	w.Write(out.Bytes())
}

func TestSubgraphCompression(t *testing.T) {
	answer := []byte(`{"data":{"s":"` + strings.Repeat("compressible ", 5000) + `"}}`)
	sg := newCompressingSubgraph(answer)
	srv := httptest.NewServer(sg)
	defer srv.Close()
	bigBody := []byte(`{"query":"{ s }","variables":{"pad":"` + strings.Repeat("p", 4096) + `"}}`)
	for _, tc := range []struct {
		name       string
		opts       []HTTPOption
		body       []byte
		wantAccept string
		wantEnc    string
	}{
		{"not configured: Go's transparent gzip", nil, bigBody, "gzip", ""},
		{"zstd asked", []HTTPOption{WithSubgraphCompression("", SubgraphCompression{Accept: []string{"zstd", "gzip"}})}, bigBody, "zstd, gzip", ""},
		{"gzip asked", []HTTPOption{WithSubgraphCompression("", SubgraphCompression{Accept: []string{"gzip"}})}, bigBody, "gzip", ""},
		{"per subgraph over all", []HTTPOption{
			WithSubgraphCompression("", SubgraphCompression{Accept: []string{"gzip"}}),
			WithSubgraphCompression("s", SubgraphCompression{Accept: []string{"zstd"}, Request: "zstd"}),
		}, bigBody, "zstd", "zstd"},
		{"gzip request body", []HTTPOption{WithSubgraphCompression("", SubgraphCompression{Request: "gzip"})}, bigBody, "gzip", "gzip"},
		{"small body sent plain", []HTTPOption{WithSubgraphCompression("", SubgraphCompression{Request: "gzip"})}, []byte(`{"query":"{ s }"}`), "gzip", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewHTTPClient(tc.opts...)
			got, err := c.Do(context.Background(), &SubgraphRequest{Service: "s", URL: srv.URL, Body: tc.body})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, answer) {
				t.Fatalf("answer of %d bytes, want %d", len(got), len(answer))
			}
			if a := <-sg.acceptEnc; a != tc.wantAccept {
				t.Errorf("Accept-Encoding %q, want %q", a, tc.wantAccept)
			}
			if e := <-sg.bodyEnc; e != tc.wantEnc {
				t.Errorf("Content-Encoding %q, want %q", e, tc.wantEnc)
			}
			if b := <-sg.bodies; !bytes.Equal(b, tc.body) {
				t.Errorf("the subgraph decoded %d bytes, want the %d sent", len(b), len(tc.body))
			}
		})
	}
}

// TestSubgraphCompressionBounded: the decoded size counts against the
// response limit (a small compressed answer cannot expand past it).
func TestSubgraphCompressionBounded(t *testing.T) {
	answer := []byte(`{"data":{"s":"` + strings.Repeat("a", 1<<20) + `"}}`)
	sg := newCompressingSubgraph(answer)
	srv := httptest.NewServer(sg)
	defer srv.Close()
	for _, enc := range []string{"gzip", "zstd"} {
		c := NewHTTPClient(WithMaxResponseBytes(64<<10), WithSubgraphCompression("", SubgraphCompression{Accept: []string{enc}}))
		_, err := c.Do(context.Background(), &SubgraphRequest{Service: "s", URL: srv.URL, Body: []byte(`{}`)})
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Errorf("%s: a 1 MiB answer (a few KB compressed) under a 64 KiB limit: %v", enc, err)
		}
		<-sg.acceptEnc
		<-sg.bodyEnc
		<-sg.bodies
	}
}

// TestSubgraphUnaskedEncoding: an answer in an encoding that was not
// asked for fails the fetch clearly.
func TestSubgraphUnaskedEncoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		w.Write([]byte("not json"))
	}))
	defer srv.Close()
	c := NewHTTPClient(WithSubgraphCompression("", SubgraphCompression{Accept: []string{"zstd"}}))
	_, err := c.Do(context.Background(), &SubgraphRequest{Service: "s", URL: srv.URL, Body: []byte(`{}`)})
	if !errors.Is(err, ErrSubgraphTransport) || !strings.Contains(err.Error(), `"br"`) {
		t.Fatalf("err = %v", err)
	}
}
