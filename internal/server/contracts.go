package server

import (
	"net/http"
	"strings"

	"github.com/junction-gateway/junction/internal/gateway"
)

// contractName returns the contract a path below the GraphQL path names
// (/graphql/<name>), "" for any other path. The gateway answers 404 for a
// contract it does not serve.
func (s *Server) contractName(p string) string {
	name, ok := strings.CutPrefix(p, s.path+"/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return ""
	}
	return name
}

// serveContract serves GraphQL (and the playground) at a contract's path:
// the request validates and introspects against that contract's schema.
func (s *Server) serveContract(w http.ResponseWriter, r *http.Request, name string) {
	s.serveGraphQL(w, r.WithContext(gateway.WithContract(r.Context(), name)))
}

// playgroundEndpoint is where the playground page served for r sends its
// requests: the contract's path for a contract's playground.
func (s *Server) playgroundEndpoint(r *http.Request) string {
	if s.contractName(r.URL.Path) != "" {
		return r.URL.Path
	}
	return s.path
}
