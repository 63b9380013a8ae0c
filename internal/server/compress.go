package server

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Response compression (off unless WithCompression): the encoding is
// negotiated from Accept-Encoding with its q-values, ties going to the
// order of the configured algorithms. A response is compressed when its
// length is unknown (it streams) or at least minBytes; one of unknown
// length is held back until minBytes are written or the handler flushes,
// so a small error written without a Content-Length is not compressed
// either. A flush (a multipart @defer part, a subscription event) flushes
// the compressor first, so every part reaches the client at once.
// Responses that vary by Accept-Encoding say so (Vary).

// Encodings Junction compresses with.
const (
	EncodingGzip = "gzip"
	EncodingZstd = "zstd"
)

// DefaultCompressMinBytes is the smallest response compressed by default.
const DefaultCompressMinBytes = 1024

// Compression configures response compression: Algorithms in the server's
// order of preference (EncodingZstd, EncodingGzip; default both, zstd
// first), MinBytes the smallest body compressed (default 1024).
type Compression struct {
	MinBytes   int
	Algorithms []string
}

// WithCompression turns response compression on. An unknown algorithm is
// an error of the config's validation; here it is ignored.
func WithCompression(c Compression) Option {
	return func(s *Server) {
		cp := &compressor{minBytes: c.MinBytes}
		if cp.minBytes <= 0 {
			cp.minBytes = DefaultCompressMinBytes
		}
		algs := c.Algorithms
		if len(algs) == 0 {
			algs = []string{EncodingZstd, EncodingGzip}
		}
		for _, a := range algs {
			if p := encoderPools[strings.ToLower(a)]; p != nil {
				cp.algs = append(cp.algs, strings.ToLower(a))
			}
		}
		if len(cp.algs) > 0 {
			s.compress = cp
		}
	}
}

type compressor struct {
	minBytes int
	algs     []string
}

// encoder is what gzip.Writer and zstd.Encoder have in common.
type encoder interface {
	io.Writer
	Flush() error
	Close() error
	Reset(io.Writer)
}

// encoderPools hold reset encoders by encoding: a zstd encoder is costly
// to build (its tables), a gzip one too (its window).
var encoderPools = map[string]*sync.Pool{
	EncodingGzip: {New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
		return w
	}},
	EncodingZstd: {New: func() any {
		// One goroutine per stream; the default window (8 MiB at most)
		// is within what browsers decode.
		e, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			panic(fmt.Sprintf("zstd encoder: %v", err)) // only for invalid options
		}
		return e
	}},
}

// negotiate picks the encoding for an Accept-Encoding header: the highest
// q-value among the algorithms, ties to the earlier algorithm; "*" stands
// for every algorithm not named; q=0 refuses. "" means identity.
func (c *compressor) negotiate(header string) string {
	if header == "" {
		return ""
	}
	best, bestQ := "", 0.0
	for _, alg := range c.algs {
		q, named, star := 0.0, false, -1.0
		for _, part := range strings.Split(header, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != alg && name != "*" && !(alg == EncodingGzip && name == "x-gzip") {
				continue
			}
			v := qValue(params)
			if name == "*" {
				star = v
				continue
			}
			named = true
			if v > q {
				q = v
			}
		}
		if !named && star > 0 {
			q = star
		}
		if q > bestQ {
			best, bestQ = alg, q
		}
	}
	return best
}

// qValue reads q=… from the parameters of one Accept-Encoding element
// (default 1; an unreadable one is 0, refusing).
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// wrap returns the writer handlers write to and the function that ends
// the response (flushes and closes the compressor). A request for a
// protocol upgrade (WebSocket) is never wrapped.
func (c *compressor) wrap(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	if r.Header.Get("Upgrade") != "" {
		return w, func() {}
	}
	cw := &compressWriter{rw: w, c: c, head: r.Method == http.MethodHead}
	cw.enc = c.negotiate(r.Header.Get("Accept-Encoding"))
	return cw, cw.finish
}

// compressWriter compresses what a handler writes once it is worth it.
// States: before WriteHeader; pending (status known, length unknown,
// holding up to minBytes in buf); compressing (enc != nil); passing
// through (sent without compressing).
type compressWriter struct {
	rw      http.ResponseWriter
	c       *compressor
	enc     string // the negotiated encoding; "" for identity
	head    bool
	status  int
	pending bool
	sent    bool // headers written to rw
	buf     []byte
	w       encoder
}

func (cw *compressWriter) Header() http.Header { return cw.rw.Header() }

// Unwrap lets http.ResponseController reach the connection (write
// deadlines).
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.rw }

func (cw *compressWriter) WriteHeader(code int) {
	if cw.sent || cw.pending {
		return
	}
	if code >= 100 && code < 200 {
		cw.rw.WriteHeader(code) // informational: not the response
		return
	}
	cw.status = code
	h := cw.rw.Header()
	addVary(h)
	if !cw.compressible(code, h) {
		cw.send()
		return
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n < cw.c.minBytes {
			cw.send()
			return
		}
		cw.start()
		return
	}
	cw.pending = true
}

// compressible: an encoding was negotiated, the status has a body, the
// handler did not encode it itself, and the media type is not compressed
// already.
func (cw *compressWriter) compressible(code int, h http.Header) bool {
	if cw.enc == "" || cw.head || code == http.StatusNoContent || code == http.StatusNotModified ||
		code == http.StatusPartialContent || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" {
		return false
	}
	ct := h.Get("Content-Type")
	for _, p := range []string{"image/", "video/", "audio/", "font/woff", "application/zip", "application/gzip", "application/zstd"} {
		if strings.HasPrefix(ct, p) {
			return false
		}
	}
	return true
}

// send writes the headers uncompressed.
func (cw *compressWriter) send() {
	cw.pending, cw.sent = false, true
	cw.rw.WriteHeader(cw.status)
}

// start writes the headers of a compressed response and takes an encoder.
func (cw *compressWriter) start() {
	h := cw.rw.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", cw.enc)
	if et := h.Get("Etag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("Etag", "W/"+et) // the bytes differ from the identity ones
	}
	cw.pending, cw.sent = false, true
	cw.rw.WriteHeader(cw.status)
	cw.w = encoderPools[cw.enc].Get().(encoder)
	cw.w.Reset(cw.rw)
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if !cw.sent && !cw.pending {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.pending {
		if len(cw.buf)+len(p) < cw.c.minBytes {
			cw.buf = append(cw.buf, p...)
			return len(p), nil
		}
		cw.start()
		if err := cw.flushBuf(); err != nil {
			return 0, err
		}
	}
	if cw.w != nil {
		return cw.w.Write(p)
	}
	return cw.rw.Write(p)
}

func (cw *compressWriter) flushBuf() error {
	if len(cw.buf) == 0 {
		return nil
	}
	b := cw.buf
	cw.buf = nil
	var err error
	if cw.w != nil {
		_, err = cw.w.Write(b)
	} else {
		_, err = cw.rw.Write(b)
	}
	return err
}

// FlushError sends what was written so far: a pending response starts
// compressing (a handler that flushes streams), the compressor flushes its
// block, then the connection.
func (cw *compressWriter) FlushError() error {
	if !cw.sent && !cw.pending {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.pending {
		cw.start()
		if err := cw.flushBuf(); err != nil {
			return err
		}
	}
	if cw.w != nil {
		if err := cw.w.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(cw.rw).Flush()
}

// Flush implements http.Flusher.
func (cw *compressWriter) Flush() { _ = cw.FlushError() }

// finish ends the response: a pending one that stayed small goes out as
// it is, with its length; a compressing one closes its stream.
func (cw *compressWriter) finish() {
	if cw.pending {
		cw.rw.Header().Set("Content-Length", strconv.Itoa(len(cw.buf)))
		cw.send()
		_ = cw.flushBuf()
	}
	if cw.w != nil {
		_ = cw.w.Close()
		cw.w.Reset(nil)
		encoderPools[cw.enc].Put(cw.w)
		cw.w = nil
	}
}

// addVary adds Accept-Encoding to Vary unless it is there.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept-Encoding") {
				return
			}
		}
	}
	h.Add("Vary", "Accept-Encoding")
}
