package server

import (
	"mime"
	"strconv"
	"strings"
)

// The response media types of the GraphQL-over-HTTP spec.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// negotiate picks the response media type from an Accept header.
//
// The spec (GraphQL over HTTP, after its 2025-01-01 watershed) has servers
// treat a missing Accept, or */*, as application/graphql-response+json. Each
// supported type gets the q-value of the most specific media range that
// matches it (exact type > type/* > */*); the higher q wins and a tie goes to
// application/graphql-response+json. When the client accepts neither, the
// spec lets the server disregard Accept and use its default, which we do
// rather than answer 406, so that a client always gets a GraphQL response.
func negotiate(accept string) string {
	mt, _ := negotiateOK(accept)
	return mt
}

// negotiateOK is negotiate that also reports whether Accept names a type
// Junction can answer (a missing Accept does).
func negotiateOK(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaGraphQLResponse, true
	}
	qGR, qJSON := acceptQ(accept, mediaGraphQLResponse), acceptQ(accept, mediaJSON)
	switch {
	case qGR <= 0 && qJSON <= 0:
		return mediaGraphQLResponse, false
	case qJSON > qGR:
		return mediaJSON, true
	default:
		return mediaGraphQLResponse, true
	}
}

// acceptQ returns the q-value the Accept header gives to media type mt
// (0 when no range matches it).
func acceptQ(accept, mt string) float64 {
	typ, _, _ := strings.Cut(mt, "/")
	best, q := -1, 0.0
	for _, part := range strings.Split(accept, ",") {
		rng, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		spec := -1
		switch {
		case rng == mt:
			spec = 2
		case rng == typ+"/*":
			spec = 1
		case rng == "*/*":
			spec = 0
		}
		if spec < best || spec < 0 {
			continue
		}
		v := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
				v = f
			}
		}
		if spec > best || v > q {
			best, q = spec, v
		}
	}
	return q
}

// acceptsHTML reports whether the Accept header explicitly names text/html,
// which is how a browser's navigation differs from a GraphQL client.
func acceptsHTML(accept string) bool {
	return acceptQ(accept, "text/html") > 0 && strings.Contains(strings.ToLower(accept), "text/html")
}
