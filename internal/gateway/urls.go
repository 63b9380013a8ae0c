package gateway

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrSubgraphURL is wrapped by Swap (and New) for a subgraph whose URL is
// not an absolute http(s) URL: such a supergraph is refused at start and
// on reload, and the last good one keeps serving.
var ErrSubgraphURL = errors.New("gateway: subgraph URL is not http(s)")

// checkURL reports why u cannot be a subgraph's URL, or nil.
func checkURL(name, u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || strings.ContainsAny(u, " \t\r\n") {
		return fmt.Errorf("%w: subgraph %q has URL %q (want http://HOST[:PORT]/PATH or https://…; set subgraphs.%s.url to override it)", ErrSubgraphURL, name, u, name)
	}
	return nil
}
