package server

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultCORSHeaders are allowed in a preflight that names none.
const defaultCORSHeaders = "Content-Type, Accept, Authorization, X-Request-Id, Apollo-Expose-Query-Plan, Junction-Expose-Query-Plan, Junction-Query-Plan-Only, Junction-Include-Trace"

// CORS is the cross-origin policy. The zero value allows no foreign
// origin: browsers then only let pages served by Junction itself (the
// playground) read its answers.
type CORS struct {
	// AllowOrigins lists the origins allowed, exactly ("https://app.example.com")
	// or with "*" wildcards in the host ("https://*.example.com"); a lone "*"
	// allows any origin (never together with AllowCredentials).
	AllowOrigins []string
	// MatchOrigins are regular expressions an origin may match instead.
	MatchOrigins []*regexp.Regexp
	// AllowCredentials lets browsers send cookies and HTTP auth
	// (Access-Control-Allow-Credentials: true).
	AllowCredentials bool
	// AllowHeaders lists the request headers a preflight may ask for; empty
	// mirrors the headers the preflight asks for.
	AllowHeaders []string
	// ExposeHeaders lists response headers scripts may read, besides
	// X-Request-Id.
	ExposeHeaders []string
	// MaxAge is how long a browser may cache a preflight (default 10m).
	MaxAge time.Duration
}

// Validate reports a policy that browsers would refuse or that is unsafe.
func (c CORS) Validate() error {
	for _, o := range c.AllowOrigins {
		if o == "*" && c.AllowCredentials {
			return fmt.Errorf("cors: allow_origins \"*\" cannot be combined with allow_credentials: list the origins")
		}
		if o != "*" && !strings.Contains(o, "://") {
			return fmt.Errorf("cors: allow_origins %q: want scheme://host[:port] (wildcards allowed in the host)", o)
		}
		if _, err := path.Match(o, ""); err != nil {
			return fmt.Errorf("cors: allow_origins %q: %v", o, err)
		}
	}
	return nil
}

// WithCORS sets the cross-origin policy (default: no foreign origin).
func WithCORS(c CORS) Option {
	return func(s *Server) { s.corsPolicy = c }
}

// WithCORSOrigins allows the given origins (see CORS.AllowOrigins).
func WithCORSOrigins(origins ...string) Option {
	return func(s *Server) { s.corsPolicy.AllowOrigins = append([]string(nil), origins...) }
}

// allows reports whether origin is allowed, and whether by "*".
func (c *CORS) allows(origin string) (ok, any bool) {
	for _, o := range c.AllowOrigins {
		switch {
		case o == "*":
			return true, true
		case o == origin:
			return true, false
		case strings.Contains(o, "*"):
			// In a host, "*" stands for one or more DNS labels' characters
			// but never crosses the scheme or a port: path.Match's "*" stops
			// at "/", and the scheme and port are matched literally.
			if m, _ := path.Match(o, origin); m {
				return true, false
			}
		}
	}
	for _, re := range c.MatchOrigins {
		if re.MatchString(origin) {
			return true, false
		}
	}
	return false, false
}

// cors sets the CORS response headers for a request that carries an Origin,
// and the preflight headers for an OPTIONS preflight. It never rejects: a
// disallowed origin simply gets no Access-Control-Allow-Origin, and the
// browser enforces the rest.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	c := &s.corsPolicy
	h := w.Header()
	ok, any := c.allows(origin)
	if !any {
		h.Add("Vary", "Origin")
	}
	if !ok {
		return
	}
	if any {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	expose := headerRequestID
	if len(c.ExposeHeaders) > 0 {
		expose += ", " + strings.Join(c.ExposeHeaders, ", ")
	}
	h.Set("Access-Control-Expose-Headers", expose)
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	switch req := strings.TrimSpace(r.Header.Get("Access-Control-Request-Headers")); {
	case len(c.AllowHeaders) > 0:
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ", "))
	case req != "":
		h.Set("Access-Control-Allow-Headers", req)
		h.Add("Vary", "Access-Control-Request-Headers")
	default:
		h.Set("Access-Control-Allow-Headers", defaultCORSHeaders)
	}
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = 10 * time.Minute
	}
	h.Set("Access-Control-Max-Age", strconv.Itoa(int(maxAge/time.Second)))
}

// CSRF prevention, as Apollo Router and Apollo Server do it: a browser
// sends some requests cross-origin without a CORS preflight ("simple"
// requests: GET, HEAD, or POST with a content type of
// application/x-www-form-urlencoded, multipart/form-data or text/plain, or
// none), carrying the user's cookies. Such a request could execute an
// operation with the user's credentials even though the attacker's page
// cannot read the answer; so, when prevention is on, a GraphQL request is
// executed only if it cannot be simple: it has a Content-Type other than
// those three, or one of the required headers (which no simple request may
// carry).

// DefaultCSRFHeaders are the headers that mark a request as sent by a
// script that passed a preflight (Apollo's).
var DefaultCSRFHeaders = []string{"X-Apollo-Operation-Name", "Apollo-Require-Preflight"}

// WithCSRFPrevention turns CSRF prevention on (default off) with the
// headers that mark a non-simple request (DefaultCSRFHeaders when none).
func WithCSRFPrevention(on bool, headers ...string) Option {
	return func(s *Server) {
		s.csrf = on
		s.csrfHeaders = nil
		if len(headers) == 0 {
			headers = DefaultCSRFHeaders
		}
		for _, h := range headers {
			s.csrfHeaders = append(s.csrfHeaders, http.CanonicalHeaderKey(h))
		}
	}
}

var simpleContentTypes = []string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}

// csrfBlocked reports whether prevention is on and r could have been sent
// by a browser without a preflight.
func (s *Server) csrfBlocked(r *http.Request) bool {
	if !s.csrf {
		return false
	}
	for _, h := range s.csrfHeaders {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	return slices.Contains(simpleContentTypes, strings.ToLower(strings.TrimSpace(mt)))
}

const codeCSRF = "CSRF_PREVENTED"

func (s *Server) csrfError() *requestError {
	return &requestError{status: http.StatusBadRequest, code: codeCSRF,
		message: "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). " +
			"Send a Content-Type of application/json, or a non-empty header " + strings.Join(s.csrfHeaders, " or ") + "."}
}
