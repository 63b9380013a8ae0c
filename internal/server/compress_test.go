package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/junction-gateway/junction/executor"
	"github.com/junction-gateway/junction/internal/gateway"
)

func TestNegotiateEncoding(t *testing.T) {
	both := &compressor{algs: []string{EncodingZstd, EncodingGzip}}
	gzipFirst := &compressor{algs: []string{EncodingGzip, EncodingZstd}}
	onlyGzip := &compressor{algs: []string{EncodingGzip}}
	for _, tc := range []struct {
		c      *compressor
		header string
		want   string
	}{
		{both, "", ""},
		{both, "identity", ""},
		{both, "gzip", "gzip"},
		{both, "gzip, deflate, br, zstd", "zstd"},      // tie: the server's order
		{gzipFirst, "gzip, deflate, br, zstd", "gzip"}, // tie: the server's order
		{both, "zstd;q=0.5, gzip;q=0.8", "gzip"},
		{both, "zstd;q=0, gzip;q=0.1", "gzip"},
		{both, "zstd;q=0", ""},
		{both, "*", "zstd"},
		{both, "*;q=0.3, gzip", "gzip"},
		{both, "zstd;q=0, *", "gzip"},
		{both, "GZIP;Q=1.0", "gzip"},
		{both, "x-gzip", "gzip"},
		{both, "gzip;q=bogus", ""},
		{both, "br", ""},
		{onlyGzip, "zstd", ""},
		{onlyGzip, "zstd, gzip;q=0.2", "gzip"},
	} {
		if got := tc.c.negotiate(tc.header); got != tc.want {
			t.Errorf("algorithms %v, Accept-Encoding %q: got %q, want %q", tc.c.algs, tc.header, got, tc.want)
		}
	}
}

// bigAnswer answers {"big":"xxxx…"} of n bytes of payload, the same on
// every call.
func bigAnswer(n int) HandlerFunc {
	return func(ctx context.Context, req *gateway.Request) *gateway.Response {
		return &gateway.Response{Data: json.RawMessage(`{"big":"` + strings.Repeat("abcdefgh", n/8) + `"}`)}
	}
}

// rawClient never decodes (so that the test sees Content-Encoding).
func rawClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableCompression: true}}
}

func postQuery(t *testing.T, c *http.Client, url, acceptEncoding, accept string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ big }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func decode(t *testing.T, enc string, r io.Reader) io.Reader {
	t.Helper()
	switch enc {
	case "":
		return r
	case EncodingGzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		return zr
	case EncodingZstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(zr.Close)
		return zr
	}
	t.Fatalf("unknown encoding %q", enc)
	return nil
}

func TestCompressedResponses(t *testing.T) {
	srv := httptest.NewServer(New(bigAnswer(64<<10), WithLogger(discardLogger()),
		WithCompression(Compression{MinBytes: 2048})))
	defer srv.Close()
	plain := httptest.NewServer(New(bigAnswer(64<<10), WithLogger(discardLogger())))
	defer plain.Close()

	ref := postQuery(t, rawClient(), plain.URL+"/graphql", "gzip, zstd", "")
	want, _ := io.ReadAll(ref.Body)
	ref.Body.Close()
	if ref.Header.Get("Content-Encoding") != "" || ref.Header.Get("Vary") != "" {
		t.Fatalf("compression not configured, yet Content-Encoding %q, Vary %q",
			ref.Header.Get("Content-Encoding"), ref.Header.Get("Vary"))
	}
	for _, tc := range []struct{ accept, want string }{
		{"gzip, zstd", EncodingZstd},
		{"gzip", EncodingGzip},
		{"zstd;q=0.1, gzip;q=0.9", EncodingGzip},
		{"", ""},
		{"br", ""},
	} {
		resp := postQuery(t, rawClient(), srv.URL+"/graphql", tc.accept, "")
		if got := resp.Header.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.want)
		}
		if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", tc.accept, got)
		}
		body, err := io.ReadAll(decode(t, resp.Header.Get("Content-Encoding"), resp.Body))
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != string(want) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the identity one (%d vs %d bytes)", tc.accept, len(body), len(want))
		}
	}
}

func TestSmallResponsesStayIdentity(t *testing.T) {
	srv := httptest.NewServer(New(bigAnswer(16), WithLogger(discardLogger()),
		WithCompression(Compression{MinBytes: 2048})))
	defer srv.Close()
	resp := postQuery(t, rawClient(), srv.URL+"/graphql", "gzip", "")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), `"big":`) {
		t.Fatalf("small answer: Content-Encoding %q, body %s", resp.Header.Get("Content-Encoding"), body)
	}
	// A small error written without a Content-Length (http.Error) is held
	// back, found small, and sent as it is with its length.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/nothing-here", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := rawClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != int64(len(body)) {
		t.Fatalf("404: status %d, Content-Encoding %q, length %d for %d bytes", resp.StatusCode,
			resp.Header.Get("Content-Encoding"), resp.ContentLength, len(body))
	}
}

// TestCompressedMultipartFlushesEachPart: every @defer part reaches the
// client through the compressor before the next one is produced (the
// next part is only released once the client has read the previous one:
// a compressor that held parts back would hang here).
func TestCompressedMultipartFlushesEachPart(t *testing.T) {
	for _, enc := range []string{EncodingGzip, EncodingZstd} {
		t.Run(enc, func(t *testing.T) {
			release := make(chan struct{})
			h := HandlerFunc(func(ctx context.Context, req *gateway.Request) *gateway.Response {
				return &gateway.Response{
					Data: json.RawMessage(`{"first":1}`),
					Incremental: iter.Seq[*gateway.Subsequent](func(yield func(*gateway.Subsequent) bool) {
						for i := range 3 {
							select {
							case <-release:
							case <-ctx.Done():
								return
							}
							sub := &gateway.Subsequent{HasNext: i < 2, Incremental: []executor.Incremental{{Data: json.RawMessage(`{"n":` + string(rune('0'+i)) + `}`)}}}
							if !yield(sub) {
								return
							}
						}
					}),
				}
			})
			srv := httptest.NewServer(New(h, WithLogger(discardLogger()), WithCompression(Compression{MinBytes: 4096})))
			defer srv.Close()
			resp := postQuery(t, rawClient(), srv.URL+"/graphql", enc, "multipart/mixed;deferSpec=20220824")
			defer resp.Body.Close()
			if got := resp.Header.Get("Content-Encoding"); got != enc {
				t.Fatalf("Content-Encoding %q, want %q", got, enc)
			}
			lines := make(chan string)
			body := decode(t, enc, resp.Body)
			done := make(chan struct{})
			defer func() { resp.Body.Close(); <-done }() // the reader ends before the decoder closes
			go func() {
				defer close(done)
				defer close(lines)
				sc := bufio.NewScanner(body)
				for sc.Scan() {
					if strings.HasPrefix(sc.Text(), "{") {
						select {
						case lines <- sc.Text():
						case <-time.After(30 * time.Second):
							return
						}
					}
				}
			}()
			next := func() string {
				select {
				case l := <-lines:
					return l
				case <-time.After(20 * time.Second): // a hang guard only
					t.Fatal("a part was held back by the compressor")
				}
				return ""
			}
			if got := next(); got != `{"data":{"first":1},"hasNext":true}` {
				t.Fatalf("first part %s", got)
			}
			for i := range 3 {
				release <- struct{}{}
				got := next()
				if !strings.Contains(got, `"data":{"n":`+string(rune('0'+i))+`}`) {
					t.Fatalf("part %d: %s", i+1, got)
				}
			}
		})
	}
}
