package subgraphs

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"regexp"
)

// supergraphSDL is the demo supergraph, hand-written in the shape that
// Apollo composition gives for the four subgraphs (join v0.3). Its URLs are
// the demo-subgraphs command's defaults (127.0.0.1:4001..4004).
//
//go:embed supergraph.graphql
var supergraphSDL string

// graphURL matches the @join__graph application of one join__Graph value.
var graphURL = regexp.MustCompile(`@join__graph\(name: "([^"\\]*)", url: "((?:[^"\\]|\\.)*)"\)`)

// Supergraph returns the demo supergraph SDL with each subgraph's URL taken
// from urls (subgraph name -> URL). A subgraph missing from urls keeps the
// default URL of the embedded file.
func Supergraph(urls map[string]string) string {
	return graphURL.ReplaceAllStringFunc(supergraphSDL, func(m string) string {
		sub := graphURL.FindStringSubmatch(m)
		url, ok := urls[sub[1]]
		if !ok {
			return m
		}
		return `@join__graph(name: "` + sub[1] + `", url: ` + quote(url) + `)`
	})
}

// quote writes s as a GraphQL string literal; JSON string escapes are valid
// GraphQL string escapes.
func quote(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}
