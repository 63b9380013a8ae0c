package executor

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compressed subgraph traffic (WithSubgraphCompression): the encodings
// asked of a subgraph go out in Accept-Encoding and its compressed answers
// are decoded here, through the same size limit as plain ones (the
// decoded bytes count: a small compressed body cannot expand past
// WithMaxResponseBytes). A request body can be compressed too. Without the
// option nothing changes: Go's transport asks for gzip and decodes it.

// SubgraphCompression configures the compression of one subgraph's
// traffic (or every subgraph's).
type SubgraphCompression struct {
	// Accept: the encodings asked for, in order ("gzip", "zstd"); empty
	// keeps the transport's own (gzip, decoded by net/http).
	Accept []string
	// Request: the encoding of request bodies of at least RequestMinBytes
	// (default 1024); "" sends them as they are.
	Request         string
	RequestMinBytes int
}

// WithSubgraphCompression sets the compression of service's traffic;
// service "" sets it for every subgraph without one of its own.
func WithSubgraphCompression(service string, c SubgraphCompression) HTTPOption {
	return func(hc *httpClient) {
		s := &compression{request: strings.ToLower(c.Request), requestMin: c.RequestMinBytes}
		if s.requestMin <= 0 {
			s.requestMin = 1024
		}
		for _, a := range c.Accept {
			s.accept = append(s.accept, strings.ToLower(a))
		}
		s.acceptHeader = strings.Join(s.accept, ", ")
		if hc.compression == nil {
			hc.compression = map[string]*compression{}
		}
		hc.compression[service] = s
	}
}

type compression struct {
	accept       []string
	acceptHeader string
	request      string
	requestMin   int
}

// compressionFor is service's setting, nil when none is configured.
func (c *httpClient) compressionFor(service string) *compression {
	if c.compression == nil {
		return nil
	}
	if s, ok := c.compression[service]; ok {
		return s
	}
	return c.compression[""]
}

// encodeBody compresses body with enc.
func encodeBody(enc string, body []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body) / 4)
	var w io.WriteCloser
	switch enc {
	case "gzip":
		gw := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(gw)
		gw.Reset(&buf)
		w = gw
	case "zstd":
		zw := zstdWriters.Get().(*zstd.Encoder)
		defer zstdWriters.Put(zw)
		zw.Reset(&buf)
		w = zw
	default:
		return nil, fmt.Errorf("unknown request encoding %q", enc)
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
	zstdWriters = sync.Pool{New: func() any {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
		return e
	}}
	gzipReaders = sync.Pool{}
)

// decodeBody wraps an answer's body in the decoder of its Content-Encoding
// when this client asked for encodings itself (nil body: nothing to
// decode); release returns the decoder. An encoding it did not ask for is
// an error.
func (c *httpClient) decodeBody(s *compression, resp *http.Response) (body io.Reader, release func(), err error) {
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if s == nil || len(s.accept) == 0 || enc == "" || enc == "identity" {
		return nil, func() {}, nil
	}
	switch enc {
	case "gzip", "x-gzip":
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		if zr == nil {
			zr = new(gzip.Reader)
		}
		if err := zr.Reset(resp.Body); err != nil {
			gzipReaders.Put(zr)
			return nil, nil, fmt.Errorf("gzip answer: %w", err)
		}
		return zr, func() { gzipReaders.Put(zr) }, nil
	case "zstd":
		zr, _ := c.zstdReaders.Get().(*zstd.Decoder)
		if zr == nil {
			// The decoder's memory is bounded by the answer limit, or 8 MiB
			// (the window encoders use by default) if that is more: a frame
			// announcing a larger window is refused.
			zr, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxMemory(uint64(max(c.maxBytes, 8<<20))), zstd.WithDecoderMaxWindow(uint64(min(max(c.maxBytes, 8<<20), 1<<29))))
			if err != nil {
				return nil, nil, err
			}
		}
		if err := zr.Reset(resp.Body); err != nil {
			return nil, nil, fmt.Errorf("zstd answer: %w", err)
		}
		return zr, func() {
			_ = zr.Reset(nil)
			c.zstdReaders.Put(zr)
		}, nil
	}
	return nil, nil, fmt.Errorf("answer with Content-Encoding %q, which was not asked for", enc)
}
