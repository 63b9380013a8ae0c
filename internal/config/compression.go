package config

import (
	"fmt"
	"slices"
	"strings"
)

// Compression of responses to clients, negotiated by Accept-Encoding (off
// by default).
type Compression struct {
	// Enabled compresses responses for clients that accept it.
	Enabled bool `yaml:"enabled"`
	// MinBytes: smaller responses are sent as they are (default 1024).
	// Streamed ones (multipart @defer, subscriptions) are compressed and
	// flushed part by part.
	MinBytes int `yaml:"min_bytes"`
	// Algorithms in order of preference when the client accepts several
	// equally: zstd, gzip (default [zstd, gzip]).
	Algorithms []string `yaml:"algorithms"`
}

// SubgraphCompression: compressed requests to and answers from subgraphs
// (traffic.compression for all, subgraphs.NAME.compression for one).
type SubgraphCompression struct {
	// Accept lists the encodings asked of subgraphs (Accept-Encoding):
	// zstd, gzip. Their answers are decoded, the decoded size counting
	// against max_subgraph_response_bytes. Default: gzip, as Go's client
	// asks.
	Accept []string `yaml:"accept"`
	// Request compresses request bodies of at least RequestMinBytes
	// (default 1024) with this encoding: gzip or zstd (default none).
	Request         string `yaml:"request"`
	RequestMinBytes int    `yaml:"request_min_bytes"`
}

var compressionAlgorithms = []string{"gzip", "zstd"}

func (c *Compression) validate(probs []string) []string {
	if c.MinBytes < 0 {
		probs = append(probs, fmt.Sprintf("compression.min_bytes: %d: want 0 (the default, 1024) or more", c.MinBytes))
	}
	for i, a := range c.Algorithms {
		if !slices.Contains(compressionAlgorithms, strings.ToLower(a)) {
			probs = append(probs, fmt.Sprintf("compression.algorithms[%d]: %q: want gzip or zstd", i, a))
		}
	}
	return probs
}

func (c *SubgraphCompression) validate(key string, probs []string) []string {
	if c == nil {
		return probs
	}
	for i, a := range c.Accept {
		if !slices.Contains(compressionAlgorithms, strings.ToLower(a)) {
			probs = append(probs, fmt.Sprintf("%s.compression.accept[%d]: %q: want gzip or zstd", key, i, a))
		}
	}
	if c.Request != "" && !slices.Contains(compressionAlgorithms, strings.ToLower(c.Request)) {
		probs = append(probs, fmt.Sprintf("%s.compression.request: %q: want gzip, zstd or nothing", key, c.Request))
	}
	if c.RequestMinBytes < 0 {
		probs = append(probs, fmt.Sprintf("%s.compression.request_min_bytes: %d: want 0 (the default, 1024) or more", key, c.RequestMinBytes))
	}
	return probs
}

// validateCompression checks compression, traffic.compression and every
// subgraphs.NAME.compression.
func (c *Config) validateCompression(probs []string) []string {
	probs = c.Compression.validate(probs)
	probs = c.Traffic.Compression.validate("traffic", probs)
	for _, n := range sortedSubgraphNames(c) {
		probs = c.Subgraphs[n].Compression.validate("subgraphs."+n, probs)
	}
	return probs
}

func sortedSubgraphNames(c *Config) []string {
	names := make([]string, 0, len(c.Subgraphs))
	for n := range c.Subgraphs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
